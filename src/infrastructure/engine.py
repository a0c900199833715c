"""The read models' SQLAlchemy engine, on SQLite (WAL, immediate transactions) or PostgreSQL
(the same statement and lock timeouts as the event store)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event

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
