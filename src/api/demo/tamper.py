"""R-FRAUD-8 planted: one stored event of the demo changed in the events table after it was
recorded — the way a forger with database access would, around the application — so that the
tamper check (``GET /audit/verify``, ``postledger verify``) has something to find.

The event is re-encoded through the application's own mapper (cipher and compression included),
so the history still reads and replays: only its hash chain is broken.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.sql import SQL, Identifier

from postledger.workflows.application import PostLedger


def alter_stored_event(ledger: PostLedger, stream_id: UUID, version: int,
                       change: Callable[[Any], None]) -> None:
    recorder: Any = ledger.recorder
    stored = recorder.select_events(stream_id, gt=version - 1, lte=version)[0]
    event = ledger.mapper.to_domain_event(stored)
    change(event)
    state = ledger.mapper.to_stored_event(event).state
    if isinstance(recorder, SQLiteApplicationRecorder):
        with recorder.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"UPDATE {recorder.events_table_name} SET state=? "
                           "WHERE originator_id=? AND originator_version=?",
                           (state, stream_id.hex, version))
        return
    statement = SQL("UPDATE {schema}.{table} SET state=%s WHERE originator_id=%s "
                    "AND originator_version=%s").format(
        schema=Identifier(recorder.datastore.schema),
        table=Identifier(recorder.events_table_name))
    with recorder.datastore.transaction(commit=True) as cursor:
        cursor.execute(statement, (state, stream_id, version))


def raise_attendance(ledger: PostLedger, placement_id: UUID) -> int | None:
    """Add two days to a month of attendance in the middle of ``placement_id``'s history;
    returns the version changed (None if the placement has no attendance to change)."""
    events = [ledger.mapper.to_domain_event(s)
              for s in ledger.recorder.select_events(placement_id)]
    attended = [e for e in events if type(e).__name__ == "AttendanceRecorded"]
    if len(attended) < 3:
        return None
    chosen = attended[len(attended) // 2]

    def more_days(event: Any) -> None:
        object.__setattr__(event, "days_worked", int(event.days_worked) + 2)

    alter_stored_event(ledger, placement_id, chosen.originator_version, more_days)
    return int(chosen.originator_version)
