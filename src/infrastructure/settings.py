"""Where data lives, chosen by environment variables (API.md, "Service").

``POSTLEDGER_DATABASE_URL``: ``sqlite:///PATH`` (default ``sqlite:///./data/postledger.db``) or
``postgresql://USER[:PASSWORD]@HOST:PORT/DB`` (optionally ``?schema=NAME``).
``POSTLEDGER_MODE``: ``demo`` (default with SQLite; development tokens accepted) or
``production``.
``POSTLEDGER_LOCK_TIMEOUT`` / ``POSTLEDGER_STATEMENT_TIMEOUT`` (seconds, default 5 and 30): on
PostgreSQL every connection, of the event store and of the read models, gives up waiting for a
lock or running a statement after these, so no request can hold the store forever (the event
store's recorder retries a timed-out write up to ten times before it gives up, and the request
is then a 503). SQLite waits as long for its write lock.
``POSTLEDGER_IDEMPOTENCY_INFLIGHT_SECONDS`` (default 60): an ``Idempotency-Key`` whose first
request never finished is released after this long (API.md v1.1).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory

from postledger.domain.errors import InvalidInput
from postledger.infrastructure.keys import SecuritySettings, decode_key

DEFAULT_DATABASE_URL = "sqlite:///./data/postledger.db"
DEMO_CHAIN_KEY = b"postledger demo chain key, public".ljust(32, b".")[:32]

# eventsourcing's aggregate cache: a command no longer replays its aggregates from the first
# event. Before each use a cached aggregate is fast-forwarded with the events stored since
# (another process's included), and commands get a deep copy, so a refused or conflicting
# command leaves the cache untouched. A 3-year placement takes ~45 KB (bench/README).
AGGREGATE_CACHE = {
    "AGGREGATE_CACHE_MAXSIZE": "1000",
    "AGGREGATE_CACHE_FASTFORWARD": "y",
    "DEEPCOPY_FROM_AGGREGATE_CACHE": "y",
}


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    mode: str = "demo"
    scheduler_daily_at: str | None = None  # "HH:MM" Asia/Shanghai; None: off
    lock_timeout_seconds: int = 5
    statement_timeout_seconds: int = 30
    idempotency_inflight_seconds: float = 60.0
    # Keys and sign-in (API.md "Production mode"), read by src/infrastructure/keys.py.
    security: SecuritySettings = field(default_factory=SecuritySettings)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        url = env.get("POSTLEDGER_DATABASE_URL") or DEFAULT_DATABASE_URL
        default_mode = "demo" if url.startswith("sqlite") else "production"
        mode = env.get("POSTLEDGER_MODE") or default_mode
        if mode not in ("demo", "production"):
            raise ValueError(f"POSTLEDGER_MODE must be demo or production, got {mode!r}")
        daily = env.get("POSTLEDGER_SCHEDULER_DAILY_AT") or None
        return cls(
            database_url=url, mode=mode, scheduler_daily_at=daily,
            lock_timeout_seconds=int(env.get("POSTLEDGER_LOCK_TIMEOUT") or 5),
            statement_timeout_seconds=int(env.get("POSTLEDGER_STATEMENT_TIMEOUT") or 30),
            idempotency_inflight_seconds=float(
                env.get("POSTLEDGER_IDEMPOTENCY_INFLIGHT_SECONDS") or 60),
            security=SecuritySettings.from_env(env),
        )

    @property
    def chain_key(self) -> bytes:
        """The HMAC key of chain heads (32 bytes; person hashes: ``security.person_keys()``).
        Demo mode alone falls back to a fixed, public demo key."""
        if self.security.chain_key:
            return decode_key("POSTLEDGER_CHAIN_KEY", self.security.chain_key)
        if self.mode == "demo":
            return DEMO_CHAIN_KEY
        raise ValueError("POSTLEDGER_CHAIN_KEY is required in production mode")

    @property
    def store(self) -> str:
        scheme = urlsplit(self.database_url).scheme
        if scheme == "sqlite":
            return "sqlite"
        if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
            return "postgresql"
        raise ValueError(f"POSTLEDGER_DATABASE_URL must be sqlite:/// or postgresql://, got {scheme}")

    @property
    def sqlite_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def postgres_schema(self) -> str:
        query = parse_qs(urlsplit(self.database_url).query)
        return query.get("schema", [""])[0]

    def eventsourcing_env(self) -> dict[str, str]:
        """Settings for eventsourcing's own recorders (faster than going through SQLAlchemy)."""
        if self.store == "sqlite":
            self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            return {
                **AGGREGATE_CACHE,
                # The library's recorders, which also anchor chain heads (chain_anchor.py).
                "PERSISTENCE_MODULE": "postledger.infrastructure.chain_anchor:AnchoredSQLiteFactory",
                "CHAIN_KEY": base64.b64encode(self.chain_key).decode(),
                "SQLITE_DBNAME": str(self.sqlite_path),
                "SQLITE_LOCK_TIMEOUT": str(self.lock_timeout_seconds),
            }
        parts = urlsplit(self.database_url)
        return {
            **AGGREGATE_CACHE,
            # PostgresWithTimeouts, which also anchors chain heads (chain_anchor.py).
            "PERSISTENCE_MODULE": "postledger.infrastructure.chain_anchor:AnchoredPostgresFactory",
            "CHAIN_KEY": base64.b64encode(self.chain_key).decode(),
            "POSTGRES_DBNAME": parts.path.lstrip("/") or "postgres",
            "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_SCHEMA": self.postgres_schema,
            # NOTES-eventsourcing.md: the default 0 waits forever for the table lock.
            "POSTGRES_LOCK_TIMEOUT": str(self.lock_timeout_seconds),
            "POSTLEDGER_STATEMENT_TIMEOUT": str(self.statement_timeout_seconds),
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "10",
            "POSTGRES_CONNECT_TIMEOUT": "10",
        }

    def postgres_options(self) -> str:
        """libpq ``options`` that bound every statement and lock wait of a connection."""
        return (f"-c statement_timeout={self.statement_timeout_seconds}s "
                f"-c lock_timeout={self.lock_timeout_seconds}s")

    def readmodel_url(self) -> str:
        """SQLAlchemy URL of the read models (a file of its own beside the SQLite event store)."""
        if self.store == "sqlite":
            path = self.sqlite_path
            read_path = path.with_name(f"{path.stem}-read{path.suffix or '.db'}")
            read_path.parent.mkdir(parents=True, exist_ok=True)
            return f"sqlite:///{read_path}"
        parts = urlsplit(self.database_url)
        return f"postgresql+psycopg://{parts.netloc}{parts.path}"


# The largest stored event the PostgreSQL store takes. A write of several megabytes can stall
# between client and server while it holds the events table's lock, where no timeout ends it
# (the server waits on the client, "ClientRead"): it is refused before it reaches the server.
# Over HTTP no body can come near it (1 MiB, src/api/guard.py).
STORED_EVENT_MAX_BYTES = 1 << 20


class BoundedPostgresApplicationRecorder(PostgresApplicationRecorder):
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Any:
        for stored in stored_events:
            if len(stored.state) > STORED_EVENT_MAX_BYTES:
                raise InvalidInput(
                    f"an event of {len(stored.state)} bytes is over the store's limit of "
                    f"{STORED_EVENT_MAX_BYTES}; nothing was recorded")
        return super().insert_events(stored_events, **kwargs)


class PostgresWithTimeouts(PostgresFactory):
    """eventsourcing's PostgreSQL store whose connections carry a ``statement_timeout`` (the
    library sets only ``lock_timeout``, and only around its inserts), and which refuses an
    oversized event before it reaches the server."""

    application_recorder_class = BoundedPostgresApplicationRecorder

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        seconds = int(self.env.get("POSTLEDGER_STATEMENT_TIMEOUT") or 30)
        kwargs = self.datastore.pool.kwargs
        assert isinstance(kwargs, dict)
        kwargs["options"] = f"-c statement_timeout={seconds}s"
