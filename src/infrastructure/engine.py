"""The read models' SQLAlchemy engine, on SQLite (WAL, immediate transactions) or PostgreSQL
(the same statement and lock timeouts as the event store)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import sql
from sqlalchemy import Connection, Engine, Table, create_engine, event, insert

from postledger.infrastructure.settings import Settings


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


def bulk_insert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (each a value for every column) into ``table``. On PostgreSQL by
    ``COPY``, in the connection's transaction: psycopg's executemany sends one statement per
    row, and a rebuild writes about one and a half rows per event (a sixth of its time went to
    those statements)."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), list(rows))
        return
    names = [column.name for column in table.columns]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name),
        sql.SQL(", ").join(sql.Identifier(n) for n in names))
    driver = conn.connection.driver_connection
    if driver is None:  # a connection SQLAlchemy has already closed
        raise RuntimeError("bulk_insert: the connection is closed")
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[n] for n in names])
