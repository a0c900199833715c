from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter

from postledger.api.deps import CurrentActor, Ledger, ReadModels
from postledger.api.schemas import Strict
from postledger.workflows.scheduler import Scheduler

router = APIRouter(prefix="/scheduler", tags=["automatic process"])


class SchedulerRun(Strict):
    as_of: date
    township: str | None = None


@router.post("/run")
def run_scheduler(
    body: SchedulerRun, actor: CurrentActor, ledger: Ledger, read_model: ReadModels
) -> dict[str, Any]:
    """R-EXIT-1: end every agreement that ended by itself on or before ``as_of``, once."""
    within = actor.jurisdiction
    if body.township:
        within = f"{actor.jurisdiction}/{body.township}" if actor.jurisdiction else body.township
    report = Scheduler(ledger, read_model).run(body.as_of, within=within)
    return {
        "as_of": report.as_of,
        "checked": report.checked,
        "exited": report.exited,
        "reviews_due": report.reviews_due,
        "ending_soon": report.ending_soon,
    }
