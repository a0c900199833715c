"""Read-model rows written in bulk (``bulk_insert``: ``COPY`` on PostgreSQL, ``executemany`` on
SQLite) come back exactly as written — text that COPY's format must escape (tabs, newlines,
backslashes, its own ``\\N`` for NULL), Chinese, empty text beside NULL, dates, instants,
booleans and large integers — on both stores, inside the caller's transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
)

from postledger.api.deps import Services
from postledger.infrastructure.engine import bulk_insert

metadata = MetaData()
sample = Table(
    "test_bulk_insert",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("text", Text),
    Column("code", String(36)),
    Column("day", Date),
    Column("at", DateTime(timezone=True)),
    Column("flag", Boolean),
    Column("fen", BigInteger),
)

AWKWARD = [
    "tab\there", "line\nbreak", "carriage\rreturn", "back\\slash", "\\N", "", "逗号，引号“”",
    '{"k": "v\\"w", "x": [1, 2]}', " leading and trailing ", "a,b;c|d",
]


def rows() -> list[dict[str, Any]]:
    return [{"id": n, "text": text, "code": f"{n:036d}", "day": date(2026, 1, 1 + n),
             "at": datetime(2026, 1, 1, 8, n, tzinfo=UTC), "flag": n % 2 == 0,
             "fen": 10**12 + n}
            for n, text in enumerate(AWKWARD)] + [
        {"id": 99, "text": None, "code": None, "day": None, "at": None, "flag": None,
         "fen": None}]


def read_back(services: Services) -> list[dict[str, Any]]:
    with services.read_model.engine.connect() as conn:
        found = [dict(r._mapping) for r in conn.execute(select(sample).order_by(sample.c.id))]
    for row in found:  # SQLite gives instants back without their zone (stored in UTC)
        if row["at"] is not None and row["at"].tzinfo is None:
            row["at"] = row["at"].replace(tzinfo=UTC)
    return found


@pytest.fixture
def table(services: Services) -> Table:
    metadata.create_all(services.read_model.engine)
    return sample


def test_rows_written_in_bulk_read_back_exactly(services: Services, table: Table) -> None:
    with services.read_model.engine.begin() as conn:
        bulk_insert(conn, table, rows())

    assert read_back(services) == rows()


def test_bulk_rows_belong_to_the_callers_transaction(services: Services, table: Table) -> None:
    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), services.read_model.engine.begin() as conn:
        bulk_insert(conn, table, rows())
        raise Abandoned

    assert read_back(services) == []


def test_nothing_to_write_writes_nothing(services: Services, table: Table) -> None:
    with services.read_model.engine.begin() as conn:
        bulk_insert(conn, table, [])

    assert read_back(services) == []
