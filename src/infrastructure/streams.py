"""Many aggregates' stored events in one query (the bulk ledger import, src/workflows/
ledger_bulk.py), where the library's recorder reads one stream a query.

One ``select_events`` per aggregate costs a round trip each (two on PostgreSQL, whose pooled
connections are pre-pinged): a county's month of 600 placements spent most of its time there.
Here the streams of up to ``PAGE`` aggregates come back in one ordered query, on the recorder's
own connection, table and row types; decoding stays with the application's mapper.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

PAGE = 500  # ids a query: well inside SQLite's bound on parameters (32,766)


def select_streams(recorder: Any, ids: Iterable[UUID]) -> dict[UUID, list[StoredEvent]]:
    """The stored events of each of ``ids`` that has any, in version order."""
    wanted = sorted(set(ids))
    streams: dict[UUID, list[StoredEvent]] = {}
    for start in range(0, len(wanted), PAGE):
        page = wanted[start:start + PAGE]
        read = _postgres if isinstance(recorder, PostgresAggregateRecorder) else _sqlite
        rows = read(recorder, page)
        for stored in rows:
            key = stored.originator_id
            streams.setdefault(key if isinstance(key, UUID) else UUID(str(key)), []).append(
                stored)
    return streams


def _postgres(recorder: Any, page: list[UUID]) -> list[StoredEvent]:
    statement = SQL(
        "SELECT originator_id, originator_version, topic, state FROM {schema}.{table} "
        "WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version"
    ).format(schema=Identifier(recorder.datastore.schema),
             table=Identifier(recorder.events_table_name))
    # Plain tuples: the pool's dict rows cost a third of the fetch here.
    with recorder.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
        curs.execute(statement, [page])
        return [StoredEvent(originator_id=originator_id, originator_version=version, topic=topic,
                            state=bytes(state))
                for originator_id, version, topic, state in curs.fetchall()]


def _sqlite(recorder: Any, page: list[UUID]) -> list[StoredEvent]:
    marks = ",".join("?" * len(page))
    statement = (
        "SELECT originator_id, originator_version, topic, state "
        f"FROM {recorder.events_table_name} WHERE originator_id IN ({marks}) "
        "ORDER BY originator_id, originator_version")
    with recorder.datastore.transaction(commit=False) as c:
        c.execute(statement, [i.hex for i in page])
        return [StoredEvent(originator_id=recorder.convert_originator_id(row["originator_id"]),
                            originator_version=row["originator_version"],
                            topic=row["topic"], state=row["state"])
                for row in c.fetchall()]
