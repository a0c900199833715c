"""The automatic process (R-EXIT-1): agreements end by themselves at term or age limit.

For an ``as_of`` date the scheduler ends every active placement whose agreement end, or the
day its worker reaches the county's ``age_max``, falls on or before ``as_of`` — effective on
that exact day, not on the run's day. It also lists placements whose annual review is due
(R-REV-1: an anniversary of onboarding without its review) and agreements ending
within 30 days.

Each placement is ended in its own atomic save (with the seat, person index and quota it
frees), so a crash midway leaves every placement either ended or untouched, and the next run
finishes the job. Each candidate is read again from the event store before it is ended: a
second run, or a second runner at the same time, finds it exited (or loses the write) and
leaves it alone, so each placement is ended exactly once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from postledger.domain.actor import Actor, acting, acting_as
from postledger.domain.errors import StepNotAllowed
from postledger.domain.placement import Placement
from postledger.domain.placement_rules import review_due
from postledger.projections.readmodel import ReadModel
from postledger.workflows.application import PostLedger
from postledger.workflows.permissions import authorize
from postledger.workflows.store import ConcurrentChange

ENDING_SOON_DAYS = 30


@dataclass
class SchedulerReport:
    as_of: date
    dry_run: bool = False
    exited: list[dict[str, Any]] = field(default_factory=list)
    reviews_due: list[dict[str, Any]] = field(default_factory=list)
    ending_soon: list[dict[str, Any]] = field(default_factory=list)
    checked: int = 0


def review_due_on(placement: Placement) -> date | None:
    """R-REV-1: the first anniversary of onboarding without its review."""
    if placement.onboarded_on is None:
        return None
    return review_due(placement.onboarded_on, set(placement.annual_reviews))


class Scheduler:
    def __init__(self, ledger: PostLedger, read_model: ReadModel) -> None:
        self.ledger = ledger
        self.read_model = read_model

    def run(
        self,
        as_of: date,
        within: str = "",
        progress: Callable[[int, int], None] | None = None,
        dry_run: bool = False,
    ) -> SchedulerReport:
        """End what is due on or before ``as_of``. An ``as_of`` after today is refused
        (R-INPUT-2) unless ``dry_run``: a dry run reports what a run would do and records
        nothing."""
        who = acting()
        authorize("run_scheduler", within or who.jurisdiction, who)
        if not dry_run:
            self.ledger.not_after_today(as_of, "as_of")
        # Events the run records name the scheduler and who started it.
        runner = Actor("system", who.jurisdiction, f"scheduler (run by {who.role} {who.name})")
        self.read_model.catch_up(self.ledger)
        candidates = self.read_model.active_placement_ids(within=within or who.jurisdiction)
        report = SchedulerReport(as_of=as_of, dry_run=dry_run)
        with acting_as(runner):
            for done, placement_id in enumerate(candidates, start=1):
                self._check(placement_id, as_of, report)
                report.checked = done
                if progress is not None:
                    progress(done, len(candidates))
        self.read_model.catch_up(self.ledger)
        return report

    def _check(self, placement_id: UUID, as_of: date, report: SchedulerReport) -> None:
        placement = self.ledger.get_placement(placement_id)
        terms = self.ledger.terms(placement.county, as_of)
        ends = placement.automatic_end(terms)
        if ends is None:
            return  # no longer active: ended by hand or by another run
        day, reason = ends
        if day <= as_of and report.dry_run:
            report.exited.append(_row(placement, date=day.isoformat(), reason=reason))
            return
        if day <= as_of:
            try:
                self.ledger.end_automatically(placement_id, day=day, reason=reason)
            except (ConcurrentChange, StepNotAllowed):
                return  # another runner ended it first; it is not ours to report
            report.exited.append(_row(placement, date=day.isoformat(), reason=reason))
            return
        due = review_due_on(placement)
        if due is not None and due <= as_of:
            report.reviews_due.append(_row(placement, due_on=due.isoformat(),
                                           overdue_days=(as_of - due).days))
        if day <= as_of + timedelta(days=ENDING_SOON_DAYS):
            report.ending_soon.append(_row(placement, ends_on=day.isoformat(), reason=reason))


def _row(placement: Placement, **extra: Any) -> dict[str, Any]:
    return {
        "placement_id": str(placement.id),
        "name": placement.applicant["name"],
        "resident_id": placement.applicant["resident_id"],
        "township": placement.township,
        "village": placement.village,
        **extra,
    }


class DailyScheduler:
    """Runs the scheduler once a day at ``HH:MM`` Asia/Shanghai inside ``postledger serve``,
    reading the time from the application's one clock."""

    def __init__(self, scheduler: Scheduler, at: str, poll_seconds: float = 30) -> None:
        hour, minute = (int(part) for part in at.split(":"))
        self.scheduler = scheduler
        self.at = (hour, minute)
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="daily-scheduler", daemon=True)
        self.last_run: date | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        system = Actor("system", "", "daily")
        while not self._stop.is_set():
            now = self.scheduler.ledger.clock.now()
            if (now.hour, now.minute) >= self.at and self.last_run != now.date():
                with acting_as(system):
                    self.scheduler.run(now.date())
                self.last_run = now.date()
            self._stop.wait(self.poll_seconds)
