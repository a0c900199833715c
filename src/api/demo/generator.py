"""The demo county: posts of every R-POST-1 kind in the plan's proportions, placements at every
step, two years of attendance and payments, claims of every type and planted frauds.

Everything is built with the application service's own commands in memory (``BufferedLedger``)
and saved in as few transactions as ``batch_events`` allows: the default demo is one
transaction, so a failed load leaves nothing behind and loading again loads it whole.
Dates are relative to ``today`` (default: today in Asia/Shanghai) so that work queues are
current; give ``today`` and ``seed`` to generate the same county again.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from postledger.api.demo.buffer import BufferedLedger
from postledger.api.demo.claims import submit_claims
from postledger.api.demo.frauds import Household, plant_backdated, register_officials
from postledger.api.demo.legacy import import_old_ledger, old_workers
from postledger.api.demo.places import (
    COUNTY,
    GIVEN,
    POST_KINDS,
    SURNAMES,
    TOWNSHIPS,
    VILLAGES,
    place_names,
)
from postledger.api.demo.tamper import raise_attendance
from postledger.api.demo.walk import Walk
from postledger.domain.actor import Actor, acting_as
from postledger.domain.dates import add_months, add_years
from postledger.domain.presets import CHANGLI_TRAINING_DAYS, ZHIJIN_CERTIFICATE
from postledger.domain.resident_id import ResidentId
from postledger.workflows.application import PostLedger

Progress = Callable[[int, int], None]

# What happens to placements that do not become active, in turn (every step of R-FLOW-1).
OTHER_STOPS = [
    "applied", "village_approved", "township_approved", "in_publicity", "publicity_ended",
    "objection_pending", "approved", "trained", "rejected", "exited", "withdrawn",
]
ACTIVE_SHARE = 0.6
# Planted among the active placements in turn, each up to its count (the rest in frauds.py,
# legacy.py and tamper.py), so that even a small demo has every R-FRAUD kind.
PLANT_TURNS: list[str | None] = ["R-FRAUD-4", None, "R-FRAUD-5", None, "R-FRAUD-7", "R-FRAUD-3",
                                 None, None]
PLANT_COUNTS = {"R-FRAUD-3": 3, "R-FRAUD-4": 1, "R-FRAUD-5": 2, "R-FRAUD-7": 3}


@dataclass(frozen=True)
class DemoSize:
    townships: int = 3
    villages_per_township: int = 3
    placements_per_village: int = 8

    @property
    def placements(self) -> int:
        return self.townships * self.villages_per_township * self.placements_per_village


@dataclass
class DemoSummary:
    county: str
    loaded: bool
    posts: int = 0
    placements: int = 0
    claims: int = 0
    events: int = 0
    states: dict[str, int] = field(default_factory=dict)
    planted: dict[str, list[str]] = field(default_factory=dict)

    def __str__(self) -> str:
        if not self.loaded:
            return f"county {self.county} already holds the demo; nothing loaded"
        planted = ", ".join(f"{rule} ×{len(ids)}" for rule, ids in sorted(self.planted.items()))
        return (f"{self.posts} posts, {self.placements} placements, {self.claims} claims, "
                f"{self.events} events in county {self.county}; planted: {planted}")


def already_loaded(ledger: PostLedger, county: str = COUNTY) -> bool:
    """The demo sets the county's policy; a county with one is never loaded over."""
    return ledger.policy(county) is not None


def load_demo(
    ledger: PostLedger,
    *,
    size: DemoSize | None = None,
    seed: int = 520524,
    county: str = COUNTY,
    today: date | None = None,
    progress: Progress | None = None,
    batch_events: int = 200_000,
    tamper: bool = True,
) -> DemoSummary:
    """Load the demo county once. ``tamper`` (R-FRAUD-8) changes one stored event after the
    load, so the tamper check finds it; benchmarks that time the check may leave it out."""
    if already_loaded(ledger, county):
        return DemoSummary(county=county, loaded=False)
    day = today or ledger.clock.today()
    buffered = BufferedLedger.beside(ledger, day)
    try:
        county_builder = _County(buffered, size or DemoSize(), random.Random(seed), county, day,
                                 progress, batch_events)
        summary = county_builder.build()
        if tamper and county_builder.to_tamper is not None:
            version = raise_attendance(buffered, county_builder.to_tamper)
            if version is not None:
                summary.planted["R-FRAUD-8"] = [str(county_builder.to_tamper)]
        return summary
    finally:
        buffered.close()


class _County:
    def __init__(self, ledger: BufferedLedger, size: DemoSize, rng: random.Random, county: str,
                 today: date, progress: Progress | None, batch_events: int) -> None:
        if size.townships > len(TOWNSHIPS) or size.villages_per_township > len(VILLAGES):
            raise ValueError(f"at most {len(TOWNSHIPS)} townships of {len(VILLAGES)} villages")
        self.ledger, self.size, self.rng, self.county = ledger, size, rng, county
        self.today, self.progress, self.batch_events = today, progress, batch_events
        self.start = add_months(today.replace(day=1), -26)
        self.summary = DemoSummary(county=county, loaded=True)
        self.people: set[str] = set()
        self.phones: list[str] = []
        self.other_stop = 0
        self.active = 0
        self.to_tamper: UUID | None = None
        self.tampered_exited = False
        self.households: dict[tuple[str, str], Household] = {}
        self.edge_approved: dict[str, int] = {}
        self.names = place_names("zh")

    def build(self) -> DemoSummary:
        with acting_as(Actor("admin", self.county, "demo")):
            # The default policy (Huize's tables) with Zhijin's certificate and Changli's
            # training-day tables, so that the demo shows every claim type (RULES.md §6).
            self.ledger.set_policy(self.county, self.start - timedelta(days=90), {
                "subsidies": {"certificate": ZHIJIN_CERTIFICATE,
                              "training_days": CHANGLI_TRAINING_DAYS}})
        total = self.size.placements
        done = 0
        seats = self._seats_by_village()
        self.households = register_officials(
            self.ledger, self.county, list(seats), self.names, self._rid,
            self.start - timedelta(days=60))
        for township, _, _ in TOWNSHIPS[: self.size.townships]:
            for village, _, _ in VILLAGES[: self.size.villages_per_township]:
                posts = self._posts(township, village, seats[(township, village)])
                for n in range(self.size.placements_per_village):
                    self._placement(township, village, posts, n)
                    done += 1
                    self._report(done, total)
                if self.ledger.pending_events() >= self.batch_events:
                    self.summary.events += self.ledger.flush()
        township, village = TOWNSHIPS[0][0], VILLAGES[0][0]
        backdated = plant_backdated(self.ledger, self.county, township, village,
                                    self._applicant(township, village), self.today)
        self.summary.planted["R-FRAUD-9"] = [str(backdated)]
        # The old ledger of a village, kept before the service, imported last month.
        village = VILLAGES[min(1, self.size.villages_per_township - 1)][0]
        workers = old_workers(self._name, self._rid, self._phone)
        imported = import_old_ledger(self.ledger, self.county, township, village,
                                     add_months(self.start, -12), workers, self.rng,
                                     self.today - timedelta(days=30))
        for rule, ids in imported.items():
            self.summary.planted.setdefault(rule, []).extend(ids)
        townships = [t for t, _, _ in TOWNSHIPS[: self.size.townships]]
        self.summary.claims = submit_claims(  # claimants of working age, far from retirement
            self.ledger, self.county, self.today, lambda: self._rid(1978, 1998), townships)
        self.summary.events += self.ledger.flush()
        self._report(total, total)
        return self.summary

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    # ------------------------------------------------------------------ posts
    def _seats_by_village(self) -> dict[tuple[str, str], list[str]]:
        """R-POST-1: the county's seats split among the kinds in the plan's proportions (largest
        remainder), then dealt to the villages in turn, so each village has its share."""
        villages = [(t, v) for t, _, _ in TOWNSHIPS[: self.size.townships]
                    for v, _, _ in VILLAGES[: self.size.villages_per_township]]
        seats = max(len(POST_KINDS), round(self.size.placements * 1.25))
        planned = sum(k[3] for k in POST_KINDS)
        shares = [(kind, seats * n / planned) for kind, _, _, n in POST_KINDS]
        headcounts = {kind: int(share) for kind, share in shares}
        by_remainder = sorted(shares, key=lambda s: s[1] - int(s[1]), reverse=True)
        for kind, _ in by_remainder[: seats - sum(headcounts.values())]:
            headcounts[kind] += 1
        dealt: dict[tuple[str, str], list[str]] = {place: [] for place in villages}
        all_seats = [kind for kind, _, _, _ in POST_KINDS for _ in range(headcounts[kind])]
        for n, kind in enumerate(all_seats):
            dealt[villages[n % len(villages)]].append(kind)
        return dealt

    def _posts(self, township: str, village: str, kinds: list[str]) -> list[tuple[UUID, int]]:
        """One post per kind dealt to the village, its headcount the seats of that kind."""
        posts: list[tuple[UUID, int]] = []
        notice_on = self.start - timedelta(days=30)
        with acting_as(Actor("county", self.county, "县人社局 李")), \
                self.ledger.recording_on(notice_on):
            for kind, department, title, _ in POST_KINDS:
                headcount = kinds.count(kind)
                if not headcount:
                    continue
                post = self.ledger.create_post(
                    county=self.county, township=township, village=village,
                    department=department, kind=kind, title=title,
                    headcount=headcount, monthly_subsidy_fen=None, full_time=False)
                self.ledger.publish_notice(
                    post.id, date=notice_on,
                    closes_on=self.start - timedelta(days=15),
                    conditions="建档立卡脱贫劳动力或监测对象，身体健康", duties=f"{title}日常工作")
                posts.append((post.id, headcount))
        self.summary.posts += len(posts)
        return posts

    # ------------------------------------------------------------------ people
    def _near_retirement_woman(self) -> str:
        """A woman of 47, under 5 years from the statutory retirement age of 50 (R-EXIT-2)."""
        while True:
            birth = add_years(self.today, -47) - timedelta(days=self.rng.randint(30, 300))
            rid = ResidentId.compose(self.county, birth, 2 * self.rng.randint(0, 499)).value
            if rid not in self.people:
                self.people.add(rid)
                return rid

    def _rid(self, birth_from: int = 1962, birth_to: int = 1998) -> str:
        while True:
            birth = date(self.rng.randint(birth_from, birth_to), self.rng.randint(1, 12),
                         self.rng.randint(1, 28))
            rid = ResidentId.compose(self.county, birth, self.rng.randint(0, 999)).value
            if rid not in self.people:
                self.people.add(rid)
                return rid

    def _name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, self.rng.choice((1, 2))))

    def _phone(self) -> str:
        return f"1{self.rng.randint(3, 9)}{self.rng.randint(0, 999_999_999):09d}"

    def _applicant(self, township: str, village: str) -> dict[str, str]:
        name = self._name()
        phone = self._phone()
        self.phones.append(phone)
        return {
            "name": name, "resident_id": self._rid(), "phone": phone,
            "category": self.rng.choice(["lifted", "lifted", "not_lifted", "edge"]),
            "address": f"{self.names[township]}{self.names[village]}{self.rng.randint(1, 40)}组",
            "health": "健康", "labour_ability": "有劳动能力", "skills": "",
        }

    # ------------------------------------------------------------------ placements
    def _placement(self, township: str, village: str,
                   posts: list[tuple[UUID, int]], n: int) -> None:
        active_here = round(self.size.placements_per_village * ACTIVE_SHARE)
        if n < active_here:
            stop = "active"
        else:
            stop = OTHER_STOPS[self.other_stop % len(OTHER_STOPS)]
            self.other_stop += 1
        # Seats: the first placements of a village fill posts in turn, never over headcount.
        seat_owner = [pid for pid, count in posts for _ in range(count)]
        post_id = seat_owner[n % len(seat_owner)]
        applicant = self._applicant(township, village)
        if applicant["category"] == "edge" and stop in ("active", "exited", "approved", "trained"):
            # R-ELIG-3: a township's edge households stay under the cap (5 by default).
            if self.edge_approved.get(township, 0) >= 2:
                applicant["category"] = "lifted"
            else:
                self.edge_approved[township] = self.edge_approved.get(township, 0) + 1
        planted = self._plant(stop, applicant, township, village)
        walk = Walk(self, township, village, post_id, applicant, planted)
        if stop == "active" and planted is None and (self.active - 1) % len(PLANT_TURNS) == 1:
            # An agreement ending within R-EXIT-2's 60 days, of a woman near retirement age:
            # the county decides on an extension (the extensions page).
            walk.agreement_end = self.today + timedelta(days=30)
            applicant["resident_id"] = self._near_retirement_woman()
        state = walk.to(stop)
        # R-FRAUD-8, once saved (tamper.py): a worker's history that has ended, or else a
        # working one, neither planted with anything else.
        if planted is None and state in ("exited", "active") and (
                self.to_tamper is None or (state == "exited" and not self.tampered_exited)):
            self.to_tamper, self.tampered_exited = walk.placement_id, state == "exited"
        self.summary.placements += 1
        self.summary.states[state] = self.summary.states.get(state, 0) + 1
        if planted:
            self.summary.planted.setdefault(planted, []).append(str(walk.placement_id))

    def _plant(self, stop: str, applicant: dict[str, str], township: str,
               village: str) -> str | None:
        """Frauds the service lets through because they are only visible across records: a
        phone shared by two people (R-FRAUD-3), an approval by an official of the applicant's
        own household (R-FRAUD-5, 优亲厚友), the same attendance month after month with no
        annual review (R-FRAUD-7); and an approval after a short publicity (R-FRAUD-4)."""
        if stop != "active":
            return None
        turn = PLANT_TURNS[self.active % len(PLANT_TURNS)]
        self.active += 1
        planted = self.summary.planted
        if turn is None or len(planted.get(turn, [])) >= PLANT_COUNTS[turn]:
            return None
        if turn == "R-FRAUD-3":
            if len(self.phones) < 2:
                return None
            applicant["phone"] = self.phones[self.rng.randrange(len(self.phones) - 1)]
            self.phones[-1] = applicant["phone"]  # never copied again as if someone's own
        if turn == "R-FRAUD-5":
            household = self.households[(township, village)]
            applicant.update(household_id=household.household_id, address=household.address,
                             category="lifted")
        return turn
