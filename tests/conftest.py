"""Shared fixtures. Every persistence and API test runs on both stores: an SQLite file and the
real PostgreSQL server (each test in a schema of its own). An unreachable server fails the
run; it is never skipped."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest
from fastapi.testclient import TestClient

from postledger.api.deps import Services
from postledger.api.main import create_app, open_services
from postledger.infrastructure.settings import Settings

POSTGRES_URL = os.environ.get(
    "POSTLEDGER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def _drop_schema(schema: str) -> None:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    if request.param == "sqlite":
        yield Settings(database_url=f"sqlite:///{tmp_path}/postledger.db", mode="demo")
        return
    schema = f"t_{uuid4().hex[:16]}"
    yield Settings(database_url=f"{POSTGRES_URL}?schema={schema}", mode="demo")
    _drop_schema(schema)


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    opened = open_services(settings)
    yield opened
    opened.close()


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services=services)) as test_client:
        yield test_client
