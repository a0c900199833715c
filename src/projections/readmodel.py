"""The read models as the API and the scheduler use them: one ``Follower`` over the registry
(src/projections/registry.py) and the list queries of API.md.

``catch_up`` applies the new events to every read model (src/projections/follower.py: rows and
position in one transaction); ``rebuild`` drops and refills them all.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Engine,
    Table,
    and_,
    func,
    or_,
    select,
)
from sqlalchemy.exc import SQLAlchemyError

from postledger.infrastructure.engine import open_engine
from postledger.infrastructure.idempotency import metadata as idempotency_metadata
from postledger.infrastructure.settings import Settings
from postledger.projections import audit_queries
from postledger.projections.claims_readmodel import claims
from postledger.projections.follower import Follower
from postledger.projections.ledger_rm import ledger_rows, utc
from postledger.projections.people import PersonKeys, keep_keyed
from postledger.projections.placements_rm import placement_states, placements, posts
from postledger.projections.registry import read_models

log = logging.getLogger(__name__)


class ReadModel:
    """Placements, posts, claims, ledger and findings, for the lists of API.md."""

    def __init__(self, engine: Engine, keys: PersonKeys) -> None:
        self.engine = engine
        self.keys = keys
        self.follower = Follower(engine, read_models(keys))
        keep_keyed(engine, self.follower.read_models, keys)  # refilled when the key changed
        idempotency_metadata.create_all(engine)  # the keys live beside the read models
        audit_queries.metadata.create_all(engine)

    @classmethod
    def open(cls, settings: Settings) -> ReadModel:
        return cls(open_engine(settings), settings.security.person_keys())

    def catch_up(self, app: Any, progress: Callable[[int], None] | None = None) -> int:
        return self.follower.catch_up(app, progress)

    def rebuild(self, app: Any, progress: Callable[[int], None] | None = None,
                only: Sequence[str] | None = None) -> int:
        return self.follower.rebuild(app, progress, only)

    # ------------------------------------------------------------------ queries
    def list_placements(
        self,
        *,
        within: str,
        county: str | None = None,
        township: str | None = None,
        state: str | None = None,
        person: str | None = None,
        as_of: datetime | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        p = placements
        query = matching(select(p).where(inside(p.c.path, within)), p, county=county,
                         township=township, person_hash=self.keys.hash(person) if person else None)
        if as_of is None:
            query = matching(query, p, state=state)
        else:  # the state each placement was in at that instant (rm_placement_states)
            s = placement_states
            query = (query.add_columns(s.c.state.label("state_then"))
                     .join(s, s.c.placement_id == p.c.id)
                     .where(and_(s.c.since <= utc(as_of),
                                 or_(s.c.until.is_(None), s.c.until > utc(as_of)))))
            query = query.where(s.c.state == state) if state else query
        query = query.order_by(p.c.applied_on, p.c.id).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return [_summary(dict(r._mapping)) for r in conn.execute(query)]

    def active_placement_ids(self, *, within: str) -> list[UUID]:
        query = select(placements.c.id).where(
            and_(placements.c.state == "active", inside(placements.c.path, within))
        )
        with self.engine.connect() as conn:
            return [UUID(r[0]) for r in conn.execute(query)]

    def list_posts(
        self,
        *,
        within: str,
        county: str | None = None,
        township: str | None = None,
        kind: str | None = None,
    ) -> list[dict[str, Any]]:
        query = matching(select(posts).where(inside(posts.c.path, within)), posts,
                         county=county, township=township, kind=kind)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query.order_by(posts.c.title))]

    def list_claims(
        self,
        *,
        within: str,
        county: str | None = None,
        claim_type: str | None = None,
        state: str | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        query = matching(select(claims).where(inside(claims.c.path, within)), claims,
                         county=county, type=claim_type, state=state)
        query = query.order_by(claims.c.submitted_on, claims.c.id).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    # ------------------------------------------------------------------ audit
    def ledger(self, *, township_path: str, month: str,
               as_of: datetime | None = None) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return ledger_rows(conn, township_path, month, as_of)

    def findings(self, *, county: str | None, township: str | None = None,
                 rule: str | None = None, as_of: datetime | None = None) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return audit_queries.list_findings(conn, county=county, township=township, rule=rule,
                                               as_of=as_of)

    def record_tamper_links(self, scope: str, broken: list[Any]) -> None:
        with self.engine.begin() as conn:
            audit_queries.record_tamper_links(conn, scope, broken, utcnow())

    def officials(self, *, county: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return audit_queries.list_officials(conn, county)

    def work_queue(self, *, within: str, role: str, today: date) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return audit_queries.work_queue(conn, within_clause=lambda c: inside(c, within),
                                            role=role, today=today)


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    row["resident_id"] = row.pop("resident_id_masked")
    then = row.pop("state_then", None)
    if then is not None and then != row["state"]:
        row["state"] = then
        if then not in ("exited", "withdrawn", "rejected"):
            row["exited_on"] = row["exit_reason"] = None
    return row


def matching(query: Any, table: Table, **wanted: str | None) -> Any:
    """``query`` narrowed to rows whose columns equal each value given (None: no filter)."""
    for column, value in wanted.items():
        if value:
            query = query.where(table.c[column] == value)
    return query


def inside(column: Any, within: str) -> Any:
    """Rows whose path lies inside ``within``, compared by whole path segments: the path is
    ``within`` itself or begins with ``within/``. A prefix comparison, never a LIKE pattern, so
    that ``*``, ``%`` or ``_`` in a jurisdiction match nothing but themselves. An empty
    ``within`` (an admin of everywhere) is every row."""
    if within == "":
        return column.isnot(None)
    prefix = f"{within}/"
    return or_(column == within, func.substr(column, 1, len(prefix)) == prefix)



def utcnow() -> datetime:
    return datetime.now(UTC)


class CatchUpLoop:
    """Keeps the read models caught up while the service runs: once at start, then every
    ``seconds``, so lists and findings are current even when nobody reads them."""

    def __init__(self, read_model: ReadModel, app: Any, seconds: float = 2.0) -> None:
        self.read_model, self.app, self.seconds = read_model, app, seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="read-models", daemon=True)

    def start(self) -> None:
        self.read_model.catch_up(self.app)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.wait(self.seconds):
            try:
                self.read_model.catch_up(self.app)
            except SQLAlchemyError:  # the database went away for a moment: try again later
                log.exception("read models: catch-up failed; retrying")
