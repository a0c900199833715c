"""One process at a time creates the store's tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from postledger.infrastructure.settings import Settings

SCHEMA_LOCK_WAIT_SECONDS = 120


@contextmanager
def schema_lock(settings: Settings) -> Iterator[None]:
    """Hold while creating tables. Two processes creating the same PostgreSQL tables at once
    fail with "tuple concurrently updated"; an advisory lock makes the second one wait."""
    if settings.store != "postgresql":
        yield
        return
    import psycopg

    env = settings.eventsourcing_env()
    with psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=int(env["POSTGRES_PORT"]),
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"] or None,
        autocommit=True,
    ) as conn:
        # A process that never lets go (hung, not dead: a dead one's lock goes with its
        # connection) must not hold every start for ever: wait at most this long, then fail.
        conn.execute(f"SET lock_timeout = '{SCHEMA_LOCK_WAIT_SECONDS}s'")
        conn.execute("SELECT pg_advisory_lock(hashtext('postledger:schema'))")
        try:
            if settings.postgres_schema:
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{settings.postgres_schema}"')
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext('postledger:schema'))")
