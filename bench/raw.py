"""What the database itself can do, measured with the same drivers (sqlite3, psycopg) on the
same database in the same run: the limits every postledger figure is set beside.

- executemany: rows like the stored events (real topics and states, taken from the store) in
  one transaction;
- one row per transaction: the same rows, each committed on its own (a durable commit each);
- ordered read with JSON decode: the whole event table in notification order, pages of 1,000,
  each state decoded with ``json.loads``.

The insert limits use a scratch table of the store's own shape, dropped afterwards.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from postledger.infrastructure.settings import Settings

PAGE = 1000
SCRATCH = "bench_raw_events"


@dataclass(frozen=True)
class RawLimits:
    executemany: float  # rows/s
    one_per_transaction: float  # rows/s
    ordered_read: float  # rows/s, JSON decoded
    read_rows: int


class RawStore:
    """Plain driver access to the event table of a postledger store."""

    def __init__(self, settings: Settings, events_table: str) -> None:
        self.settings = settings
        self.events_table = events_table

    @contextmanager
    def connect(self) -> Iterator[Any]:
        if self.settings.store == "sqlite":
            conn = sqlite3.connect(self.settings.sqlite_path, isolation_level=None, timeout=30)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                yield conn
            finally:
                conn.close()
            return
        env = self.settings.eventsourcing_env()
        with psycopg.connect(
            dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"], password=env["POSTGRES_PASSWORD"] or None, autocommit=True,
            options=f"-csearch_path={self.settings.postgres_schema or 'public'}",
        ) as conn:
            yield conn

    def _sql(self, text: str, **names: str) -> Any:
        if self.settings.store == "sqlite":
            return text.format(**names)
        return sql.SQL(text.replace("?", "%s")).format(
            **{k: sql.Identifier(v) for k, v in names.items()})

    @property
    def _order_column(self) -> str:
        return "rowid" if self.settings.store == "sqlite" else "notification_id"

    def sample_rows(self, count: int) -> list[tuple[str, bytes]]:
        """(topic, state) of the first ``count`` stored events, to insert again."""
        with self.connect() as conn:
            rows = conn.execute(self._sql(
                f"SELECT topic, state FROM {{t}} ORDER BY {self._order_column} LIMIT ?",
                t=self.events_table), (count,)).fetchall()
        return [(str(topic), bytes(state)) for topic, state in rows]

    def insert_limits(self, rows: list[tuple[str, bytes]], one_by_one: int) -> tuple[float, float]:
        """(executemany rows/s, one-row-per-transaction rows/s)."""
        uid = "TEXT" if self.settings.store == "sqlite" else "uuid"
        data = "BLOB" if self.settings.store == "sqlite" else "bytea"
        serial = "" if self.settings.store == "sqlite" else ", notification_id bigserial"
        with self.connect() as conn:
            conn.execute(self._sql("DROP TABLE IF EXISTS {t}", t=SCRATCH))
            conn.execute(self._sql(
                f"CREATE TABLE {{t}} (originator_id {uid} NOT NULL, originator_version bigint "
                f"NOT NULL, topic text, state {data}{serial}, "
                "PRIMARY KEY (originator_id, originator_version))", t=SCRATCH))
            insert = self._sql("INSERT INTO {t} (originator_id, originator_version, topic, state) "
                               "VALUES (?, ?, ?, ?)", t=SCRATCH)
            try:
                batch = [self._row(topic, state) for topic, state in rows]
                started = time.perf_counter()
                self._executemany(conn, insert, batch)
                many = len(batch) / (time.perf_counter() - started)
                single = [self._row(topic, state) for topic, state in rows[:one_by_one]]
                started = time.perf_counter()
                for row in single:  # autocommit: each statement is its own transaction
                    conn.execute(insert, row)
                one = len(single) / (time.perf_counter() - started)
            finally:
                conn.execute(self._sql("DROP TABLE IF EXISTS {t}", t=SCRATCH))
        return many, one

    def _row(self, topic: str, state: bytes) -> tuple[Any, ...]:
        originator: Any = uuid.uuid4()
        if self.settings.store == "sqlite":
            originator = originator.hex
        return (originator, 1, topic, state)

    def _executemany(self, conn: Any, statement: Any, batch: list[tuple[Any, ...]]) -> None:
        if self.settings.store == "sqlite":
            conn.execute("BEGIN")
            conn.executemany(statement, batch)
            conn.execute("COMMIT")
            return
        with conn.transaction(), conn.cursor() as cursor:
            cursor.executemany(statement, batch)

    def ordered_read(self) -> tuple[float, int]:
        """(rows/s, rows) reading the whole event table in order, decoding each state."""
        order = self._order_column
        query = self._sql(f"SELECT {order}, originator_id, originator_version, topic, state "
                          f"FROM {{t}} WHERE {order} > ? ORDER BY {order} LIMIT ?",
                          t=self.events_table)
        rows = 0
        last = 0
        with self.connect() as conn:
            started = time.perf_counter()
            while True:
                page = conn.execute(query, (last, PAGE)).fetchall()
                if not page:
                    break
                for row in page:
                    json.loads(row[4])
                rows += len(page)
                last = page[-1][0]
            elapsed = time.perf_counter() - started
        return rows / elapsed, rows

    def stream_reads(self, originator_ids: list[str]) -> list[float]:
        """Seconds to read each aggregate's events in order and decode them (one connection)."""
        sqlite = self.settings.store == "sqlite"
        query = self._sql("SELECT originator_version, topic, state FROM {t} "
                          "WHERE originator_id = ? ORDER BY originator_version", t=self.events_table)
        took = []
        with self.connect() as conn:
            for originator_id in originator_ids:
                key = originator_id.replace("-", "") if sqlite else originator_id
                started = time.perf_counter()
                for row in conn.execute(query, (key,)).fetchall():
                    json.loads(row[2])
                took.append(time.perf_counter() - started)
        return took

    def measure(self, sample: int, one_by_one: int) -> RawLimits:
        many, one = self.insert_limits(self.sample_rows(sample), one_by_one)
        read, read_rows = self.ordered_read()
        return RawLimits(executemany=many, one_per_transaction=one, ordered_read=read,
                         read_rows=read_rows)

    def analyze(self) -> None:
        """Planner statistics of the event table, as autovacuum would take them after a bulk
        load (PostgreSQL; SQLite's planner takes the indexes without them). This machine's
        server runs with autovacuum off: without them it plans every read of a stream as a
        parallel scan of millions of rows."""
        if self.settings.store == "sqlite":
            return
        with self.connect() as conn:
            conn.execute(f"ANALYZE {self.events_table}")

    def database_bytes(self) -> int:
        """Bytes on disk of the event store (SQLite: the file and its WAL; PostgreSQL: the
        events table with its indexes and TOAST)."""
        if self.settings.store == "sqlite":
            with self.connect() as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            path = self.settings.sqlite_path
            wal = path.with_name(path.name + "-wal")
            return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
        with self.connect() as conn:
            size = conn.execute("SELECT pg_total_relation_size(%s::regclass)",
                                (self.events_table,)).fetchone()[0]
        return int(size)
