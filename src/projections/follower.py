"""Following the event log: every read model folds the events themselves, batch by batch.

The library's ``ProjectionRunner`` cannot follow a SQLite store (NOTES-eventsourcing.md), so the
``Follower`` polls ``select_notifications`` from the lowest position its read models have
reached, decodes each notification's event once, and hands each read model the events it has
not applied yet. A batch's rows and every read model's new position are written in **one**
transaction: a crash loses the whole batch or none of it, so an event is never skipped nor
applied twice. Concurrent followers queue on the tracking rows (``FOR UPDATE``; SQLite's write
lock does the same) and the position moves by compare-and-set.

A read model may defer costly work (the findings: src/projections/findings_rm.py) by marking
it in its rows as it folds; ``settle`` does it once the log is caught up, in transactions of its
own, so that a batch is cheap and a subject touched by many batches is worked on once.

A read model's ``name`` carries its schema version: a release that changes its tables bumps
it, and the new tables fill themselves from position 0 on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    MetaData,
    String,
    Table,
    and_,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from postledger.infrastructure.engine import bulk_insert

tracking_metadata = MetaData()

tracking = Table(
    "rm_tracking",
    tracking_metadata,
    Column("projection", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

BATCH = 1000  # notifications a catch-up folds per transaction
REBUILD_BATCH = 20000  # a rebuild's: fewer commits, each row loaded and written back less often
# A rebuild refreshes its tables' planner statistics after this many events, then at every
# tenfold: each batch looks its rows up by key, and PostgreSQL plans those lookups on what the
# statistics say the tables hold. Autovacuum would do it; a server may run without it.
ANALYZE_FIRST = 20_000


@dataclass(frozen=True)
class Applied:
    """One decoded event as a read model sees it."""

    notification_id: int
    topic: str
    version: int
    recorded_at: datetime
    event: Any
    # Computed once per event, not once per read model that reads it (a rebuild spent 3% of
    # its time turning the same UUIDs into text).
    stream: str  # the stream's id as text, as the read models key their rows
    kind: str  # the step's name: ``postledger:placement:paid`` → ``paid``


class ReadModelTables:
    """A read model: its tables and how it folds one batch of events into them."""

    name: str  # tracking key, with the schema version
    tables: tuple[Table, ...]
    topic_prefixes: tuple[str, ...]  # the aggregates whose events it reads
    # Its share of a rebuild's work, relative to the others': how a rebuild in several
    # processes groups the read models (src/api/rebuild.py). From a profile of a rebuild.
    rebuild_cost: float = 1.0

    def handles(self, topic: str) -> bool:
        return topic.startswith(self.topic_prefixes)

    def fold(self, conn: Connection, events: Sequence[Applied]) -> None:
        raise NotImplementedError

    def settle(self, conn: Connection) -> int:
        """Work the fold deferred (marked in its rows, in its transaction), done once the log is
        caught up; returns how much was done, 0 when nothing was left."""
        return 0


class Follower:
    """Keeps every registered read model up to date with the event log."""

    def __init__(self, engine: Engine, read_models: Sequence[ReadModelTables]) -> None:
        self.engine = engine
        self.read_models = tuple(read_models)
        self._lock = threading.Lock()
        tracking_metadata.create_all(engine)
        for model in self.read_models:
            for table in model.tables:
                table.create(engine, checkfirst=True)
            self._ensure_tracking(model.name)

    def _ensure_tracking(self, name: str) -> None:
        try:
            with self.engine.begin() as conn:
                found = conn.execute(
                    select(tracking.c.position).where(tracking.c.projection == name)
                ).first()
                if found is None:
                    conn.execute(insert(tracking).values(projection=name, position=0))
        except IntegrityError:
            pass  # another process inserted it first

    def catch_up(self, app: Any, progress: Callable[[int], None] | None = None,
                 batch: int | None = None) -> int:
        """Apply every new notification, ``batch`` a transaction (default BATCH), then settle
        what the read models deferred; returns how many were read."""
        done = 0
        with self._lock:
            while True:
                read = self._apply_next_batch(app, batch or BATCH)
                if read is None:
                    return done
                done += read
                if progress is not None:
                    progress(done)

    def positions(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {str(r[0]): int(r[1]) for r in conn.execute(select(tracking))}

    def _apply_next_batch(self, app: Any, batch: int) -> int | None:
        names = [m.name for m in self.read_models]
        with self.engine.begin() as conn:
            positions = {
                str(r[0]): int(r[1])
                for r in conn.execute(
                    select(tracking).where(tracking.c.projection.in_(names)).with_for_update()
                )
            }
            start = min(positions.values()) + 1
            notes = app.recorder.select_notifications(start=start, limit=batch)
            if not notes:  # caught up: settle what the folds deferred, a chunk at a time
                settled = sum(model.settle(conn) for model in self.read_models)
                return None if settled == 0 else 0
            decoded = [_decoded(app, note) for note in notes]
            last = notes[-1].id
            for model in self.read_models:
                handled = {t: model.handles(t) for t in {e.topic for e in decoded}}
                after = positions[model.name]
                mine = [e for e in decoded if handled[e.topic] and e.notification_id > after]
                if mine:
                    model.fold(conn, mine)
                moved = conn.execute(
                    update(tracking)
                    .where(and_(tracking.c.projection == model.name,
                                tracking.c.position == positions[model.name]))
                    .values(position=last)
                ).rowcount
                if moved != 1:  # another process applied this batch first: drop ours
                    conn.rollback()
                    return 0
            return len(notes)

    def rebuild(self, app: Any, progress: Callable[[int], None] | None = None,
                only: Sequence[str] | None = None) -> int:
        """Drop and recreate every read model's tables (a table of an older shape takes the
        new one), then fold the whole log again. ``only``: these read models, by name (the
        others are left as they are, e.g. for another process to rebuild)."""
        if only is not None:
            chosen = [m for m in self.read_models if m.name in only]
            if len(chosen) != len(set(only)):
                raise ValueError(f"no such read models: {sorted(set(only) - {m.name for m in chosen})}")
            return Follower(self.engine, chosen).rebuild(app, progress)
        with self._lock, self.engine.begin() as conn:
            for model in self.read_models:
                for table in reversed(model.tables):
                    table.drop(conn, checkfirst=True)
                for table in model.tables:
                    table.create(conn)
                conn.execute(update(tracking).where(tracking.c.projection == model.name)
                             .values(position=0))
        analyze_at = ANALYZE_FIRST

        def folded(done: int) -> None:
            nonlocal analyze_at
            if done >= analyze_at:  # the tables grew tenfold since their last statistics
                self.analyze()
                analyze_at = done * 10
            if progress is not None:
                progress(done)

        read = self.catch_up(app, folded, max(REBUILD_BATCH, BATCH))
        self.analyze()
        return read

    def analyze(self) -> None:
        """Fresh planner statistics for tables refilled in bulk (PostgreSQL's advice after a
        bulk load): without them, a server whose autovacuum has not yet run — or never runs —
        plans lookups of the refilled tables as scans of ever larger tables (a 100,000-placement
        rebuild slowed from ~10,000 to under 3,000 events/s)."""
        if self.engine.dialect.name != "postgresql":
            return
        with self.engine.begin() as conn:
            for model in self.read_models:
                for table in model.tables:
                    conn.exec_driver_sql(f'ANALYZE "{table.name}"')


def _decoded(app: Any, note: Any) -> Applied:
    event = app.mapper.to_domain_event(note)
    topic = str(note.topic)
    return Applied(
        notification_id=int(note.id),
        topic=topic,
        version=int(event.originator_version),
        recorded_at=event.timestamp.astimezone(UTC),  # SQLite keeps wall-clock text: UTC
        event=event,
        stream=str(event.originator_id),
        kind=topic.rsplit(":", 1)[-1],
    )


class Rows:
    """The rows of ``table`` a batch touches, loaded once, changed in memory, written back once
    (one select, one delete and one insert per table per batch, however many events)."""

    def __init__(self, conn: Connection, table: Table, group: str, keys: Sequence[str],
                 groups: set[str]) -> None:
        self.conn, self.table, self.group, self.keys = conn, table, group, tuple(keys)
        pick = itemgetter(*self.keys)  # a tuple of several keys; one key alone, as a tuple
        self.key_of: Callable[[dict[str, Any]], tuple[Any, ...]] = (
            pick if len(self.keys) > 1 else lambda row: (pick(row),))
        self.groups = set(groups)
        self.rows: dict[tuple[Any, ...], dict[str, Any]] = {}
        for chunk in chunks(sorted(self.groups)):
            for row in conn.execute(select(table).where(table.c[group].in_(chunk))):
                found = dict(row._mapping)
                self.rows[self.key_of(found)] = found

    def get(self, *key: Any) -> dict[str, Any] | None:
        return self.rows.get(tuple(key))

    def put(self, row: dict[str, Any]) -> dict[str, Any]:
        self.groups.add(row[self.group])
        self.rows[self.key_of(row)] = row
        return row

    def remove_group(self, group: str) -> None:
        self.groups.add(group)
        for key in [k for k, row in self.rows.items() if row[self.group] == group]:
            del self.rows[key]

    def in_group(self, group: str) -> list[dict[str, Any]]:
        return [row for row in self.rows.values() if row[self.group] == group]

    def write(self) -> None:
        for chunk in chunks(sorted(self.groups)):
            self.conn.execute(self.table.delete().where(self.table.c[self.group].in_(chunk)))
        bulk_insert(self.conn, self.table, list(self.rows.values()))



def chunks(values: list[str], size: int = 500) -> list[list[str]]:
    return [values[i:i + size] for i in range(0, len(values), size)]
