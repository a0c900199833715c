"""Dependencies shared by the routers (``Annotated`` aliases).

Authorization fails closed: every route declares the roles that may call it through the one
dependency ``require_roles`` (at router or route level); a test walks every route and fails if
one lacks it. Which step a role may take, and where, is then checked by the workflows
(src/workflows/permissions.py, the one registry of steps by role).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials

from postledger.api.auth import BEARER, actor_from_authorization
from postledger.domain.actor import ROLES, Actor, current_actor
from postledger.domain.errors import Forbidden
from postledger.domain.labels import label_of
from postledger.infrastructure.settings import Settings
from postledger.projections.readmodel import ReadModel
from postledger.workflows.application import PostLedger
from postledger.workflows.permissions import STEPS_BY_ROLE

# Everyone who may sign in; ``system`` is the automatic process and never signs in.
SIGNED_IN: tuple[str, ...] = tuple(role for role in ROLES if role != "system")


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


def actor_of(authorization: str | None, services: Services) -> Actor:
    """The actor a request's ``Authorization`` header names (401 when it names none)."""
    return actor_from_authorization(authorization, mode=services.settings.mode,
                                    security=services.settings.security)


async def authenticated_actor(
    request: Request,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)] = None,
) -> Actor:
    """Sets the per-request actor. Async on purpose: it runs in the request's own context, which
    the sync endpoints then run in (a copy of), so every event they record carries this actor."""
    actor = actor_of(request.headers.get("authorization"), request.app.state.services)
    current_actor.set(actor)
    return actor


def require_roles(*roles: str) -> Any:
    """The dependency every route declares: only these roles (and ``admin``) may call it."""
    allowed = frozenset(roles) | {"admin"}

    async def required_roles(actor: Annotated[Actor, Depends(authenticated_actor)]) -> Actor:
        if actor.role not in allowed:
            raise Forbidden(f"role {actor.role} may not call this; it is for "
                            f"{', '.join(sorted(allowed))}",
                            zh=f"“{label_of('role', actor.role) or actor.role}”不能进行此操作；"
                               f"只限{'、'.join(label_of('role', r) or r for r in sorted(allowed))}")
        return actor

    required_roles.roles = allowed  # type: ignore[attr-defined]  # read by the route walk test
    return Depends(required_roles)


def roles_taking(*steps: str) -> tuple[str, ...]:
    """The roles that may take any of ``steps`` (src/workflows/permissions.py)."""
    return tuple(role for role, taken in STEPS_BY_ROLE.items()
                 if role in SIGNED_IN and taken & set(steps))


def taking(*steps: str) -> Any:
    """``require_roles`` for the roles that may take ``steps``: the dependency of a command."""
    return require_roles(*roles_taking(*steps))


# Every route of a router: anyone signed in (reads; jurisdiction is checked by the workflows).
SIGNED_IN_ONLY = require_roles(*SIGNED_IN)


def get_ledger(services: Annotated[Services, Depends(get_services)]) -> PostLedger:
    return services.ledger


def get_read_model(services: Annotated[Services, Depends(get_services)]) -> ReadModel:
    return services.read_model


CurrentActor = Annotated[Actor, Depends(authenticated_actor)]
Ledger = Annotated[PostLedger, Depends(get_ledger)]
ReadModels = Annotated[ReadModel, Depends(get_read_model)]
