"""The Audit part of API.md (v1.1): findings with their evidence, the tamper check, and the
work queues of each role."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from postledger.api.deps import SIGNED_IN_ONLY, CurrentActor, Ledger, ReadModels, taking
from postledger.api.problems import PROBLEM_RESPONSES
from postledger.domain.errors import InvalidInput
from postledger.domain.post import jurisdiction_path
from postledger.domain.values import JurisdictionPath, PlaceSegment
from postledger.infrastructure.clock import business_today
from postledger.workflows.permissions import authorize, authorize_read
from postledger.workflows.verify import verify_chains

router = APIRouter(tags=["audit"], responses=PROBLEM_RESPONSES, dependencies=[SIGNED_IN_ONLY])

# A rule id as RULES.md writes them (R-FRAUD-1 …).
RuleId = Annotated[str, Query(pattern=r"^R-[A-Z]+-[0-9A-Z]+$", max_length=32)]


class EventRef(BaseModel):
    stream_id: str
    version: int


class FindingPublic(BaseModel):
    rule: str
    subject_id: str
    subject_kind: str
    township: str | None
    detail: str
    detail_zh: str
    events: list[EventRef]


class BrokenPublic(BaseModel):
    stream_id: str
    version: int
    problem: str


class VerifyPublic(BaseModel):
    ok: bool
    checked_streams: int
    checked_events: int
    broken: list[BrokenPublic]


def an_instant(as_of: datetime | None) -> datetime | None:
    if as_of is not None and as_of.tzinfo is None:
        raise InvalidInput("as_of is an instant with its offset, e.g. 2024-03-01T10:00:00+08:00",
                           fact="as_of")
    return as_of


def county_of(actor: CurrentActor, county: str | None) -> str | None:
    """The county asked for, or the actor's own (None: an admin over every county)."""
    return county or (actor.jurisdiction.split("/")[0] or None)


@router.get("/audit/findings", dependencies=[taking("read_audit")])
def findings(
    actor: CurrentActor,
    ledger: Ledger,
    read_model: ReadModels,
    county: PlaceSegment | None = None,
    township: PlaceSegment | None = None,
    rule: RuleId | None = None,
    as_of: datetime | None = None,
) -> list[FindingPublic]:
    chosen = county_of(actor, county)
    authorize("read_audit", jurisdiction_path(chosen or "", township) if chosen else "")
    read_model.catch_up(ledger)
    rows = read_model.findings(county=chosen, township=township, rule=rule,
                               as_of=an_instant(as_of))
    return [FindingPublic(**row) for row in rows]


@router.get("/audit/verify", dependencies=[taking("read_audit")])
def verify(
    actor: CurrentActor, ledger: Ledger, read_model: ReadModels,
    county: PlaceSegment | None = None,
) -> VerifyPublic:
    chosen = county_of(actor, county)
    authorize("read_audit", chosen or "")
    report = verify_chains(ledger, chosen)
    read_model.record_tamper_links(chosen or "", report.broken)  # R-FRAUD-8 findings
    return VerifyPublic(ok=report.ok, checked_streams=report.checked_streams,
                        checked_events=report.checked_events,
                        broken=[BrokenPublic(**asdict(b)) for b in report.broken])


@router.get("/work-queue")
def work_queue(
    actor: CurrentActor, ledger: Ledger, read_model: ReadModels,
    within: JurisdictionPath | None = None,
) -> list[dict[str, Any]]:
    """What the caller's role must act on next in their jurisdiction (or part of it)."""
    place = within or actor.jurisdiction
    authorize_read(place)
    read_model.catch_up(ledger)
    return read_model.work_queue(within=place, role=actor.role, today=business_today())
