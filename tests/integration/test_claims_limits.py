"""Cross-claim limits under concurrency, on SQLite and on PostgreSQL: two approvals racing for
one limit — exactly one is recorded, the other is refused (LimitReached or ConcurrentChange)."""

from __future__ import annotations

import threading
from datetime import date
from itertools import pairwise
from typing import Any

import pytest

from postledger.api.deps import Services
from postledger.api.main import open_services
from postledger.domain.actor import Actor, acting_as
from postledger.domain.errors import InvalidInput, LimitReached
from postledger.domain.resident_id import ResidentId
from postledger.domain.subsidies.claim import SubsidyClaim
from postledger.domain.subsidies.limits import ClaimLimit
from postledger.infrastructure.settings import Settings
from postledger.workflows.claims import ClaimsService
from postledger.workflows.store import ConcurrentChange
from tests.subsidy_tables import ALL_TYPES, HUIZE_SUBSIDIES, merged

COUNTY = "520524"
CLERK = Actor("clerk", COUNTY, "li")
DAY = date(2024, 6, 1)
PERSON = {"name": "Wang Fang", "resident_id": "34052419800101001X", "category": "lifted"}
TICKET = {"destination": "other_province", "ticket_price_fen": 80_000, "months_stable": 4,
          "real_name_ticket": True}
WORKSHOP = {"workshop_id": "ws-1", "poor_laborers": 30, "contract_months": 6,
            "wage_at_least_minimum": True}
ORG = {"kind": "organisation", "name": "Chengguan workshop"}


def resident_id(seq: int) -> str:
    return ResidentId.compose(COUNTY, date(1980, 1, 1), seq).value


def _submit(claims: ClaimsService, claim_type: str, claimant: dict[str, Any],
            facts: dict[str, Any]) -> SubsidyClaim:
    with acting_as(CLERK):
        return claims.submit(claim_type=claim_type, county=COUNTY, date=DAY, claimant=claimant,
                             facts=facts)


def _race(claims: ClaimsService, ids: list[Any]) -> list[Any]:
    """Approve each claim in its own thread, all released at once; what each got back."""
    barrier = threading.Barrier(len(ids))
    results: list[Any] = [None] * len(ids)

    def approve(i: int) -> None:
        with acting_as(Actor("county", COUNTY, f"reviewer{i}")):
            barrier.wait()
            try:
                results[i] = claims.review(ids[i], date=DAY, approve=True, reason=None)
            except Exception as exc:
                results[i] = exc

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(len(ids))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.parametrize("round_", range(3))
def test_two_concurrent_approvals_of_one_persons_transport_subsidy(
    services: Services, round_: int
) -> None:
    claims = ClaimsService(services.ledger)
    first = _submit(claims, "transport", PERSON, TICKET)
    second = _submit(claims, "transport", PERSON, TICKET)
    results = _race(claims, [first.id, second.id])
    won = [r for r in results if isinstance(r, SubsidyClaim)]
    lost = [r for r in results if not isinstance(r, SubsidyClaim)]
    assert len(won) == 1, results
    assert len(lost) == 1 and isinstance(lost[0], (LimitReached, ConcurrentChange)), results
    if isinstance(lost[0], LimitReached):
        assert lost[0].rule == "R-SUB-TRANSPORT"
    held = claims.limit(first.limits[0]["key"])
    assert held.claim_ids == [str(won[0].id)]
    states = sorted(claims.ledger.repository.get(c).state.value for c in (first.id, second.id))
    assert states == ["approved", "submitted"]


def test_concurrent_workshop_approvals_never_pass_the_cap(services: Services) -> None:
    claims = ClaimsService(services.ledger)
    ids = [_submit(claims, "workshop", ORG, WORKSHOP).id for _ in range(3)]  # 3 × 30 000 yuan
    results = _race(claims, ids)
    won = [r for r in results if isinstance(r, SubsidyClaim)]
    assert len(won) == 1, results
    assert all(isinstance(r, (LimitReached, ConcurrentChange))
               for r in results if not isinstance(r, SubsidyClaim))
    held = claims.limit("workshop/520524/WS-1")
    assert held.total_fen == 3_000_000 <= 5_000_000
    # after the race, one more approval fits in what is left, and then none
    retry = [i for i in ids if str(i) not in held.claim_ids]
    with pytest.raises(LimitReached) as excinfo, acting_as(Actor("county", COUNTY, "x")):
        claims.review(retry[0], date=DAY, approve=True, reason=None)
    assert excinfo.value.rule == "R-SUB-WORKSHOP"


def test_a_claim_and_its_limits_survive_a_restart(services: Services) -> None:
    claims = ClaimsService(services.ledger)
    claim = _submit(claims, "transport", PERSON, TICKET)
    with acting_as(Actor("county", COUNTY, "zhang")):
        claims.review(claim.id, date=DAY, approve=True, reason=None)
        claims.pay(claim.id, date=DAY)
        claims.claw_back(claim.id, date=DAY, amount_fen=10_000, reason="short stay")
    stored = services.ledger.repository.get(claim.id)
    assert isinstance(stored, SubsidyClaim)
    assert (stored.state.value, stored.paid_fen, stored.clawed_back_fen) == (
        "partly_clawed_back", 50_000, 10_000)
    assert stored.submitted_by == CLERK.as_dict()
    assert stored.facts == TICKET
    limit = services.ledger.repository.get(ClaimLimit.create_id(stored.limits[0]["key"]))
    assert isinstance(limit, ClaimLimit) and limit.claim_ids == [str(claim.id)]
    history = services.ledger.history(claim.id)
    assert [e.type for e in history] == ["Submitted", "Reviewed", "Paid", "ClawedBack"]
    assert all(e.previous_hash == p.hash for p, e in pairwise(history))


def test_two_approvals_read_from_the_same_limit_version_only_one_saves(
    services: Services,
) -> None:
    """The conflict path itself, without relying on threads overlapping: both approvals read
    the once-a-year limit before either saves; the store keeps the first and refuses the
    second, and the second claim stays submitted."""
    claims = ClaimsService(services.ledger)
    first, second = (_submit(claims, "transport", PERSON, TICKET) for _ in range(2))
    key = first.limits[0]["key"]
    with acting_as(Actor("county", COUNTY, "zhang")):
        claim_a = claims.get(first.id)
        claim_b = claims.get(second.id)
        limit_a, limit_b = claims.limit(key), claims.limit(key)
        reviewer = Actor("county", COUNTY, "zhang")
        claim_a.review_by(date=DAY, approve=True, reason=None, reviewer=reviewer,
                          limits=[limit_a])
        claim_b.review_by(date=DAY, approve=True, reason=None, reviewer=reviewer,
                          limits=[limit_b])
        services.ledger._save(claim_a, limit_a)
        with pytest.raises(ConcurrentChange):
            services.ledger._save(claim_b, limit_b)
        assert claims.get(first.id).state.value == "approved"
        assert claims.get(second.id).state.value == "submitted"
        assert len(claims.limit(key).claim_ids) == 1


def _huize(services: Services) -> None:
    with acting_as(Actor("admin", "", "root")):
        services.ledger.set_policy(COUNTY, date(2020, 1, 1),
                                   {"subsidies": merged(ALL_TYPES, HUIZE_SUBSIDIES)})


TEA_FIRM = {"kind": "organisation", "name": "Huize Tea", "credit_code": "91530326MA6TEA001"}


def _absorbed(first_seq: int, n: int) -> dict[str, Any]:
    return {"employer": "Huize Tea", "workers": [
        {"resident_id": resident_id(first_seq + i), "category": "lifted", "months_stable": 12,
         "contract_months": 12, "relocated": False, "hired_on": "2023-03-01"}
        for i in range(n)]}


def test_concurrent_absorption_approvals_never_pass_the_employers_tier(
    services: Services,
) -> None:
    # Huize pays 2000 a head for an intake of at most 10 in a year: of two claims of 10 and 5
    # (15 in all), submitted before either was approved, exactly one can be approved.
    _huize(services)
    claims = ClaimsService(services.ledger)
    ten = _submit(claims, "absorption", TEA_FIRM, _absorbed(100, 10))
    five = _submit(claims, "absorption", TEA_FIRM, _absorbed(200, 5))
    results = _race(claims, [ten.id, five.id])
    won = [r for r in results if isinstance(r, SubsidyClaim)]
    lost = [r for r in results if not isinstance(r, SubsidyClaim)]
    assert len(won) == 1, results
    assert len(lost) == 1 and isinstance(lost[0], (LimitReached, ConcurrentChange)), results
    held = claims.limit(ten.limits[0]["key"])
    assert len(held.workers) == len(won[0].facts["workers"]) <= 10


def test_the_years_head_count_a_scheme_and_training_days_survive_a_restart(
    services: Services, settings: Settings
) -> None:
    _huize(services)
    claims = ClaimsService(services.ledger)
    reviewer = Actor("county", COUNTY, "zhang")
    absorbed = _submit(claims, "absorption", TEA_FIRM, _absorbed(100, 4))
    insured = _submit(claims, "social_insurance", PERSON, {
        "months": [{"month": "2024-01", "premiums_paid_fen": 30_000}],
        "graduate": True, "small_firm": False})
    trained = _submit(claims, "training_days", PERSON, {
        "days": 3, "daily_cost_fen": 9_000, "outside_home_township": True, "passed": True,
        "trained_from": "2024-05-20"})
    with acting_as(reviewer):
        for claim in (absorbed, insured, trained):
            claims.review(claim.id, date=DAY, approve=True, reason=None)
    reopened = open_services(settings)  # as a new process would find them in the store
    try:
        _still_decide(ClaimsService(reopened.ledger), absorbed, insured, trained)
    finally:
        reopened.close()


def _still_decide(claims: ClaimsService, absorbed: SubsidyClaim, insured: SubsidyClaim,
                  trained: SubsidyClaim) -> None:
    headcount = claims.ledger.repository.get(ClaimLimit.create_id(absorbed.limits[0]["key"]))
    assert isinstance(headcount, ClaimLimit)
    assert [w["resident_id"] for w in headcount.workers] == [
        resident_id(100 + i) for i in range(4)]
    span = claims.ledger.repository.get(ClaimLimit.create_id(insured.limits[0]["key"]))
    assert isinstance(span, ClaimLimit)
    assert (span.scheme, span.scheme_max_months) == ("graduate", 24)
    days = claims.ledger.repository.get(ClaimLimit.create_id(trained.limits[1]["key"]))
    assert isinstance(days, ClaimLimit)
    assert days.dates == {"2024-05-20", "2024-05-21", "2024-05-22"}
    # and they still decide: 7 more make 11 (no tier), and the person stays a graduate
    with pytest.raises(InvalidInput):
        _submit(claims, "absorption", TEA_FIRM, _absorbed(200, 7))
    with pytest.raises(InvalidInput) as excinfo:
        _submit(claims, "social_insurance", PERSON, {
            "months": [{"month": "2024-02", "premiums_paid_fen": 30_000}],
            "graduate": False, "small_firm": False})
    assert (excinfo.value.rule, excinfo.value.fact) == ("R-SUB-SOCIAL", "facts.graduate")
