"""The FastAPI application: one router per resource, problem+json errors, idempotency, and
the input guard outermost (bounded bodies before authentication, no stack trace out)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from postledger.api import pages, problems
from postledger.api.access_log import create_access_log
from postledger.api.deps import Services
from postledger.api.following import start_following
from postledger.api.guard import InputGuard, mask_logs
from postledger.api.idempotency import IdempotencyMiddleware
from postledger.api.routers import (
    access,
    audit,
    claims,
    health,
    ledger,
    officials,
    placements,
    policies,
    posts,
    rules,
    scheduler,
)
from postledger.infrastructure.clock import BusinessClock
from postledger.infrastructure.schema_lock import schema_lock
from postledger.infrastructure.settings import Settings
from postledger.projections.readmodel import ReadModel
from postledger.workflows.application import open_application
from postledger.workflows.scheduler import DailyScheduler, Scheduler


def open_services(settings: Settings, clock: BusinessClock | None = None) -> Services:
    with schema_lock(settings):
        ledger = open_application(settings, clock)
        read_model = ReadModel.open(settings)  # creates its tables while the lock is held
        create_access_log(read_model.engine)
    return Services(settings=settings, ledger=ledger, read_model=read_model)


def app_from_env() -> FastAPI:
    """The app of one worker of ``postledger serve --workers N``: settings and the follower
    (POSTLEDGER_FOLLOWER, ``off`` when the serving command runs the one follower process)
    from the environment the command set."""
    return create_app(Settings.from_env(), follower=os.environ.get("POSTLEDGER_FOLLOWER") or "off")


def create_app(settings: Settings | None = None, services: Services | None = None,
               follower: str = "thread") -> FastAPI:
    """Build the app. Pass ``services`` to share them (tests); otherwise they are opened from
    ``settings`` (or the environment) when the app starts and closed when it stops, and the
    read models are followed by ``follower`` (src/api/following.py)."""
    chosen = settings or (services.settings if services else Settings.from_env())
    if chosen.mode == "production" and services is None:
        # A server opening its own store refuses to start without keys or a way to sign in
        # (ConfigurationError names the variable); tests that pass ``services`` bring their own.
        chosen.security.check_production()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = services is None
        mask_logs("uvicorn.access", "uvicorn.error", "postledger")
        app.state.services = services or open_services(chosen)
        # Catch up on start and while serving; shared services are the owner's to follow.
        following = start_following(follower, app.state.services) if owned else None
        daily = None
        if chosen.scheduler_daily_at:
            daily = DailyScheduler(
                Scheduler(app.state.services.ledger, app.state.services.read_model),
                chosen.scheduler_daily_at,
            )
            daily.start()
        try:
            yield
        finally:
            if daily is not None:
                daily.stop()
            if following is not None:
                following.stop()
            if owned:
                app.state.services.close()

    app = FastAPI(
        title="postledger",
        version="1",
        summary="Public-welfare posts and employment subsidies, recorded as events",
        lifespan=lifespan,
        docs_url=None, redoc_url=None,  # /docs is served offline by the pages (src/api/pages)
    )
    if services is not None:
        app.state.services = services
    problems.install(app)
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(InputGuard)  # added last: the outermost, before any other reads a byte
    for module in (health, policies, posts, placements, scheduler, claims, rules, audit, ledger,
                   officials, access):
        app.include_router(module.router)
    pages.install(app)
    _document_problems_as_problem_json(app)
    return app


def _document_problems_as_problem_json(app: FastAPI) -> None:
    """Refusals are served as ``application/problem+json``; say so in the OpenAPI document."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            for operations in document.get("paths", {}).values():
                for operation in operations.values():
                    for status, response in operation.get("responses", {}).items():
                        content = response.get("content", {})
                        if status[:1] in ("4", "5") and "application/json" in content:
                            content[problems.PROBLEM_JSON] = content.pop("application/json")
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
