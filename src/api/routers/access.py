"""``GET /audit/access?subject=`` (API.md "Production mode"): who read a person's records."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from postledger.api.access_log import AccessLog
from postledger.api.deps import CurrentActor, Services, get_services, taking
from postledger.api.problems import PROBLEM_RESPONSES
from postledger.workflows.permissions import authorize

router = APIRouter(prefix="/audit", tags=["audit"], responses=PROBLEM_RESPONSES,
                   dependencies=[taking("read_access_log")])


class AccessActor(BaseModel):
    role: str
    jurisdiction: str
    name: str


class AccessEntry(BaseModel):
    at: datetime
    actor: AccessActor
    what: str
    subject: str
    client: str


@router.get("/access")
def access(
    actor: CurrentActor,
    services: Annotated[Services, Depends(get_services)],
    subject: Annotated[str, Query(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z-]+$",
                                  description="a resident id, a placement id or a claim id")],
) -> list[AccessEntry]:
    """Inspectors and admins only, inside their jurisdiction; oldest first."""
    authorize("read_access_log", actor.jurisdiction)
    log = AccessLog(services.read_model.engine, services.read_model.keys)
    return [AccessEntry.model_validate(row)
            for row in log.query(subject, within=actor.jurisdiction)]
