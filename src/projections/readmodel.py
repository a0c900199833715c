"""Read models in SQLAlchemy, fed from the event log.

``catch_up`` follows the application's notification log from the last tracked position (the
library's ``ProjectionRunner`` cannot follow a SQLite store, NOTES-eventsourcing.md), and writes
the rows and the new position in one transaction. The position moves by compare-and-set, so two
processes catching up at once never both apply a batch: each batch lands exactly once. Rows are
the latest state of their aggregate, so applying one twice would change nothing anyway.

A read model's tables and its tracking row carry a schema version (``_v2``): a release that
changes a table bumps it, and the new tables fill themselves from position 0 of the event log
on first use, with no migration to run (read models are derived; the old tables are left
behind untouched). ``rebuild`` drops and recreates the tables, then replays.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from postledger.domain.placement import Placement
from postledger.domain.post import Post
from postledger.workflows.application import PostLedger
from postledger.workflows.settings import Settings

metadata = MetaData()

tracking = Table(
    "rm_tracking",
    metadata,
    Column("projection", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

posts = Table(
    "rm_posts_v2",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("county", Text, nullable=False, index=True),
    Column("township", Text, nullable=False, index=True),
    Column("village", Text),
    Column("path", Text, nullable=False, index=True),
    Column("department", Text, nullable=False),
    Column("kind", String(32), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("headcount", Integer, nullable=False),
    Column("occupied", Integer, nullable=False),
    Column("monthly_subsidy_fen", BigInteger),
    Column("full_time", Boolean, nullable=False),
    Column("notice_published_on", Date),
    Column("notice_closes_on", Date),
    Column("version", Integer, nullable=False),
)

placements = Table(
    "rm_placements_v2",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("post_id", String(36), nullable=False, index=True),
    Column("county", Text, nullable=False, index=True),
    Column("township", Text, nullable=False, index=True),
    Column("village", Text),
    Column("path", Text, nullable=False, index=True),
    Column("state", String(32), nullable=False, index=True),
    Column("resident_id", String(18), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("category", String(16), nullable=False),
    Column("applied_on", Date, nullable=False),
    Column("onboarded_on", Date),
    Column("agreement_end", Date),
    Column("last_review_on", Date),
    Column("exited_on", Date),
    Column("exit_reason", String(32)),
    Column("version", Integer, nullable=False),
)

# Idempotency keys (src/api/idempotency.py). ``scope`` is a digest of the actor, the route and
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

PROJECTION = "placements_and_posts_v2"
BATCH = 500
_TOPICS_WATCHED = ("postledger:post", "postledger:placement")


def open_engine(settings: Settings) -> Engine:
    url = settings.readmodel_url()
    if settings.store == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _wal(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" below opens them
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            dbapi_connection.execute("PRAGMA busy_timeout=30000")

        @event.listens_for(engine, "begin")
        def _immediate(conn: Any) -> None:
            # Take the write lock up front: a deferred transaction that reads, then writes,
            # fails at once in WAL mode when another writer committed in between.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    schema = settings.postgres_schema
    options = settings.postgres_options() + (f" -csearch_path={schema}" if schema else "")
    return create_engine(url, connect_args={"options": options}, pool_pre_ping=True)


class LogFollower:
    """Follows the notification log for the events of ``watched`` aggregates and keeps
    ``tables`` up to date, tracking its position in ``rm_tracking`` under ``projection``."""

    projection: str
    tables: tuple[Table, ...]
    watched: tuple[type[Any], ...]

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        metadata.create_all(engine, tables=[tracking])
        for table in self.tables:
            table.create(engine, checkfirst=True)
        self._ensure_tracking()

    def project(self, conn: Any, aggregate: Any) -> None:
        raise NotImplementedError

    def _ensure_tracking(self) -> None:
        try:
            with self.engine.begin() as conn:
                found = conn.execute(
                    select(tracking.c.position).where(tracking.c.projection == self.projection)
                ).first()
                if found is None:
                    conn.execute(insert(tracking).values(projection=self.projection, position=0))
        except IntegrityError:
            pass  # another process inserted it first

    def catch_up(
        self, app: PostLedger, progress: Callable[[int], None] | None = None
    ) -> int:
        """Apply every new notification; returns how many were applied."""
        applied = 0
        with self._lock:
            while True:
                done = self._apply_next_batch(app)
                if done is None:
                    return applied
                applied += done
                if progress is not None:
                    progress(applied)

    def _apply_next_batch(self, app: PostLedger) -> int | None:
        with self.engine.begin() as conn:
            # The row lock queues concurrent followers (PostgreSQL); SQLite's write lock
            # does the same. Whoever waits then reads the position the other one left.
            position = conn.execute(
                select(tracking.c.position)
                .where(tracking.c.projection == self.projection)
                .with_for_update()
            ).scalar_one()
            notes = app.recorder.select_notifications(
                start=position + 1, limit=BATCH, topics=watched_topics(self.watched)
            )
            if not notes:
                return None
            for aggregate_id in {UUID(str(n.originator_id)) for n in notes}:
                self.project(conn, app.repository.get(aggregate_id))
            moved = conn.execute(
                update(tracking)
                .where(and_(tracking.c.projection == self.projection,
                            tracking.c.position == position))
                .values(position=notes[-1].id)
            ).rowcount
            if moved != 1:  # another process applied this batch first: drop ours
                conn.rollback()
                return 0
            return len(notes)

    def rebuild(self, app: PostLedger, progress: Callable[[int], None] | None = None) -> int:
        with self.engine.begin() as conn:
            for table in self.tables:  # recreated: a table of an older shape takes the new one
                table.drop(conn, checkfirst=True)
                table.create(conn)
            conn.execute(update(tracking).where(tracking.c.projection == self.projection)
                         .values(position=0))
        return self.catch_up(app, progress)

    @staticmethod
    def replace_row(conn: Any, table: Table, row: dict[str, Any]) -> None:
        conn.execute(delete(table).where(table.c.id == row["id"]))
        conn.execute(insert(table).values(**row))


class ReadModel(LogFollower):
    """Placements and posts, for the lists of API.md and the scheduler."""

    projection = PROJECTION
    tables = (posts, placements)
    watched = (Post, Placement)

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        metadata.create_all(engine)  # idempotency keys live beside the read models

    def project(self, conn: Any, aggregate: Any) -> None:
        if isinstance(aggregate, Placement):
            self.replace_row(conn, placements, placement_row(aggregate))
        elif isinstance(aggregate, Post):
            self.replace_row(conn, posts, post_row(aggregate))

    # ------------------------------------------------------------------ queries
    def list_placements(
        self,
        *,
        within: str,
        county: str | None = None,
        township: str | None = None,
        state: str | None = None,
        person: str | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        query = matching(
            select(placements).where(inside(placements.c.path, within)), placements,
            county=county, township=township, state=state,
            resident_id=person.strip().upper() if person else None,
        )
        query = query.order_by(placements.c.applied_on, placements.c.id).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

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


def matching(query: Any, table: Table, **wanted: str | None) -> Any:
    """``query`` narrowed to rows whose columns equal each value given (None: no filter)."""
    for column, value in wanted.items():
        if value:
            query = query.where(table.c[column] == value)
    return query


def watched_topics(classes: Sequence[type[Any]]) -> list[str]:
    """The topics of every event class of the given aggregate classes."""
    topics: list[str] = []
    for cls in classes:
        for value in vars(cls).values():
            if isinstance(value, type) and issubclass(value, cls.Event) and value is not cls.Event:
                topics.append(get_topic(value))
    return topics


def inside(column: Any, within: str) -> Any:
    """Rows whose path lies inside ``within``, compared by whole path segments: the path is
    ``within`` itself or begins with ``within/``. A prefix comparison, never a LIKE pattern, so
    that ``*``, ``%`` or ``_`` in a jurisdiction match nothing but themselves. An empty
    ``within`` (an admin of everywhere) is every row."""
    if within == "":
        return column.isnot(None)
    prefix = f"{within}/"
    return or_(column == within, func.substr(column, 1, len(prefix)) == prefix)


def placement_row(p: Placement) -> dict[str, Any]:
    return {
        "id": str(p.id),
        "post_id": str(p.post_id),
        "county": p.county,
        "township": p.township,
        "village": p.village,
        "path": p.path,
        "state": p.state.value,
        "resident_id": p.applicant["resident_id"],
        "name": p.applicant["name"],
        "category": p.category,
        "applied_on": p.applied_on,
        "onboarded_on": p.onboarded_on,
        "agreement_end": p.agreement_end,
        "last_review_on": p.last_review_on,
        "exited_on": _as_date(p.exit["date"]) if p.exit else p.withdrawn_on,
        "exit_reason": p.exit["reason"] if p.exit else None,
        "version": p.version,
    }


def post_row(p: Post) -> dict[str, Any]:
    latest = p.notices[-1] if p.notices else None
    return {
        "id": str(p.id),
        "county": p.county,
        "township": p.township,
        "village": p.village,
        "path": p.path,
        "department": p.department,
        "kind": p.kind,
        "title": p.title,
        "headcount": p.headcount,
        "occupied": len(p.occupants),
        "monthly_subsidy_fen": p.monthly_subsidy_fen,
        "full_time": p.full_time,
        "notice_published_on": latest["date"] if latest else None,
        "notice_closes_on": latest["closes_on"] if latest else None,
        "version": p.version,
    }


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))

