"""The edge of every request (API.md v1.1): bodies bounded before authentication and before
they are read, no stack trace out, masked logs; and access that fails closed: every route
declares its roles, a command without an actor is refused."""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import RouteContext, iter_route_contexts
from fastapi.testclient import TestClient

from postledger.api.deps import SIGNED_IN, Services
from postledger.api.guard import InputGuard, MaskPersonal, json_depth
from postledger.api.main import create_app
from postledger.domain.actor import NoActor
from postledger.infrastructure.settings import Settings
from tests.e2e.test_placements_api import problem

# Open to anyone, each on purpose: the service's health and documents, and (API.md "Pages") the
# front page, the sign-in that gives a session, signing out, and the pages' own assets.
PUBLIC = {"/health", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc",
          "/", "/signin", "/signout", "/static"}


def call(app: Any, method: str, path: str, headers: dict[str, str],
         chunks: list[bytes]) -> tuple[int, dict[str, Any], int]:
    """Runs one request through the ASGI app; returns the status, the problem body and how
    many body chunks the app asked for."""
    asked = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        if asked > len(chunks):
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": chunks[asked - 1],
                "more_body": asked < len(chunks)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "scheme": "http", "http_version": "1.1",
             "server": ("test", 80), "client": ("test", 1),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    # In a thread of its own: a browser-test plugin may keep an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as runner:
        runner.submit(asyncio.run, app(scope, receive, send)).result()
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], json.loads(body or b"{}"), asked


def test_a_declared_100_mb_body_without_a_token_is_413_without_reading_a_byte(
    client: TestClient,
) -> None:
    status, body, asked = call(client.app, "POST", "/placements",
                               {"content-type": "application/json",
                                "content-length": str(100 << 20)}, [b"{}"])
    assert (status, body["status"], asked) == (413, 413, 0)


def test_a_chunked_body_is_refused_the_moment_it_passes_1_mib(client: TestClient) -> None:
    chunks = [b"x" * (256 << 10)] * 400  # 100 MiB if it were all read
    status, _, asked = call(client.app, "POST", "/placements",
                            {"content-type": "application/json"}, chunks)
    assert status == 413
    assert asked == 5  # the fifth 256 KiB chunk passes 1 MiB; nothing after it is read


def test_an_upload_may_be_20_mib_but_not_more() -> None:
    async def accept(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    multipart = {"content-type": "multipart/form-data; boundary=x"}
    assert call(InputGuard(accept), "POST", "/ledger/import",
                {**multipart, "content-length": str(20 << 20)}, [b"x" * (20 << 20)])[0] == 200
    assert call(InputGuard(accept), "POST", "/ledger/import",
                {**multipart, "content-length": str((20 << 20) + 1)}, [b""])[0] == 413
    assert call(InputGuard(accept), "POST", "/posts",
                {"content-type": "application/json", "content-length": str((1 << 20) + 1)},
                [b""])[0] == 413


def test_json_depth_counts_brackets_outside_strings() -> None:
    assert json_depth(b'{"a": [1, {"b": "[[[[{{{{"}]}') == 3
    assert json_depth(b'"\\"[[["') == 0
    assert json_depth(b"[" * 33 + b"]" * 33) == 33


def test_a_bug_is_a_500_problem_without_a_trace_and_its_log_line_is_masked(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(scope: Any, receive: Any, send: Any) -> None:
        raise ValueError("secret detail 34052419800101001X")

    with caplog.at_level(logging.ERROR, logger="postledger"):
        status, body, _ = call(InputGuard(broken), "GET", "/placements/34052419800101001X",
                               {}, [b""])
    assert (status, body["status"]) == (500, 500)
    assert "Traceback" not in str(body) and "secret" not in str(body)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "ValueError" in logged and "34052419800101001X" not in logged
    assert all(r.exc_info is None for r in caplog.records)


def test_access_log_lines_hold_no_full_resident_id_or_phone() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1,
                               '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", "/placements?person=34052419800101001X"
                                "&phone=13800001234", "1.1", 200), None)
    MaskPersonal().filter(record)
    line = record.getMessage()
    assert "34052419800101001X" not in line and "340524********001X" in line
    assert "13800001234" not in line


# ---------------------------------------------------------------- fails closed
def _routes(app: FastAPI) -> list[RouteContext]:
    """Every route of the app, routers included, with the dependencies it runs."""
    return list(iter_route_contexts(app.routes))


def _declared_roles(route: RouteContext) -> list[frozenset[str]]:
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return []
    return [d.call.roles for d in dependant.dependencies if hasattr(d.call, "roles")]


def test_every_route_declares_its_roles(tmp_path: Any) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/x.db"))
    documented = {path for path in app.openapi()["paths"]}
    routes = _routes(app)
    assert {r.path for r in routes} >= documented
    missing = [f"{sorted(r.methods or ())} {r.path}" for r in routes
               if r.path not in PUBLIC and not _declared_roles(r)]
    assert missing == []
    # A command is narrower than "anyone signed in": each write names the roles taking it.
    broad = [f"{sorted(r.methods or ())} {r.path}" for r in routes
             if r.path not in PUBLIC and (r.methods or set()) - {"GET", "HEAD"}
             and all(roles >= set(SIGNED_IN) for roles in _declared_roles(r))]
    assert broad == []


def test_a_route_without_its_role_check_is_caught_by_the_walk(tmp_path: Any) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/x.db"))

    @app.post("/forgotten")
    def forgotten() -> dict[str, str]:
        return {}

    assert [r.path for r in _routes(app) if not _declared_roles(r)
            and r.path not in PUBLIC] == ["/forgotten"]


def test_a_command_with_no_actor_is_refused(services: Services) -> None:
    def create_post_as_nobody() -> None:
        services.ledger.create_post(county="520524", township="chengguan", village=None,
                                    department="交通局", kind="road", title="护路员",
                                    headcount=1, monthly_subsidy_fen=None, full_time=False)

    with pytest.raises(NoActor):
        contextvars.Context().run(create_post_as_nobody)  # a context where nobody signed in
    assert services.ledger.recorder.max_notification_id() in (None, 0)


def test_a_role_outside_a_routes_roles_is_403_before_the_command(client: TestClient) -> None:
    inspector = {"Authorization": "Bearer dev:inspector:520524:audit"}
    problem(client.post("/posts", headers=inspector, json={}), 403, None)
    problem(client.post("/scheduler/run", headers={"Authorization": "Bearer dev:county:520524:li"},
                        json={"as_of": "2024-01-01"}), 403, None)
