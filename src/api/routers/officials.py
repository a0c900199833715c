"""The register of officials (API.md v1.1 "Officials")."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel

from postledger.api.deps import CurrentActor, Ledger, ReadModels
from postledger.api.schemas import Strict
from postledger.projections.people import masked_id
from postledger.workflows.officials import register_official
from postledger.workflows.permissions import authorize_read

router = APIRouter(prefix="/officials", tags=["officials"])


class OfficialCreate(Strict):
    county: str
    name: str
    role: str
    jurisdiction: str
    resident_id: str
    household_id: str | None = None
    address: str | None = None


class OfficialPublic(BaseModel):
    id: str
    county: str
    name: str
    role: str
    jurisdiction: str
    resident_id: str  # masked
    registered_at: datetime | None = None


@router.post("", status_code=status.HTTP_201_CREATED)
def register(body: OfficialCreate, actor: CurrentActor, ledger: Ledger) -> OfficialPublic:
    official = register_official(ledger, **body.model_dump())
    return OfficialPublic(id=str(official.id), county=official.county, name=official.name,
                          role=official.role, jurisdiction=official.jurisdiction,
                          resident_id=masked_id(official.resident_id))


@router.get("")
def list_officials(
    actor: CurrentActor, ledger: Ledger, read_model: ReadModels, county: str | None = None
) -> list[OfficialPublic]:
    chosen = county or actor.jurisdiction.split("/")[0]
    authorize_read(chosen)
    read_model.catch_up(ledger)
    return [OfficialPublic(**row) for row in read_model.officials(county=chosen)]
