"""Given-when-then helpers: a county with a post, and placements walked to any state."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from postledger.domain.actor import Actor, acting_as
from postledger.domain.placement import Placement
from postledger.domain.resident_id import ResidentId
from postledger.infrastructure.clock import BusinessClock
from postledger.workflows.application import PostLedger

COUNTY = "520524"
TOWNSHIP = "chengguan"
VILLAGE = "dongmen"
PATH = f"{COUNTY}/{TOWNSHIP}/{VILLAGE}"

ADMIN = Actor("admin", COUNTY, "root")
COUNTY_STAFF = Actor("county", COUNTY, "li")
TOWNSHIP_STAFF = Actor("township", f"{COUNTY}/{TOWNSHIP}", "wang")
VILLAGE_STAFF = Actor("village", PATH, "zhao")
CLERK = Actor("clerk", PATH, "qian")

SCENARIO_TODAY = BusinessClock.fixed(date(2035, 1, 1))

SIGNED = {"secretary": "罗书记", "member": "潘委员", "worker": "本人"}

# The walk of a placement, step by step, with the dates the scenarios use.
WALK = [
    "applied", "village_approved", "township_approved", "in_publicity", "approved", "trained",
    "active",
]


def person(n: int = 1, birth: date = date(1980, 1, 1), category: str = "lifted",
           household: str | None = None, male: bool = True) -> dict[str, Any]:
    return {
        "name": f"工人{n}",
        "resident_id": ResidentId.compose("520524", birth, 100 + 2 * n + int(male)).value,
        "category": category,
        "phone": f"1380000{n:04d}",
        **({"household_id": household} if household else {}),
    }


class County:
    """An application with one county, one post with a 10-day notice, and helpers."""

    def __init__(self, ledger: PostLedger | None = None, headcount: int = 3) -> None:
        # The scenarios are dated up to 2031: "today" (R-INPUT-2) is after all of them.
        self.ledger = ledger or PostLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
                                           clock=SCENARIO_TODAY)
        self.post_id = self.new_post(headcount=headcount)

    def new_post(self, headcount: int = 3, township: str = TOWNSHIP, village: str = VILLAGE,
                 notice: bool = True) -> UUID:
        with acting_as(COUNTY_STAFF):
            post = self.ledger.create_post(
                county=COUNTY, township=township, village=village, department="交通局",
                kind="road", title="护路员", headcount=headcount, monthly_subsidy_fen=None,
                full_time=False,
            )
            if notice:
                self.ledger.publish_notice(post.id, date=date(2024, 1, 1),
                                           closes_on=date(2024, 1, 10),
                                           conditions="脱贫劳动力", duties="道路养护")
        return post.id

    def placement_in(self, state: str, n: int = 1, post_id: UUID | None = None,
                     birth: date = date(1980, 1, 1), category: str = "lifted",
                     household: str | None = None, male: bool = True) -> Placement:
        """A placement walked through the steps until it is in ``state``."""
        ledger = self.ledger
        who = person(n, birth=birth, category=category, household=household, male=male)
        with acting_as(CLERK):
            p = ledger.apply(post_id or self.post_id, date=date(2024, 1, 5), applicant=who)
        steps = {
            "village_approved": lambda: ledger.village_review(
                p.id, date=date(2024, 1, 6), approve=True, reason=None),
            "township_approved": lambda: ledger.township_review(
                p.id, date=date(2024, 1, 7), approve=True, reason=None),
            "in_publicity": lambda: ledger.start_publicity(p.id, date=date(2024, 1, 8),
                                                           ends_on=None),
            "approved": lambda: ledger.approve(p.id, date=date(2024, 1, 13)),
            "trained": lambda: ledger.train(p.id, date=date(2024, 1, 14), hours=8, topic="安全"),
            "active": lambda: ledger.onboard(p.id, date=date(2024, 1, 15), agreement_end=None),
        }
        for step in WALK[1: WALK.index(state) + 1]:
            with acting_as(ADMIN):
                steps[step]()
        return self.get(p.id)

    def get(self, placement_id: UUID) -> Placement:
        with acting_as(ADMIN):
            return self.ledger.get_placement(placement_id)

    def event_types(self, placement_id: UUID) -> list[str]:
        return [e.type for e in self.ledger.history(placement_id)]
