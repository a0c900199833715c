"""Where ``Idempotency-Key`` records live (API.md v1.1 "Idempotency-Key"): claimed before the
command runs, released when their request never finished, kept 24 hours. The HTTP side, which
decides what is stored, is src/api/idempotency.py."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

metadata = MetaData()

# Idempotency keys (the HTTP side: src/api/idempotency.py). ``scope`` is a digest of the actor, the route and
# the key, and ``body_sha256`` a digest of the canonical body: no personal data beyond the
# stored response. ``claimed_at`` is seconds since the epoch (in-flight release, 24 h expiry).
idempotency_keys = Table(
    "idempotency_keys_v2",
    metadata,
    Column("scope", String(64), primary_key=True),
    Column("body_sha256", String(64), nullable=False),
    Column("status", Integer),
    Column("content_type", String(100)),
    Column("response", Text),
    Column("claimed_at", Float, nullable=False, index=True),
)


RECORD_SECONDS = 24 * 3600


def canonical_digest(body: bytes) -> str:
    """SHA-256 of the body as canonical JSON (sorted keys, no spaces); of the bytes when the
    body is not JSON."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeDecodeError, RecursionError):
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming a key: ours to run, or the row found under it."""

    ours: bool
    body_sha256: str = ""
    status: int | None = None
    content_type: str | None = None
    response: str | None = None


class IdempotencyStore:
    def __init__(self, engine: Engine, inflight_seconds: float,
                 now: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.inflight_seconds = inflight_seconds
        self.now = now

    def claim(self, scope: str, digest: str) -> Claim:
        now = self.now()
        with self.engine.begin() as conn:  # expired records are gone (24 h)
            conn.execute(delete(idempotency_keys)
                         .where(idempotency_keys.c.claimed_at < now - RECORD_SECONDS))
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(idempotency_keys).values(
                    scope=scope, body_sha256=digest, claimed_at=now))
            return Claim(ours=True)
        except IntegrityError:
            pass
        with self.engine.begin() as conn:
            row = conn.execute(
                select(idempotency_keys).where(idempotency_keys.c.scope == scope)
            ).first()
            if row is None:  # released in between: a retry of the claim takes it
                return Claim(ours=False, body_sha256=digest, status=None)
            found = row._mapping
            stale = found["status"] is None and found["claimed_at"] < now - self.inflight_seconds
            if stale:  # its request never finished (crash): take the key over, once
                taken = conn.execute(
                    update(idempotency_keys)
                    .where(idempotency_keys.c.scope == scope,
                           idempotency_keys.c.claimed_at == found["claimed_at"],
                           idempotency_keys.c.status.is_(None))
                    .values(body_sha256=digest, claimed_at=now)
                ).rowcount
                if taken == 1:
                    return Claim(ours=True)
            return Claim(ours=False, body_sha256=found["body_sha256"], status=found["status"],
                         content_type=found["content_type"], response=found["response"])

    def remember(self, scope: str, status: int, content_type: str | None, body: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(idempotency_keys).where(idempotency_keys.c.scope == scope)
                         .values(status=status, content_type=content_type, response=body))

    def forget(self, scope: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(idempotency_keys).where(idempotency_keys.c.scope == scope))
