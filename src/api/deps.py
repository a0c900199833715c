"""Dependencies shared by the routers (``Annotated`` aliases)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials

from postledger.api.auth import BEARER, actor_from_authorization
from postledger.domain.actor import Actor, current_actor
from postledger.projections.readmodel import ReadModel
from postledger.workflows.application import PostLedger
from postledger.workflows.settings import Settings


@dataclass
class Services:
    settings: Settings
    ledger: PostLedger
    read_model: ReadModel

    def close(self) -> None:
        self.ledger.close()
        self.read_model.engine.dispose()


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def authenticated_actor(
    request: Request,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)] = None,
) -> Actor:
    """Sets the per-request actor. Async on purpose: it runs in the request's own context, which
    the sync endpoints then run in (a copy of), so every event they record carries this actor."""
    services: Services = request.app.state.services
    actor = actor_from_authorization(request.headers.get("authorization"), mode=services.settings.mode,
                                     security=services.settings.security)
    current_actor.set(actor)
    return actor


def get_ledger(services: Annotated[Services, Depends(get_services)]) -> PostLedger:
    return services.ledger


def get_read_model(services: Annotated[Services, Depends(get_services)]) -> ReadModel:
    return services.read_model


CurrentActor = Annotated[Actor, Depends(authenticated_actor)]
Ledger = Annotated[PostLedger, Depends(get_ledger)]
ReadModels = Annotated[ReadModel, Depends(get_read_model)]
