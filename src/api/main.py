"""The FastAPI application: one router per resource, problem+json errors, idempotency."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from postledger.api import problems
from postledger.api.access_log import create_access_log
from postledger.api.deps import Services
from postledger.api.idempotency import IdempotencyMiddleware
from postledger.api.routers import access, claims, health, placements, policies, posts, scheduler
from postledger.projections.claims_readmodel import ClaimsReadModel
from postledger.projections.readmodel import ReadModel, open_engine
from postledger.workflows.application import open_application, schema_lock
from postledger.workflows.scheduler import DailyScheduler, Scheduler
from postledger.workflows.settings import Settings


def open_services(settings: Settings) -> Services:
    with schema_lock(settings):
        ledger = open_application(settings)
        read_model = ReadModel(open_engine(settings))
        ClaimsReadModel(read_model.engine)  # creates its table while the lock is held
        create_access_log(read_model.engine)
    return Services(settings=settings, ledger=ledger, read_model=read_model)


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """Build the app. Pass ``services`` to share them (tests); otherwise they are opened from
    ``settings`` (or the environment) when the app starts and closed when it stops."""
    chosen = settings or (services.settings if services else Settings.from_env())
    if chosen.mode == "production":
        chosen.security.check_production()  # ConfigurationError names the missing variable

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = services is None
        app.state.services = services or open_services(chosen)
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
            if owned:
                app.state.services.close()

    app = FastAPI(
        title="postledger",
        version="1",
        summary="Public-welfare posts and employment subsidies, recorded as events",
        lifespan=lifespan,
    )
    if services is not None:
        app.state.services = services
    problems.install(app)
    app.add_middleware(IdempotencyMiddleware)
    for module in (health, policies, posts, placements, scheduler, claims, access):
        app.include_router(module.router)
    return app
