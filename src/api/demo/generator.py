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
from postledger.api.demo.frauds import DEMO_BACKDATING_DAYS, plant_backdated
from postledger.api.demo.places import (
    COUNTY,
    GIVEN,
    POST_KINDS,
    SURNAMES,
    TOWNSHIPS,
    VILLAGES,
    place_names,
)
from postledger.domain.actor import Actor, acting_as
from postledger.domain.dates import add_months, add_years, month_of
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
) -> DemoSummary:
    if already_loaded(ledger, county):
        return DemoSummary(county=county, loaded=False)
    day = today or ledger.clock.today()
    buffered = BufferedLedger.beside(ledger, day)
    try:
        county_builder = _County(buffered, size or DemoSize(), random.Random(seed), county, day,
                                 progress, batch_events)
        return county_builder.build()
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
        self.edge_approved: dict[str, int] = {}
        self.names = place_names("zh")

    def build(self) -> DemoSummary:
        with acting_as(Actor("admin", self.county, "demo")):
            # The default policy (Huize's tables) with Zhijin's certificate and Changli's
            # training-day tables, so that the demo shows every claim type (RULES.md §6).
            self.ledger.set_policy(self.county, self.start - timedelta(days=90), {
                "backdating_days": DEMO_BACKDATING_DAYS,
                "subsidies": {"certificate": ZHIJIN_CERTIFICATE,
                              "training_days": CHANGLI_TRAINING_DAYS}})
        total = self.size.placements
        done = 0
        seats = self._seats_by_village()
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
        with acting_as(Actor("county", self.county, "县人社局 李")):
            for kind, department, title, _ in POST_KINDS:
                headcount = kinds.count(kind)
                if not headcount:
                    continue
                post = self.ledger.create_post(
                    county=self.county, township=township, village=village,
                    department=department, kind=kind, title=title,
                    headcount=headcount, monthly_subsidy_fen=None, full_time=False)
                self.ledger.publish_notice(
                    post.id, date=self.start - timedelta(days=30),
                    closes_on=self.start - timedelta(days=15),
                    conditions="建档立卡脱贫劳动力或监测对象，身体健康", duties=f"{title}日常工作")
                posts.append((post.id, headcount))
        self.summary.posts += len(posts)
        return posts

    # ------------------------------------------------------------------ people
    def _rid(self, birth_from: int = 1962, birth_to: int = 1998) -> str:
        while True:
            birth = date(self.rng.randint(birth_from, birth_to), self.rng.randint(1, 12),
                         self.rng.randint(1, 28))
            rid = ResidentId.compose(self.county, birth, self.rng.randint(0, 999)).value
            if rid not in self.people:
                self.people.add(rid)
                return rid

    def _applicant(self, township: str, village: str) -> dict[str, str]:
        name = self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, self.rng.choice((1, 2))))
        phone = f"1{self.rng.randint(3, 9)}{self.rng.randint(0, 999_999_999):09d}"
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
        planted = self._plant(stop, applicant)
        walk = _Walk(self, township, village, post_id, applicant, planted)
        state = walk.to(stop)
        self.summary.placements += 1
        self.summary.states[state] = self.summary.states.get(state, 0) + 1
        if planted:
            self.summary.planted.setdefault(planted, []).append(str(walk.placement_id))

    def _plant(self, stop: str, applicant: dict[str, str]) -> str | None:
        """A handful of frauds that the service lets through because they are only visible
        across records: a phone shared by two people (R-FRAUD-3), the same attendance month
        after month with no annual review (R-FRAUD-7)."""
        if stop != "active":
            return None
        planted = self.summary.planted
        if len(planted.get("R-FRAUD-3", [])) < 3 and len(self.phones) > 5 and self.rng.random() < 0.2:
            applicant["phone"] = self.phones[self.rng.randrange(len(self.phones) - 1)]
            return "R-FRAUD-3"
        if len(planted.get("R-FRAUD-7", [])) < 3 and self.rng.random() < 0.15:
            return "R-FRAUD-7"
        return None


class _Walk:
    """One placement taken through its steps in date order, each by the role that takes it."""

    def __init__(self, county: _County, township: str, village: str, post_id: UUID,
                 applicant: dict[str, str], planted: str | None) -> None:
        self.c, self.ledger, self.rng = county, county.ledger, county.rng
        self.post_id, self.applicant, self.planted = post_id, applicant, planted
        path = f"{county.county}/{township}/{village}"
        self.clerk = Actor("clerk", path, f"{village} 文书")
        self.village = Actor("village", path, f"{village} 村委 罗")
        self.township = Actor("township", f"{county.county}/{township}", f"{township} 乡镇 潘")
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
            self.ledger.onboard(pid, date=day, agreement_end=None)
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
