"""A synthetic province for the benchmark: posts and placements over three years.

Everything is recorded through the application service's own commands (authorisation, rules,
index aggregates, seats), so the store holds what users would have produced; only the saving
is batched: ``BulkLedger`` collects what a run of commands touched and saves it in one
``save()`` (one transaction), which is how a province can be generated in minutes.

Shape, per 1,000 placements: one county of 10 townships of 5 villages, 2 posts per village.
Onboarding months are spread evenly over the 36 months 2023-12 … 2026-11; every active
placement has signed attendance and a payment for each month up to 2026-10 (the bench's
monthly ledger then records 2026-11), an annual review at each anniversary, and one in twenty
resigns. Any count works (the last county is simply smaller).

When ``postledger.api.demo`` offers a parametric generator (``generate(ledger, size=, seed=)``)
``generate`` below uses it instead, so the bench and the demo share one province.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from postledger.api import demo
from postledger.domain.actor import Actor, acting_as
from postledger.domain.policy import Policy
from postledger.domain.resident_id import ResidentId
from postledger.workflows.application import PostLedger

PER_COUNTY = 1000
TOWNSHIPS = 10
VILLAGES = 5
POSTS_PER_VILLAGE = 2
PER_POST = PER_COUNTY // (TOWNSHIPS * VILLAGES * POSTS_PER_VILLAGE)  # 10
HEADCOUNT = 12  # room for those who replace a resigned worker
FIRST_MONTH = date(2023, 12, 1)
MONTHS = 36  # 2023-12 … 2026-11
LEDGER_MONTH = "2026-11"  # recorded by the bench's monthly ledger, not by the generator
BATCH = 100  # placements whose whole history goes into one save()
ADMIN = Actor("admin", "", "bench")
SIGNATURES = {"secretary": "村支书", "member": "村委委员", "worker": "本人"}


class BulkLedger(PostLedger):
    """PostLedger whose commands keep what they touched until ``flush`` saves it all at once.

    Only for generating data: a command that fails leaves its aggregates half-changed in the
    batch, which the generator never lets happen (any error stops it)."""

    name = PostLedger.name  # the same event tables as the service (the name picks them)

    def __init__(self, env: dict[str, str]) -> None:
        super().__init__(env=env)
        self._pending: dict[UUID, Any] = {}
        self._policies: dict[str, Policy | None] = {}

    def _save(self, *aggregates: Any) -> None:
        for aggregate in aggregates:
            if aggregate is not None:
                self._pending[aggregate.id] = aggregate

    def _get_or_none(self, aggregate_id: UUID) -> Any:
        if aggregate_id in self._pending:
            return self._pending[aggregate_id]
        return super()._get_or_none(aggregate_id)

    def _get(self, cls: type[Any], aggregate_id: UUID, what: str) -> Any:
        found = self._pending.get(aggregate_id)
        if isinstance(found, cls):
            return found
        return super()._get(cls, aggregate_id, what)

    def policy(self, county: str) -> Policy | None:
        # Policies do not change while a province is generated: read each county's once.
        if county not in self._policies:
            self._policies[county] = super().policy(county)
        return self._policies[county]

    def flush(self) -> int:
        """Save everything touched since the last flush in one transaction; returns events."""
        if not self._pending:
            return 0
        recordings = self.save(*self._pending.values())
        self._pending.clear()
        return len(recordings)


@dataclass
class Province:
    size: int
    events: int = 0


def county_code(n: int) -> str:
    """A six-digit region code in Guizhou (52): prefecture ``n // 30``, county ``n % 30``."""
    return f"52{n // 30 + 1:02d}{n % 30 + 1:02d}"


def month_start(index: int) -> date:
    year, month = divmod(FIRST_MONTH.month - 1 + index, 12)
    return date(FIRST_MONTH.year + year, month + 1, 1)


def generate(ledger: BulkLedger, size: int, seed: int = 15) -> Province:
    parametric = getattr(demo, "generate", None)
    if parametric is not None:  # the demo's own generator, once it has one
        result: Province = parametric(ledger, size=size, seed=seed)
        return result
    rng = random.Random(seed)
    province = Province(size=size)
    posts: dict[str, list[UUID]] = {}
    with acting_as(ADMIN):
        for start in range(0, size, BATCH):
            for n in range(start, min(size, start + BATCH)):
                _placement(ledger, posts, rng, n)
            province.events += ledger.flush()
    return province


def _post(ledger: BulkLedger, posts: list[UUID], county: str, wanted: int) -> UUID:
    """The county's post number ``wanted``, creating the posts up to it (in order)."""
    while len(posts) <= wanted:
        key = len(posts)
        t, rest = divmod(key, VILLAGES * POSTS_PER_VILLAGE)
        v = rest // POSTS_PER_VILLAGE
        post = ledger.create_post(county=county, township=f"t{t}", village=f"v{v}",
                                  department="交通局", kind="road", title=f"护路员 {t}-{v}-{key}",
                                  headcount=HEADCOUNT, monthly_subsidy_fen=None, full_time=False)
        ledger.publish_notice(post.id, date=date(2023, 10, 1), closes_on=date(2023, 10, 15),
                              conditions="脱贫劳动力", duties="道路巡查")
        posts.append(post.id)
    return posts[wanted]


def _placement(ledger: BulkLedger, posts: dict[str, list[UUID]], rng: random.Random,
               n: int) -> None:
    county_index, k = divmod(n, PER_COUNTY)
    county = county_code(county_index)
    if county not in posts:
        ledger.set_policy(county, date(2023, 1, 1), {})  # the defaults of RULES.md
        posts[county] = []
    post_id = _post(ledger, posts[county], county, k // PER_POST)
    birth = date(1970, 1, 1) + timedelta(days=k % 9000)
    resident = ResidentId.compose(county, birth, k // 9000).value
    first = n % MONTHS
    onboard_on = month_start(first)
    applied_on = onboard_on - timedelta(days=30)
    p = ledger.apply(post_id, date=applied_on, applicant={
        "name": f"工人{n}", "resident_id": resident,
        "category": "lifted" if rng.random() < 0.7 else "not_lifted"})
    ledger.village_review(p.id, date=applied_on + timedelta(days=1), approve=True, reason=None)
    ledger.township_review(p.id, date=applied_on + timedelta(days=2), approve=True, reason=None)
    ledger.start_publicity(p.id, date=applied_on + timedelta(days=3), ends_on=None)
    ledger.approve(p.id, date=applied_on + timedelta(days=10))
    ledger.train(p.id, date=applied_on + timedelta(days=12), hours=8, topic="岗前安全培训")
    ledger.onboard(p.id, date=onboard_on, agreement_end=None)
    resigns_at = rng.randrange(first, MONTHS) if rng.random() < 0.05 else None
    for index in range(first, MONTHS - 1):  # the last month is the bench's own ledger
        month = month_start(index)
        signed = month_start(index + 1)
        label = f"{month:%Y-%m}"
        ledger.record_attendance(p.id, date=signed + timedelta(days=1), month=label,
                                 days_worked=20, signatures=SIGNATURES)
        if (index + 1 - first) % 12 == 0:  # an anniversary of onboarding (R-REV-1)
            ledger.annual_review(p.id, date=signed + timedelta(days=4), year=signed.year,
                                 passed=True, worker_signed=True)
        ledger.pay(p.id, date=signed + timedelta(days=9), month=label, amount_fen=None)
        if index == resigns_at:
            ledger.leave(p.id, date=signed + timedelta(days=15), reason="resigned", ground=None)
            return
