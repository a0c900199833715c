"""``POST /scheduler/run`` (API.md "Automatic process", v1.1: ``dry_run``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from postledger.api.deps import CurrentActor, Ledger, ReadModels, taking
from postledger.api.problems import PROBLEM_RESPONSES
from postledger.api.schemas import Strict
from postledger.domain.values import BusinessDate, Flag, PlaceSegment
from postledger.workflows.scheduler import Scheduler

router = APIRouter(prefix="/scheduler", tags=["automatic process"], responses=PROBLEM_RESPONSES,
                   dependencies=[taking("run_scheduler")])


class SchedulerRun(Strict):
    as_of: BusinessDate
    township: PlaceSegment | None = None
    dry_run: Flag = False


@router.post("/run")
def run_scheduler(
    body: SchedulerRun, actor: CurrentActor, ledger: Ledger, read_model: ReadModels
) -> dict[str, Any]:
    """R-EXIT-1: end every agreement that ended by itself on or before ``as_of``, once. An
    ``as_of`` after today is a 422 (R-INPUT-2) unless ``dry_run``, which records nothing."""
    within = actor.jurisdiction
    if body.township:
        within = f"{actor.jurisdiction}/{body.township}" if actor.jurisdiction else body.township
    report = Scheduler(ledger, read_model).run(body.as_of, within=within, dry_run=body.dry_run)
    return {
        "as_of": report.as_of,
        "dry_run": report.dry_run,
        "checked": report.checked,
        "exited": report.exited,
        "reviews_due": report.reviews_due,
        "ending_soon": report.ending_soon,
    }
