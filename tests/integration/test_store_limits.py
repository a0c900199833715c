"""No request holds the store forever, and list filters match whole path segments; on both
stores (API.md v1.1 "Input, for every endpoint")."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from postledger.api.deps import Services
from postledger.api.main import create_app, open_services
from postledger.domain.actor import Actor, acting_as
from postledger.domain.errors import InvalidInput
from postledger.infrastructure.settings import Settings
from tests.conftest import POSTGRES_URL
from tests.e2e.test_placements_api import COUNTY, problem
from tests.scenario import CLERK, County, person


@contextmanager
def events_table_held(settings: Settings) -> Iterator[None]:
    """Another session holds the events table's write lock until the block ends."""
    if settings.store == "sqlite":
        holder = sqlite3.connect(settings.sqlite_path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    with psycopg.connect(POSTGRES_URL) as holder:
        holder.execute(f'LOCK TABLE "{settings.postgres_schema}".postledger_events '
                       "IN EXCLUSIVE MODE")
        yield
        holder.rollback()


def test_a_held_store_answers_503_after_the_lock_timeout_not_never(settings: Settings) -> None:
    quick = replace(settings, lock_timeout_seconds=1)
    services = open_services(quick)
    try:
        with TestClient(create_app(services=services)) as client:
            post = {"county": "520524", "township": "chengguan", "department": "交通局",
                    "kind": "road", "title": "护路员", "headcount": 1, "full_time": False}
            with events_table_held(quick):
                held = client.post("/posts", headers=COUNTY, json=post)
            problem(held, 503, None)
            assert "Traceback" not in held.text
            assert client.post("/posts", headers=COUNTY, json=post).status_code == 201
    finally:
        services.close()


def test_every_postgresql_connection_bounds_statements_and_lock_waits() -> None:
    schema = "t_timeouts"
    settings = Settings(database_url=f"{POSTGRES_URL}?schema={schema}",
                        lock_timeout_seconds=1, statement_timeout_seconds=2)
    services = open_services(settings)
    try:
        with services.ledger.factory.datastore.get_connection() as conn:  # type: ignore[attr-defined]
            assert conn.execute("SHOW statement_timeout").fetchone()["statement_timeout"] == "2s"
        with services.read_model.engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "2s"
            assert conn.execute(text("SHOW lock_timeout")).scalar() == "1s"
            with pytest.raises(Exception, match="statement timeout"):
                conn.execute(text("SELECT pg_sleep(30)"))
    finally:
        services.close()
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_list_filters_match_whole_path_segments_never_patterns(services: Services) -> None:
    county = County(services.ledger)
    with acting_as(Actor("admin", "", "root")):
        neighbour = services.ledger.create_post(
            county="5205240", township="chengguan", village=None, department="交通局",
            kind="road", title="邻县", headcount=1, monthly_subsidy_fen=None, full_time=False)
        lookalike = services.ledger.create_post(
            county="520524", township="chengguan2", village=None, department="交通局",
            kind="road", title="相似", headcount=1, monthly_subsidy_fen=None, full_time=False)
    county.placement_in("applied")
    services.read_model.catch_up(services.ledger)

    def posts(within: str) -> set[str]:
        return {row["id"] for row in services.read_model.list_posts(within=within)}

    assert posts("520524") == {str(county.post_id), str(lookalike.id)}
    assert posts("520524/chengguan") == {str(county.post_id)}
    assert str(neighbour.id) in posts("")  # an admin of everywhere
    for pattern in ("%", "_", "*", "52052_", "5205%", "520524/%", "520524/chengguan_"):
        assert posts(pattern) == set(), pattern
        assert services.read_model.list_placements(within=pattern) == [], pattern
    assert len(services.read_model.list_placements(within="520524/chengguan")) == 1


def test_a_six_megabyte_field_that_reaches_the_store_does_not_hold_it(
    services: Services, settings: Settings
) -> None:
    # Over HTTP such a body is a 413 (tests/e2e/test_input_integrity.py). A caller inside the
    # process can still hand the store one: on PostgreSQL such a write could stall holding the
    # events table's lock for good, so it is refused before it reaches the server.
    county = County(services.ledger)
    with acting_as(CLERK):
        if settings.store == "postgresql":
            with pytest.raises(InvalidInput, match="over the store's limit"):
                services.ledger.apply(county.post_id, date=date(2024, 1, 5),
                                      applicant={**person(1), "address": "x" * (6 << 20)})
        else:
            services.ledger.apply(county.post_id, date=date(2024, 1, 5),
                                  applicant={**person(1), "address": "x" * (6 << 20)})
        services.ledger.apply(county.post_id, date=date(2024, 1, 5), applicant=person(2))
    services.read_model.catch_up(services.ledger)
    expected = 1 if settings.store == "postgresql" else 2
    assert len(services.read_model.list_placements(within="520524")) == expected
