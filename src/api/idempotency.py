"""``Idempotency-Key`` on any POST (API.md, Conventions).

The same key with the same body answers the first result and records nothing new; the same
key with another body is a 422. The key is claimed (a row inserted) before the command runs,
so two concurrent requests with one key cannot both run it: the second is told to retry (409).
Keys are scoped to the caller and the path.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

from postledger.api.problems import problem
from postledger.projections.readmodel import idempotency_keys, utcnow

HEADER = "idempotency-key"


class IdempotencyMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        key = request.headers.get(HEADER)
        if request.method != "POST" or not key:
            return await call_next(request)
        body = await request.body()
        digest = hashlib.sha256(body).hexdigest()
        caller = request.headers.get("authorization", "")
        scope = f"{hashlib.sha256(caller.encode()).hexdigest()[:16]} {request.url.path} {key}"[:400]
        engine = request.app.state.services.read_model.engine

        claimed, previous = await run_in_threadpool(_claim, engine, scope, digest)
        if not claimed:
            assert previous is not None
            if previous["body_sha256"] != digest:
                return problem(422, "Unprocessable Content",
                               "this Idempotency-Key was used with another body",
                               rule=None, slug="idempotency-key-reused")
            if previous["status"] is None:
                return problem(409, "Conflict",
                               "a request with this Idempotency-Key is still running; retry",
                               rule=None, slug="idempotency-key-in-flight")
            return Response(
                content=previous["response"] or "",
                status_code=previous["status"],
                media_type=previous["content_type"],
                headers={"Idempotent-Replayed": "true"},
            )
        try:
            response = await call_next(request)
        except Exception:
            await run_in_threadpool(_forget, engine, scope)
            raise
        if response.status_code >= 500:
            await run_in_threadpool(_forget, engine, scope)
            return response
        chunks = [chunk async for chunk in response.body_iterator]  # type: ignore[attr-defined]
        content = b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks)
        await run_in_threadpool(
            _remember, engine, scope, response.status_code,
            response.headers.get("content-type"), content.decode("utf-8"),
        )
        return Response(content=content, status_code=response.status_code,
                        headers=dict(response.headers))


def _claim(engine: Any, scope: str, digest: str) -> tuple[bool, dict[str, Any] | None]:
    try:
        with engine.begin() as conn:
            conn.execute(insert(idempotency_keys).values(
                scope=scope, body_sha256=digest, created_at=utcnow()))
        return True, None
    except IntegrityError:
        with engine.connect() as conn:
            row = conn.execute(
                select(idempotency_keys).where(idempotency_keys.c.scope == scope)
            ).first()
        return False, dict(row._mapping) if row else None


def _remember(engine: Any, scope: str, status: int, content_type: str | None, body: str) -> None:
    with engine.begin() as conn:
        conn.execute(update(idempotency_keys).where(idempotency_keys.c.scope == scope).values(
            status=status, content_type=content_type, response=body))


def _forget(engine: Any, scope: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(idempotency_keys).where(idempotency_keys.c.scope == scope))
