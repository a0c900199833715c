"""RFC 9457 problem+json for every refusal, each domain error mapped to its status explicitly."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from postledger.api.auth import Unauthenticated
from postledger.domain.errors import (
    Forbidden,
    InvalidInput,
    LimitReached,
    NotFound,
    PostLedgerError,
    StepNotAllowed,
)
from postledger.workflows.application import ConcurrentChange

PROBLEM_JSON = "application/problem+json"

STATUS_BY_ERROR: dict[type[PostLedgerError], int] = {
    InvalidInput: 422,
    StepNotAllowed: 409,
    LimitReached: 409,
    ConcurrentChange: 409,
    NotFound: 404,
    Forbidden: 403,
    Unauthenticated: 401,
}

TYPE_SLUG: dict[type[PostLedgerError], str] = {
    InvalidInput: "invalid-input",
    StepNotAllowed: "step-not-allowed",
    LimitReached: "limit-reached",
    ConcurrentChange: "concurrent-change",
    NotFound: "not-found",
    Forbidden: "forbidden",
    Unauthenticated: "unauthenticated",
}


def problem(
    status: int, title: str, detail: str, *, rule: str | None, slug: str, **extra: Any
) -> JSONResponse:
    body = {
        "type": f"https://postledger.example/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "rule": rule,
        **extra,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _domain_error(exc: PostLedgerError) -> JSONResponse:
    status = STATUS_BY_ERROR[type(exc)]
    extra: dict[str, Any] = {}
    for name in ("state", "fact"):  # the subject's state (409); the input fact at fault (422)
        value = getattr(exc, name, None)
        if value is not None:
            extra[name] = value
    return problem(
        status, HTTPStatus(status).phrase, exc.detail, rule=exc.rule,
        slug=TYPE_SLUG[type(exc)], **extra,
    )


def install(app: FastAPI) -> None:
    for error_class in STATUS_BY_ERROR:

        async def handle(_: Request, exc: Exception) -> JSONResponse:
            assert isinstance(exc, PostLedgerError)
            return _domain_error(exc)

        app.add_exception_handler(error_class, handle)

    async def invalid_request(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors)
        return problem(422, "Unprocessable Content", detail, rule=None, slug="invalid-input",
                       errors=errors)

    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return problem(exc.status_code, HTTPStatus(exc.status_code).phrase, str(exc.detail),
                       rule=None, slug=f"http-{exc.status_code}")

    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StarletteHTTPException, http_error)
