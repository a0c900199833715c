"""One demo placement taken through its steps in date order, each by the role that takes it,
up to the step it stops at; active and exited ones with their months of attendance, pay and
annual reviews (generator.py decides who stops where and what is planted)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from postledger.api.demo.frauds import (
    SHORT_PUBLICITY_DAYS,
    township_reviewer,
    village_clerk,
    village_reviewer,
)
from postledger.domain.actor import Actor, acting_as
from postledger.domain.dates import add_months, add_years, month_of

if TYPE_CHECKING:
    from postledger.api.demo.generator import _County


class Walk:
    """One placement taken through its steps in date order, each by the role that takes it."""

    def __init__(self, county: _County, township: str, village: str, post_id: UUID,
                 applicant: dict[str, str], planted: str | None) -> None:
        self.c, self.ledger, self.rng = county, county.ledger, county.rng
        self.post_id, self.applicant, self.planted = post_id, applicant, planted
        self.agreement_end: date | None = None  # the term's end unless set
        path = f"{county.county}/{township}/{village}"
        self.clerk = Actor("clerk", path, village_clerk(village))
        self.village = Actor("village", path, village_reviewer(village))
        self.township = Actor("township", f"{county.county}/{township}",
                              township_reviewer(township))
        self.county_staff = Actor("county", county.county, "县人社局 李")
        self.placement_id = UUID(int=0)

    def to(self, stop: str) -> str:
        today = self.c.today
        long_ago = stop in ("active", "exited")
        day = (self.c.start + timedelta(days=self.rng.randint(5, 30)) if long_ago
               else today - timedelta(days=self.rng.randint(16, 24)))
        with acting_as(self.clerk):
            self.placement_id = self.ledger.apply(self.post_id, date=day,
                                                  applicant=self.applicant).id
        pid = self.placement_id
        if stop == "withdrawn":
            with acting_as(self.township):
                return self.ledger.withdraw(pid, date=day + timedelta(days=3)).state.value
        if stop == "applied":
            return "applied"
        day += timedelta(days=2)
        with acting_as(self.village):
            rejected = stop == "rejected"
            self.ledger.village_review(pid, date=day, approve=not rejected,
                                       reason="家庭人均收入超过监测标准" if rejected else None)
        if stop in ("village_approved", "rejected"):
            return stop
        day += timedelta(days=2)
        with acting_as(self.township):
            self.ledger.township_review(pid, date=day, approve=True, reason=None)
            if stop == "township_approved":
                return stop
            if stop in ("in_publicity", "objection_pending"):  # publicity still running
                day = today - timedelta(days=2)
            day += timedelta(days=1)
            if self.planted == "R-FRAUD-4":  # as an installation not checking R-PUB-1 did
                with self.ledger.relaxed(publicity_days=SHORT_PUBLICITY_DAYS):
                    placement = self.ledger.start_publicity(pid, date=day, ends_on=None)
            else:
                placement = self.ledger.start_publicity(pid, date=day, ends_on=None)
        if stop == "in_publicity":
            return stop
        if stop == "objection_pending":
            with acting_as(self.clerk):
                self.ledger.raise_objection(pid, date=today, raised_by="村民（匿名）",
                                            text="申请人家庭有人在外务工，收入较高，请核实")
            return stop
        ends_on: date = (placement.publicity or {})["ends_on"]
        if stop == "publicity_ended":
            return "in_publicity"
        with acting_as(self.township):
            day = ends_on
            self.ledger.approve(pid, date=day)
            if stop == "approved":
                return stop
            day += timedelta(days=2)
            self.ledger.train(pid, date=day, hours=8, topic="岗前安全与职责培训")
            if stop == "trained":
                return stop
            day += timedelta(days=3)
            self.ledger.onboard(pid, date=day, agreement_end=self.agreement_end)
        return self._working_life(day, stop)

    def _working_life(self, onboarded: date, stop: str) -> str:
        today = self.c.today
        last_month = add_months(today.replace(day=1), -1)
        exit_on = add_months(today, -6) if stop == "exited" else None
        tail = self.rng.random()  # the last month: signed and paid, only signed, or neither
        identical = self.planted == "R-FRAUD-7"
        first_anniversary = add_years(onboarded, 1)
        month = onboarded.replace(day=1)
        actions: list[tuple[date, int, Callable[[], object]]] = []
        while month <= last_month:
            label = month_of(month)
            signed_on = min(add_months(month, 1).replace(day=3), today)
            paid_on = min(add_months(month, 1).replace(day=20), today)
            if exit_on and paid_on >= exit_on:
                break
            is_last = month == last_month
            if not (is_last and tail < 0.25):
                days = 22 if identical else self.rng.randint(18, 23)
                actions.append((signed_on, 0, self._attendance(label, signed_on, days)))
                # R-REV-1: no pay for months after a missed annual review's grace period.
                unreviewed = identical and month > first_anniversary + timedelta(days=30)
                if not (is_last and tail < 0.5) and not unreviewed:
                    actions.append((paid_on, 1, self._payment(label, paid_on)))
            month = add_months(month, 1)
        if not identical:
            anniversary = first_anniversary
            while anniversary + timedelta(days=7) <= min(today, exit_on or today):
                on = anniversary + timedelta(days=7)
                actions.append((on, 0, self._review(anniversary.year, on)))
                anniversary = add_years(anniversary, 1)
        if exit_on:
            actions.append((exit_on, 2, self._exit(exit_on)))
        for _, _, act in sorted(actions, key=lambda a: (a[0], a[1])):
            act()
        return "exited" if exit_on else "active"

    def _attendance(self, month: str, on: date, days: int) -> Callable[[], object]:
        signatures = {"secretary": "村支书 罗", "member": "村委 潘", "worker": self.applicant["name"]}

        def sign() -> object:
            with acting_as(self.village):
                return self.ledger.record_attendance(self.placement_id, date=on, month=month,
                                                     days_worked=days, signatures=signatures)
        return sign

    def _payment(self, month: str, on: date) -> Callable[[], object]:
        def pay() -> object:
            with acting_as(self.county_staff):
                return self.ledger.pay(self.placement_id, date=on, month=month, amount_fen=None)
        return pay

    def _review(self, year: int, on: date) -> Callable[[], object]:
        def review() -> object:
            with acting_as(self.township):
                return self.ledger.annual_review(self.placement_id, date=on, year=year,
                                                 passed=True, worker_signed=True)
        return review

    def _exit(self, on: date) -> Callable[[], object]:
        def leave() -> object:
            with acting_as(self.township):
                return self.ledger.leave(self.placement_id, date=on, reason="resigned",
                                         ground=None)
        return leave
