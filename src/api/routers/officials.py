"""The register of officials (API.md v1.1 "Officials")."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel

from postledger.api.deps import SIGNED_IN_ONLY, CurrentActor, Ledger, ReadModels, taking
from postledger.api.problems import PROBLEM_RESPONSES
from postledger.api.schemas import Strict
from postledger.domain.values import (
    Address,
    Code,
    JurisdictionPath,
    Label,
    Name,
    PlaceSegment,
    ResidentIdText,
    mask_resident_id,
)
from postledger.workflows.officials import register_official
from postledger.workflows.permissions import authorize_read

router = APIRouter(prefix="/officials", tags=["officials"], responses=PROBLEM_RESPONSES,
                   dependencies=[SIGNED_IN_ONLY])


class OfficialCreate(Strict):
    county: PlaceSegment
    name: Name
    role: Code
    jurisdiction: JurisdictionPath
    resident_id: ResidentIdText
    household_id: Label | None = None
    address: Address | None = None


class OfficialPublic(BaseModel):
    id: str
    county: str
    name: str
    role: str
    jurisdiction: str
    resident_id: str  # masked
    registered_at: datetime | None = None


@router.post("", dependencies=[taking("register_official")],
             status_code=status.HTTP_201_CREATED)
def register(body: OfficialCreate, actor: CurrentActor, ledger: Ledger) -> OfficialPublic:
    official = register_official(ledger, **body.model_dump())
    return OfficialPublic(id=str(official.id), county=official.county, name=official.name,
                          role=official.role, jurisdiction=official.jurisdiction,
                          resident_id=mask_resident_id(official.resident_id))


@router.get("")
def list_officials(
    actor: CurrentActor, ledger: Ledger, read_model: ReadModels,
    county: PlaceSegment | None = None,
) -> list[OfficialPublic]:
    chosen = county or actor.jurisdiction.split("/")[0]
    authorize_read(chosen)
    read_model.catch_up(ledger)
    return [OfficialPublic(**row) for row in read_model.officials(county=chosen)]
