"""Schemathesis against ``/openapi.json``: for inputs generated from the documented schema —
valid and invalid — no operation answers 5xx, and every answer (401/403/404/409/413/422
included) has a documented status, content type and shape. A bounded number of examples per
operation, on SQLite (the PostgreSQL paths are covered by the regression tests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from postledger.api.main import create_app, open_services
from postledger.infrastructure.settings import Settings
from tests.e2e.test_placements_api import ADMIN, CLERK


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    folder: Path = tmp_path_factory.mktemp("schemathesis")
    services = open_services(Settings(database_url=f"sqlite:///{folder}/postledger.db"))
    yield create_app(services=services)
    services.close()


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES_PER_OPERATION = 20


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_input_gets_a_5xx_and_every_answer_is_documented(
    api_app: FastAPI, mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
                  suppress_health_check=list(HealthCheck), database=None)
        def call(case: Any) -> None:
            # An admin may call everything; a clerk's token for some cases exercises the
            # role refusals (403) too.
            token = CLERK if len(repr(case.body)) % 3 == 0 else ADMIN
            case.headers = {**(case.headers or {}), **token}
            case.call_and_validate(checks=CHECKS)

        try:
            call()
        except Unsatisfiable:
            # No input of this operation can break its schema (GET /health, /rules and
            # /labels have none).
            assert mode is GenerationMode.NEGATIVE and operation.path in (
                "/health", "/rules", "/labels")
