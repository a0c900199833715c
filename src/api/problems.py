"""RFC 9457 problem+json for every refusal, each domain error mapped to its status explicitly.

Every 422 names the fields at fault (``errors: [{field, problem, rule?}]``) and, where a rule
decides it, carries the rule at the top (API.md v1.1). No body holds a stack trace, and resident
ids and phone numbers in a detail are masked (``520524********1234``).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import sqlalchemy.exc
from eventsourcing.persistence import OperationalError as StoreOperationalError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from postledger.api.auth import Unauthenticated
from postledger.api.schemas import RULE_BY_FIELD
from postledger.domain.errors import (
    Forbidden,
    InvalidInput,
    LimitReached,
    NotFound,
    PostLedgerError,
    StepNotAllowed,
)
from postledger.domain.rules import rule_statement
from postledger.domain.values import mask_personal, problem_zh
from postledger.workflows.store import ConcurrentChange

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://postledger.example/problems/"

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


class FieldProblem(BaseModel):
    field: str
    problem: str
    rule: str | None = None
    problem_zh: str | None = None


class Problem(BaseModel):
    """The documented shape of every refusal (``responses=`` of each operation)."""

    type: str
    title: str
    status: int
    detail: str
    rule: str | None
    state: str | None = None
    fact: str | None = None
    rule_text: str | None = None
    errors: list[FieldProblem] | None = None


def problem(
    status: int, title: str, detail: str, *, rule: str | None, slug: str,
    language: str = "en", detail_zh: str | None = None, **extra: Any
) -> JSONResponse:
    # The rule's wording comes from the catalogue (src/domain/rules.py), in Chinese when the
    # request prefers it; the specific detail follows it, in Chinese where the error has it.
    statement = rule_statement(rule, language)
    if language == "zh":
        specific = detail_zh or detail
        detail = f"{statement}（{rule}）：{specific}" if statement is not None else specific
    body = {
        "type": f"{PROBLEM_BASE}{slug}",
        "title": title,
        "status": status,
        "detail": mask_personal(detail),
        "rule": rule,
        **({"rule_text": statement} if statement is not None else {}),
        **extra,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status == 503:
        headers = {"Retry-After": "5"}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def preferred_language(request: Request) -> str:
    """"zh" when the request's Accept-Language prefers Chinese (highest q first), else "en"."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = params.strip().removeprefix("q=")
        try:
            q = float(weight) if params else 1.0
        except ValueError:
            continue
        if tag:
            ranked.append((-q, index, tag.lower()))
    return "zh" if ranked and min(ranked)[2].startswith("zh") else "en"


def invalid(errors: list[dict[str, Any]], rule: str | None = None,
            language: str = "en", detail_zh: str | None = None) -> JSONResponse:
    """A 422 naming each field at fault; the top ``rule`` is the first one a field carries."""
    for error in errors:
        error["problem"] = mask_personal(str(error["problem"]))
        if error.get("problem_zh"):
            error["problem_zh"] = mask_personal(str(error["problem_zh"]))
        else:
            error.pop("problem_zh", None)
    rule = rule or next((e["rule"] for e in errors if e.get("rule")), None)
    detail = "; ".join(f"{e['field']}: {e['problem']}" if e["field"] else str(e["problem"])
                       for e in errors)
    if detail_zh is None and errors and all(e.get("problem_zh") for e in errors):
        detail_zh = "；".join(f"{e['field']}：{e['problem_zh']}" if e["field"]
                              else str(e["problem_zh"]) for e in errors)
    return problem(422, "Unprocessable Content", detail, rule=rule, slug="invalid-input",
                   language=language, detail_zh=detail_zh,
                   fact=errors[0]["field"] if errors else None, errors=errors)


def _domain_error(exc: PostLedgerError, language: str = "en") -> JSONResponse:
    if isinstance(exc, InvalidInput):
        field = exc.fact or ""
        message = exc.detail.removeprefix(f"{field}: ") if field else exc.detail
        return invalid([{"field": field, "problem": message, "rule": exc.rule,
                         "problem_zh": exc.detail_zh}], exc.rule, language)
    status = STATUS_BY_ERROR[type(exc)]
    extra: dict[str, Any] = {}
    for name in ("state", "fact"):  # the subject's state (409); the input fact at fault
        value = getattr(exc, name, None)
        if value is not None:
            extra[name] = value
    return problem(
        status, HTTPStatus(status).phrase, exc.detail, rule=exc.rule,
        slug=TYPE_SLUG[type(exc)], language=language, detail_zh=exc.detail_zh, **extra,
    )


def _field_problem(error: Any) -> dict[str, Any]:
    """One pydantic error as ``{field, problem, rule}``; the input itself is never echoed."""
    location = [str(part) for part in error.get("loc", ())]
    if location and location[0] in ("body", "query", "path", "header"):
        location = location[1:]
    context = error.get("ctx") or {}
    rule = context.get("rule")
    if rule is None:
        rule = next((RULE_BY_FIELD[p] for p in location if p in RULE_BY_FIELD), None)
    kind = str(error.get("type", ""))
    return {"field": ".".join(location), "problem": str(error.get("msg", "")), "rule": rule,
            "problem_zh": problem_zh(error),
            "loc": list(error.get("loc", ())), "msg": str(error.get("msg", "")), "type": kind}


def install(app: FastAPI) -> None:
    for error_class in STATUS_BY_ERROR:

        async def handle(request: Request, exc: Exception) -> JSONResponse:
            assert isinstance(exc, PostLedgerError)
            return _domain_error(exc, preferred_language(request))

        app.add_exception_handler(error_class, handle)

    async def invalid_request(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return invalid([_field_problem(e) for e in exc.errors()],
                       language=preferred_language(request))

    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 400:  # a body that is not JSON at all: invalid input (422)
            return invalid([{"field": "body", "problem": str(exc.detail), "rule": None}])
        return problem(exc.status_code, HTTPStatus(exc.status_code).phrase, str(exc.detail),
                       rule=None, slug=f"http-{exc.status_code}")

    async def store_busy(_: Request, exc: Exception) -> JSONResponse:
        # A lock or statement timeout (settings.py): the store is held by someone else; the
        # request recorded nothing and may be retried.
        return problem(503, "Service Unavailable",
                       "the store is busy (a lock or statement timed out); nothing was "
                       "recorded — retry", rule=None, slug="store-busy")

    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(StoreOperationalError, store_busy)
    app.add_exception_handler(sqlalchemy.exc.OperationalError, store_busy)


# Documented on every operation (``APIRouter(responses=…)``), so that clients and the schema
# test know every refusal's shape.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": HTTPStatus(status).phrase}
    for status in (401, 403, 404, 409, 413, 422, 503)
}
