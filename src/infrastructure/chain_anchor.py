"""Chain heads anchored outside the events table (R-FRAUD-8, API.md v1.1 "Audit").

Each event carries the hash of the one before it (src/domain/base.py), so a change in the middle
of a stream breaks the chain; the newest event has no successor to betray it. So every save also
writes, **in the same database transaction as the events**, one row per stream in
``chain_heads``: the stream's newest version, a digest of that stored event, and an HMAC of both
under ``POSTLEDGER_CHAIN_KEY``. Without the key nobody can rewrite a head to match an altered,
added or deleted event. The recorders below are the library's own, with that one insert added;
``Settings.eventsourcing_env`` names the factories through ``PERSISTENCE_MODULE``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteFactory
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from postledger.infrastructure.settings import BoundedPostgresApplicationRecorder, PostgresWithTimeouts

HEADS_TABLE = "chain_heads"
# Heads adopted for streams written before heads existed: which, when, by whom (verify.py).
ADOPTIONS_TABLE = "chain_head_adoptions"
CHAIN_KEY_SETTING = "CHAIN_KEY"  # read by the library as POSTLEDGER_CHAIN_KEY, then CHAIN_KEY


@dataclass(frozen=True)
class ChainHead:
    stream_id: str
    version: int
    digest: str
    mac: str


def stored_digest(topic: str, state: bytes) -> str:
    """SHA-256 of an event exactly as stored (topic and state bytes, whatever their cipher)."""
    return hashlib.sha256(topic.encode("utf-8") + b"\0" + bytes(state)).hexdigest()


def head_mac(key: bytes, stream_id: str, version: int, digest: str) -> str:
    return hmac.new(key, f"{stream_id}:{version}:{digest}".encode(), hashlib.sha256).hexdigest()


def head_is_genuine(key: bytes, head: ChainHead) -> bool:
    return hmac.compare_digest(head.mac, head_mac(key, head.stream_id, head.version, head.digest))


def _stream(originator_id: UUID | str) -> str:
    return originator_id.hex if isinstance(originator_id, UUID) else str(originator_id)


def _head_rows(key: bytes, stored_events: Sequence[StoredEvent]) -> list[tuple[str, int, str, str]]:
    newest: dict[str, StoredEvent] = {}
    for stored in stored_events:
        stream = _stream(stored.originator_id)
        if stream not in newest or stored.originator_version > newest[stream].originator_version:
            newest[stream] = stored
    rows = []
    for stream in sorted(newest):
        stored = newest[stream]
        digest = stored_digest(stored.topic, stored.state)
        rows.append((stream, stored.originator_version, digest,
                     head_mac(key, stream, stored.originator_version, digest)))
    return rows


def adopted_head(key: bytes, stream_id: str, version: int, digest: str) -> tuple[str, int, str, str]:
    """A head row for a stream's newest stored event, keyed as a save would key it."""
    return (stream_id, version, digest, head_mac(key, stream_id, version, digest))


class ChainKeyed:
    chain_key: bytes = b""

    def require_key(self) -> bytes:
        if not self.chain_key:
            raise RuntimeError("chain heads need POSTLEDGER_CHAIN_KEY")
        return self.chain_key


def _key_from(env: Any) -> bytes:
    text = env.get(CHAIN_KEY_SETTING)
    if not text:
        raise ValueError("POSTLEDGER_CHAIN_KEY is not set")
    return base64.b64decode(text)


# ---------------------------------------------------------------- SQLite
class AnchoredSQLiteRecorder(SQLiteApplicationRecorder, ChainKeyed):
    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {HEADS_TABLE} (stream_id TEXT PRIMARY KEY, "
            "version INTEGER NOT NULL, digest TEXT NOT NULL, mac TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {ADOPTIONS_TABLE} (stream_id TEXT NOT NULL, "
            "version INTEGER NOT NULL, adopted_at TEXT NOT NULL, adopted_by TEXT NOT NULL)",
        ]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        c.executemany(
            f"INSERT INTO {HEADS_TABLE} VALUES (?,?,?,?) ON CONFLICT (stream_id) DO UPDATE SET "
            "version=excluded.version, digest=excluded.digest, mac=excluded.mac",
            _head_rows(self.require_key(), stored_events),
        )
        return ids

    def select_heads(self) -> list[ChainHead]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT stream_id, version, digest, mac FROM {HEADS_TABLE}")
            return [ChainHead(str(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in c.fetchall()]

    def adopt_heads(self, rows: list[tuple[str, int, str, str]], at: str, by: str) -> list[str]:
        """Write the heads of streams that have none (a save's newer head wins), and record each
        adoption, in one transaction; returns the streams adopted."""
        adopted = []
        with self.datastore.transaction(commit=True) as c:
            for row in rows:
                c.execute(f"INSERT INTO {HEADS_TABLE} VALUES (?,?,?,?) ON CONFLICT (stream_id) "
                          "DO NOTHING", row)
                if c.sqlite_cursor.rowcount == 1:
                    adopted.append(row[0])
                    c.execute(f"INSERT INTO {ADOPTIONS_TABLE} VALUES (?,?,?,?)",
                              (row[0], row[1], at, by))
        return adopted


class KeyedFactory:
    """Gives the factory's application recorder the chain key from its environment."""

    env: Any

    def application_recorder(self) -> Any:
        recorder = super().application_recorder()  # type: ignore[misc]
        assert isinstance(recorder, ChainKeyed)
        recorder.chain_key = _key_from(self.env)
        return recorder


class AnchoredSQLiteFactory(KeyedFactory, SQLiteFactory):
    application_recorder_class = AnchoredSQLiteRecorder


# ---------------------------------------------------------------- PostgreSQL
class AnchoredPostgresRecorder(BoundedPostgresApplicationRecorder, ChainKeyed):
    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        heads = Identifier(HEADS_TABLE)
        schema = Identifier(self.datastore.schema)
        self.sql_create_statements.append(
            SQL("CREATE TABLE IF NOT EXISTS {schema}.{heads} (stream_id text PRIMARY KEY, "
                "version bigint NOT NULL, digest text NOT NULL, mac text NOT NULL)"
                ).format(schema=schema, heads=heads)
        )
        self.upsert_head_statement = SQL(
            "INSERT INTO {schema}.{heads} VALUES (%s, %s, %s, %s) ON CONFLICT (stream_id) DO "
            "UPDATE SET version=excluded.version, digest=excluded.digest, mac=excluded.mac"
        ).format(schema=schema, heads=heads)
        self.select_heads_statement = SQL(
            "SELECT stream_id, version, digest, mac FROM {schema}.{heads}"
        ).format(schema=schema, heads=heads)
        adoptions = Identifier(ADOPTIONS_TABLE)
        self.sql_create_statements.append(
            SQL("CREATE TABLE IF NOT EXISTS {schema}.{adoptions} (stream_id text NOT NULL, "
                "version bigint NOT NULL, adopted_at text NOT NULL, adopted_by text NOT NULL)"
                ).format(schema=schema, adoptions=adoptions))
        self.adopt_head_statements = (
            SQL("INSERT INTO {schema}.{heads} VALUES (%s, %s, %s, %s) ON CONFLICT (stream_id) "
                "DO NOTHING").format(schema=schema, heads=heads),
            SQL("INSERT INTO {schema}.{adoptions} VALUES (%s, %s, %s, %s)").format(
                schema=schema, adoptions=adoptions))

    def _insert_stored_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        # After the library's insert, which holds the table lock: heads are written in the
        # order the events are, so two saves never wait on each other's head rows.
        super()._insert_stored_events(curs, stored_events, **kwargs)
        # A cursor of its own: the library fetches the notification ids from ``curs`` next.
        with curs.connection.cursor() as heads:
            heads.executemany(self.upsert_head_statement,
                              _head_rows(self.require_key(), stored_events))

    def select_heads(self) -> list[ChainHead]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.select_heads_statement)
            return [ChainHead(str(r["stream_id"]), int(r["version"]), str(r["digest"]),
                              str(r["mac"])) for r in curs.fetchall()]

    def adopt_heads(self, rows: list[tuple[str, int, str, str]], at: str, by: str) -> list[str]:
        """As AnchoredSQLiteRecorder.adopt_heads."""
        head, adoption = self.adopt_head_statements
        adopted = []
        with self.datastore.transaction(commit=True) as curs:
            for row in rows:
                curs.execute(head, row)
                if curs.rowcount == 1:
                    adopted.append(row[0])
                    curs.execute(adoption, (row[0], row[1], at, by))
        return adopted


class AnchoredPostgresFactory(KeyedFactory, PostgresWithTimeouts):
    application_recorder_class = AnchoredPostgresRecorder
