"""Fuzzing the placement workflow (hypothesis stateful testing): random step sequences by any
role, on any date, in any order, against the application service on the in-memory store.

After every step the invariants hold: the state moved only along an allowed transition (or did
not move, and nothing was recorded, when the step was refused); a month is paid at most once;
no month is paid outside the active span (from onboarding to exit); a post never has more
active placements than its headcount; and the state rebuilt from the events is the state held.
A refusal is always a ``PostLedgerError`` (a 4xx); anything else fails the test."""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from postledger.domain.actor import Actor, acting_as
from postledger.domain.errors import PostLedgerError
from postledger.domain.placement import Placement
from postledger.domain.placement_flow import PlacementState, allowed_steps, next_state
from tests.scenario import COUNTY, PATH, SIGNED, TOWNSHIP, WALK, County, person

HEADCOUNT = 2
ROLES = ("clerk", "village", "township", "county", "inspector", "admin")
JURISDICTION = {"clerk": PATH, "village": PATH, "township": f"{COUNTY}/{TOWNSHIP}",
                "county": COUNTY, "inspector": COUNTY, "admin": COUNTY}
LAST_DAY = date(2026, 11, 30)
days = st.dates(min_value=date(2023, 12, 1), max_value=LAST_DAY)
months = st.builds(lambda d: d.strftime("%Y-%m"), days)
actors = st.one_of(st.sampled_from(ROLES), st.just("admin")).map(
    lambda role: Actor(role, JURISDICTION[role], f"{role}-1"))
COMMAND = {
    "village_approve": "village-review", "village_reject": "village-review",
    "township_approve": "township-review", "township_reject": "township-review",
    "start_publicity": "publicity", "raise_objection": "objections",
    "uphold_objection": "resolution", "dismiss_last_objection": "resolution",
    "dismiss_objection": "resolution", "approve": "approval", "train": "training",
    "onboard": "onboarding", "record_attendance": "attendance", "pay": "payments",
    "warn": "warnings", "pass_review": "annual-review", "fail_review": "annual-review",
    "exit": "exit", "withdraw": "withdrawal",
}


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")


class PlacementWorkflow(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.county = County(headcount=HEADCOUNT)
        self.ledger = self.county.ledger
        self.ids: list[UUID] = []

    # ------------------------------------------------------------------ steps
    @initialize(starts=st.lists(st.sampled_from(WALK) | st.just("active"), min_size=1,
                                max_size=3))
    def placements_walked_to_any_state(self, starts: list[str]) -> None:
        """Given placements at any step of the walk (tests/scenario.py), so that random
        sequences start deep in a placement's life as often as at its application."""
        for n, state in enumerate(starts, start=1):
            if state == "active" and n > HEADCOUNT:
                state = "trained"  # the post has no seat left for it
            placement = self.county.placement_in(state, n=n)
            self.ids.append(placement.id)
            if state == "active":  # with six months of signed attendance, ready to be paid
                with acting_as(Actor("village", PATH, "village-1")):
                    for month in range(1, 7):
                        self.ledger.record_attendance(
                            placement.id, date=date(2024, 7, 1), month=f"2024-{month:02d}",
                            days_worked=20, signatures=SIGNED)

    @rule(who=actors, n=st.integers(1, 5), day=days)
    def apply(self, who: Actor, n: int, day: date) -> None:
        with acting_as(who), contextlib.suppress(PostLedgerError):  # refused: nothing recorded
            self.ids.append(
                self.ledger.apply(self.county.post_id, date=day, applicant=person(n)).id)

    @rule(who=actors, data=st.data())
    def step(self, who: Actor, data: st.DataObject) -> None:
        if not self.ids:
            return
        live = [p.id for p in self._all() if not p.is_ended] or self.ids
        placement = data.draw(st.one_of(st.sampled_from(self.ids), *[st.sampled_from(live)] * 3))
        before = self._placement(placement)
        # Any date, but mostly soon after the last step, so that long lives get explored.
        soon = st.integers(0, 40).map(lambda k: min(before.last_date + timedelta(k), LAST_DAY))
        day = data.draw(st.one_of(days, soon, soon, soon))
        commands = self._commands(before, day, data)
        allowed = sorted({COMMAND[t] for t in allowed_steps(before.state) if t in COMMAND})
        # Any step, but mostly one the state allows, and mostly one that moves it forward.
        forward = [n for n in allowed if n not in ("withdrawal", "exit")] or ["exit"]
        name = data.draw(st.one_of(st.sampled_from(sorted(commands)),
                                   st.sampled_from(allowed or ["exit"]),
                                   *[st.sampled_from(forward)] * 4))
        command = commands[name]
        with acting_as(who):
            try:
                command()
            except PostLedgerError as refused:
                event(f"refused {name} in {before.state.value}: {refused.rule}")
                after = self._placement(placement)
                assert after.state == before.state and after.version == before.version, name
                return
        after = self._placement(placement)
        event(f"{name} took {before.state.value} to {after.state.value}")
        reachable = {next_state(before.state, trigger) for trigger in allowed_steps(before.state)}
        assert after.state == before.state or after.state in reachable, \
            f"{name}: {before.state} -> {after.state}"

    @rule(data=st.data(), as_of=days | st.just(LAST_DAY))
    def automatic_process(self, data: st.DataObject, as_of: date) -> None:
        """The scheduler's own reading (src/workflows/scheduler.py): end what is due."""
        p = self._placement(data.draw(st.sampled_from(self.ids)))
        ends = p.automatic_end(self.ledger.terms(p.county, as_of))
        if ends is None or ends[0] > as_of:
            return
        with acting_as(Actor("system", "", "scheduler")):
            self.ledger.end_automatically(p.id, day=ends[0], reason=ends[1])

    def _commands(self, p: Placement, day: date, data: st.DataObject) -> dict[str, Any]:
        ledger, pid = self.ledger, p.id
        draw = data.draw
        yes = st.sampled_from([True, True, True, False])
        served = st.integers(-1, 8).map(lambda k: month_of(day - timedelta(days=31 * k)))
        attended = st.sampled_from(sorted(p.attendance)) if p.attendance else served
        month = st.one_of(months, served, attended, attended)
        return {
            "village-review": lambda: ledger.village_review(
                pid, date=day, approve=draw(yes), reason="理由"),
            "township-review": lambda: ledger.township_review(
                pid, date=day, approve=draw(yes), reason="理由"),
            "publicity": lambda: ledger.start_publicity(pid, date=day, ends_on=None),
            "objections": lambda: ledger.raise_objection(
                pid, date=day, raised_by="村民", text="不符合条件"),
            "resolution": lambda: ledger.resolve_objection(
                pid, draw(st.sampled_from([*p.objections, "none"])), date=day,
                upheld=not draw(yes), reason="核实"),
            "approval": lambda: ledger.approve(pid, date=day),
            "training": lambda: ledger.train(pid, date=day, hours=8, topic="安全"),
            "onboarding": lambda: ledger.onboard(pid, date=day, agreement_end=None),
            "attendance": lambda: ledger.record_attendance(
                pid, date=day, month=draw(month), days_worked=draw(st.integers(0, 31)),
                signatures=SIGNED),
            "payments": lambda: ledger.pay(pid, date=day, month=draw(month),
                                           amount_fen=draw(st.none() | st.integers(0, 60_000))),
            "warnings": lambda: ledger.warn(pid, date=day, reason="缺勤"),
            "annual-review": lambda: ledger.annual_review(
                pid, date=day, year=draw(st.integers(2023, 2026)), passed=draw(yes),
                worker_signed=draw(yes)),
            "exit": lambda: ledger.leave(
                pid, date=day, reason=draw(st.sampled_from(["dismissed", "resigned", "died"])),
                ground=draw(st.none() | st.integers(1, 5))),
            "withdrawal": lambda: ledger.withdraw(pid, date=day),
        }

    def _placement(self, placement_id: UUID) -> Placement:
        with acting_as(Actor("admin", "", "fuzz")):
            return self.ledger.get_placement(placement_id)

    def _all(self) -> list[Placement]:
        return [self._placement(pid) for pid in self.ids]

    # ------------------------------------------------------------------ invariants
    @invariant()
    def a_month_is_paid_at_most_once_and_only_while_active(self) -> None:
        for p in self._all():
            paid = Counter(e.month for e in self.ledger.events.get(p.id)
                           if type(e).__name__ == "Paid")  # type: ignore[attr-defined]
            assert all(count == 1 for count in paid.values()), paid
            if not paid:
                continue
            assert p.onboarded_on is not None
            first = month_of(p.onboarded_on)
            last = month_of(p.exit["date"]) if p.exit else "9999-12"
            assert all(first <= month <= last for month in paid), (first, last, sorted(paid))

    @invariant()
    def never_more_active_placements_than_headcount(self) -> None:
        active = [p for p in self._all() if p.state == PlacementState.ACTIVE]
        assert len(active) <= HEADCOUNT
        with acting_as(Actor("admin", "", "fuzz")):
            post = self.ledger.get_post(self.county.post_id)
        assert len(post.occupants) <= HEADCOUNT
        assert {p.id for p in active} <= set(post.occupants)

    @invariant()
    def state_is_what_the_events_say(self) -> None:
        for p in self._all():
            replayed = self.ledger.repository.get(p.id, version=p.version)
            assert replayed.state == p.state


TestPlacementWorkflow = PlacementWorkflow.TestCase
# Bounded in `make test`; `make soak` runs many more (POSTLEDGER_FUZZ_EXAMPLES).
TestPlacementWorkflow.settings = settings(
    max_examples=int(os.environ.get("POSTLEDGER_FUZZ_EXAMPLES", "25")), stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
