"""``Idempotency-Key`` on any POST (API.md, Conventions and v1.1 "Idempotency-Key").

- Checked **after authentication**: a request whose token names nobody passes through to its
  401 and nothing is stored. A key is scoped to the actor (role, jurisdiction, name) and the
  route.
- The same key with the same body — compared as canonical JSON, so spacing and key order do not
  matter — answers the first response and records nothing new; another body is a 422.
- The key is claimed (a row inserted) before the command runs, so two concurrent requests with
  one key cannot both run it: the second is told to retry (409). A claim whose request never
  finished (a crash, ``kill -9``) is released after ``idempotency_inflight_seconds`` (60 s), so
  a retry then proceeds.
- 5xx answers and 409s caused by a concurrent change are never stored: the claim is dropped
  and a retry runs the command again.
- Records expire after 24 hours. A row holds digests of the scope and of the body, the status
  and the response: no personal data beyond the response.
"""

from __future__ import annotations

import hashlib
import json
import time

from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

from postledger.api.deps import Services, actor_of
from postledger.api.problems import PROBLEM_BASE, invalid, problem
from postledger.domain.errors import PostLedgerError
from postledger.infrastructure.idempotency import IdempotencyStore, canonical_digest

HEADER = "idempotency-key"
KEY_MAX = 200
NOT_STORED_TYPES = (f"{PROBLEM_BASE}concurrent-change",)


def _stored(status: int, content: bytes) -> bool:
    """5xx and a concurrent change's 409 are transient: never kept under the key."""
    if status >= 500:
        return False
    if status == 409:
        try:
            return json.loads(content).get("type") not in NOT_STORED_TYPES
        except (ValueError, AttributeError):
            return True
    return True


class IdempotencyMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        key = request.headers.get(HEADER)
        if request.method != "POST" or not key:
            return await call_next(request)
        services: Services = request.app.state.services
        try:
            actor = actor_of(request.headers.get("authorization"), services)
        except PostLedgerError:
            return await call_next(request)  # unauthenticated: its 401, nothing stored
        if len(key) > KEY_MAX:
            return invalid([{"field": "Idempotency-Key", "rule": None,
                             "problem": f"is at most {KEY_MAX} characters"}])
        who = f"{actor.role}\n{actor.jurisdiction}\n{actor.name}\n{request.url.path}\n{key}"
        scope = hashlib.sha256(who.encode("utf-8", "surrogatepass")).hexdigest()
        digest = canonical_digest(await request.body())
        store = IdempotencyStore(services.read_model.engine,
                                 services.settings.idempotency_inflight_seconds)

        claim = await run_in_threadpool(store.claim, scope, digest)
        if not claim.ours:
            if claim.body_sha256 != digest:
                return invalid([{"field": "Idempotency-Key", "rule": None,
                                 "problem": "was used with another body"}])
            if claim.status is None:
                return problem(409, "Conflict",
                               "a request with this Idempotency-Key is still running; retry",
                               rule=None, slug="idempotency-key-in-flight")
            return Response(content=claim.response or "", status_code=claim.status,
                            media_type=claim.content_type,
                            headers={"Idempotent-Replayed": "true"})
        try:
            response = await call_next(request)
            chunks = [chunk async for chunk in response.body_iterator]  # type: ignore[attr-defined]
        except BaseException:
            await run_in_threadpool(store.forget, scope)
            raise
        content = b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks)
        if _stored(response.status_code, content):
            await run_in_threadpool(_remember_surely, store, scope, response.status_code,
                                    response.headers.get("content-type"),
                                    content.decode("utf-8"))
        else:
            await run_in_threadpool(store.forget, scope)
        return Response(content=content, status_code=response.status_code,
                        headers=dict(response.headers))


REMEMBER_FOR_SECONDS = 30.0


def _remember_surely(store: IdempotencyStore, scope: str, status: int,
                     content_type: str | None, body: str) -> None:
    """The command is done: its answer must be kept under the key, or the retry a client makes
    once the claim is released would run it a second time. A database that went away for a
    moment (a PostgreSQL restart, tests/integration/test_postgres_restart.py) is waited for."""
    deadline = time.monotonic() + REMEMBER_FOR_SECONDS
    while True:
        try:
            store.remember(scope, status, content_type, body)
            return
        except OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
