"""``GET /health``: open to all, on purpose (the route walk test lists it as public)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from postledger.api.deps import Services, get_services

router = APIRouter(tags=["service"])


@router.get("/health")
def health(services: Annotated[Services, Depends(get_services)]) -> dict[str, str]:
    return {"status": "ok", "store": services.settings.store}
