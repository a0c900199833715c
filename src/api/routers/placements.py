"""The Placements part of API.md: one endpoint per step, each answering the new state."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, status

from postledger.api.access_log import AccessReads
from postledger.api.deps import SIGNED_IN_ONLY, CurrentActor, Ledger, ReadModels, taking
from postledger.api.problems import PROBLEM_RESPONSES
from postledger.api.routers.audit import an_instant
from postledger.api.schemas import (
    AnnualReviewIn,
    AttendanceIn,
    Dated,
    ExitIn,
    ExtensionIn,
    ObjectionIn,
    ObjectionRaised,
    OnboardingIn,
    PaymentIn,
    PlacementClawbackIn,
    PlacementCreate,
    PlacementPublic,
    PlacementSummary,
    PublicityIn,
    ResolutionIn,
    ReviewIn,
    SelectionIn,
    TrainingIn,
    WarningIn,
)
from postledger.domain.errors import InvalidInput
from postledger.domain.values import Code, PlaceSegment, ResidentIdText
from postledger.workflows.history import SourcedHistoryEntry, placement_history

# An objection id is the UUID text the objection step answered.
ObjectionId = Annotated[str, Path(max_length=64)]

router = APIRouter(prefix="/placements", tags=["placements"], responses=PROBLEM_RESPONSES,
                   dependencies=[SIGNED_IN_ONLY])


@router.post("", dependencies=[taking("apply")], status_code=status.HTTP_201_CREATED)
def apply(body: PlacementCreate, actor: CurrentActor, ledger: Ledger) -> PlacementPublic:
    placement = ledger.apply(
        body.post_id, date=body.date, applicant=body.applicant.model_dump(exclude_none=True)
    )
    return PlacementPublic.of(placement)


@router.get("")
def list_placements(
    actor: CurrentActor,
    ledger: Ledger,
    read_model: ReadModels,
    reads: AccessReads,
    county: PlaceSegment | None = None,
    township: PlaceSegment | None = None,
    state: Code | None = None,
    person: ResidentIdText | None = None,
    as_of: datetime | None = None,
) -> list[PlacementSummary]:
    read_model.catch_up(ledger)
    rows = read_model.list_placements(
        within=actor.jurisdiction, county=county, township=township, state=state, person=person,
        as_of=an_instant(as_of),
    )
    # Read models show masked ids; a list filtered by a person names that person (PIPL).
    reads.rows("placements.list", [{**row, "resident_id": person} for row in rows]
               if person else rows)
    return [PlacementSummary(**row) for row in rows]


@router.get("/{placement_id}")
def get_placement(
    placement_id: UUID, actor: CurrentActor, ledger: Ledger, reads: AccessReads,
    as_of: datetime | None = None,
) -> PlacementPublic:
    if as_of is not None and as_of.tzinfo is None:
        raise InvalidInput("as_of is an instant with its offset, e.g. 2024-03-01T10:00:00+08:00")
    placement = ledger.get_placement(placement_id, as_of=as_of)
    reads.placements("placement", [placement])
    return PlacementPublic.of(placement)


@router.get("/{placement_id}/history")
def history(
    placement_id: UUID, actor: CurrentActor, ledger: Ledger, reads: AccessReads
) -> list[SourcedHistoryEntry]:
    subject, history = placement_history(ledger, placement_id)  # imported: its file and row
    reads.rows("placement.history", [{"id": placement_id, "path": subject.path,
                                      "resident_id": subject.resident_id}])
    return history


@router.post("/{placement_id}/village-review", dependencies=[taking("village_review")])
def village_review(
    placement_id: UUID, body: ReviewIn, actor: CurrentActor, ledger: Ledger
) -> PlacementPublic:
    return PlacementPublic.of(
        ledger.village_review(placement_id, date=body.date, approve=body.approve,
                              reason=body.reason)
    )


@router.post("/{placement_id}/township-review", dependencies=[taking("township_review")])
def township_review(
    placement_id: UUID, body: ReviewIn, actor: CurrentActor, ledger: Ledger
) -> PlacementPublic:
    return PlacementPublic.of(
        ledger.township_review(placement_id, date=body.date, approve=body.approve,
                               reason=body.reason)
    )


@router.post("/{placement_id}/publicity", dependencies=[taking("start_publicity")])
def publicity(
    placement_id: UUID, body: PublicityIn, actor: CurrentActor, ledger: Ledger
) -> PlacementPublic:
    return PlacementPublic.of(
        ledger.start_publicity(placement_id, date=body.date, ends_on=body.ends_on)
    )


@router.post("/{placement_id}/objections", dependencies=[taking("raise_objection")])
def raise_objection(
    placement_id: UUID, body: ObjectionIn, actor: CurrentActor, ledger: Ledger
) -> ObjectionRaised:
    placement, objection_id = ledger.raise_objection(
        placement_id, date=body.date, raised_by=body.raised_by, text=body.text
    )
    return ObjectionRaised(objection_id=objection_id, id=placement.id, state=placement.state.value)


@router.post("/{placement_id}/objections/{objection_id}/resolution",
             dependencies=[taking("resolve_objection")])
def resolve_objection(
    placement_id: UUID, objection_id: ObjectionId, body: ResolutionIn, actor: CurrentActor, ledger: Ledger
) -> PlacementPublic:
    return PlacementPublic.of(
        ledger.resolve_objection(placement_id, objection_id, date=body.date, upheld=body.upheld,
                                 reason=body.reason)
    )


@router.post("/{placement_id}/approval", dependencies=[taking("approve")])
def approval(
    placement_id: UUID, body: Dated, actor: CurrentActor, ledger: Ledger
) -> PlacementPublic:
    return PlacementPublic.of(ledger.approve(placement_id, date=body.date))


@router.post("/{placement_id}/training", dependencies=[taking("train")])
def training(
    placement_id: UUID, body: TrainingIn, actor: CurrentActor, ledger: Ledger
) -> PlacementPublic:
    return PlacementPublic.of(
        ledger.train(placement_id, date=body.date, hours=body.hours, topic=body.topic)
    )


@router.post("/{placement_id}/onboarding", dependencies=[taking("onboard")])
def onboarding(
    placement_id: UUID, body: OnboardingIn, actor: CurrentActor, ledger: Ledger
) -> PlacementPublic:
    return PlacementPublic.of(
        ledger.onboard(placement_id, date=body.date, agreement_end=body.agreement_end)
    )


@router.post("/{placement_id}/attendance", dependencies=[taking("record_attendance")])
def attendance(
    placement_id: UUID, body: AttendanceIn, actor: CurrentActor, ledger: Ledger
) -> PlacementPublic:
    return PlacementPublic.of(
        ledger.record_attendance(
            placement_id, date=body.date, month=body.month, days_worked=body.days_worked,
            signatures=body.signatures.model_dump(),
        )
    )


@router.post("/{placement_id}/payments", dependencies=[taking("pay")])
def payments(
    placement_id: UUID, body: PaymentIn, actor: CurrentActor, ledger: Ledger
) -> PlacementPublic:
    return PlacementPublic.of(
        ledger.pay(placement_id, date=body.date, month=body.month, amount_fen=body.amount_fen)
    )


@router.post("/{placement_id}/warnings", dependencies=[taking("warn")])
def warnings(
    placement_id: UUID, body: WarningIn, actor: CurrentActor, ledger: Ledger
) -> PlacementPublic:
    return PlacementPublic.of(ledger.warn(placement_id, date=body.date, reason=body.reason))


@router.post("/{placement_id}/annual-review", dependencies=[taking("annual_review")])
def annual_review(
    placement_id: UUID, body: AnnualReviewIn, actor: CurrentActor, ledger: Ledger
) -> PlacementPublic:
    return PlacementPublic.of(
        ledger.annual_review(placement_id, date=body.date, year=body.year, passed=body.passed,
                             worker_signed=body.worker_signed)
    )


@router.post("/{placement_id}/extension", dependencies=[taking("extend")])
def extension(
    placement_id: UUID, body: ExtensionIn, actor: CurrentActor, ledger: Ledger
) -> PlacementPublic:
    return PlacementPublic.of(
        ledger.extend(
            placement_id, date=body.date, basis=body.basis, until=body.until,
            evidence=body.evidence, hardship=body.hardship,
            still_unemployed=body.still_unemployed,
            publicity_started_on=body.publicity_started_on,
            publicity_ended_on=body.publicity_ended_on,
        )
    )


@router.post("/{placement_id}/selection", dependencies=[taking("select")])
def selection(
    placement_id: UUID, body: SelectionIn, actor: CurrentActor, ledger: Ledger
) -> PlacementPublic:
    """R-FLOW-4: the selection between township review and publicity (a fail rejects)."""
    return PlacementPublic.of(
        ledger.select(placement_id, date=body.date, method=body.method, passed=body.passed,
                      score=body.score)
    )


@router.post("/{placement_id}/clawback", dependencies=[taking("claw_back")])
def clawback(
    placement_id: UUID, body: PlacementClawbackIn, actor: CurrentActor, ledger: Ledger
) -> PlacementPublic:
    """R-PAY-3: recover a paid month's subsidy obtained on false grounds."""
    return PlacementPublic.of(
        ledger.claw_back(placement_id, date=body.date, month=body.month,
                         amount_fen=body.amount_fen, reason=body.reason, ground=body.ground,
                         evidence=body.evidence)
    )


@router.post("/{placement_id}/exit", dependencies=[taking("exit")])
def exit_placement(
    placement_id: UUID, body: ExitIn, actor: CurrentActor, ledger: Ledger
) -> PlacementPublic:
    return PlacementPublic.of(
        ledger.leave(placement_id, date=body.date, reason=body.reason, ground=body.ground)
    )


@router.post("/{placement_id}/withdrawal", dependencies=[taking("withdraw")])
def withdrawal(
    placement_id: UUID, body: Dated, actor: CurrentActor, ledger: Ledger
) -> PlacementPublic:
    return PlacementPublic.of(ledger.withdraw(placement_id, date=body.date))
