"""Claims as RULES.md §6 now states them (issue 11): who may claim, which county pays what,
Huize's mixed intake — each as a scenario naming the rule it enforces."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from postledger.domain.actor import Actor, acting_as
from postledger.domain.errors import InvalidInput
from postledger.domain.resident_id import ResidentId
from postledger.domain.subsidies.claim import SubsidyClaim
from postledger.infrastructure.clock import BusinessClock
from postledger.workflows.application import PostLedger
from postledger.workflows.claims import ClaimsService

COUNTY = "530326"
CLERK = Actor("clerk", COUNTY, "li")
REVIEWER = Actor("county", COUNTY, "zhang")
ADMIN = Actor("admin", "", "root")
DAY = date(2024, 6, 1)
FIRM = {"kind": "organisation", "name": "Huize Tea", "credit_code": "91530326MA6TEA001"}


def rid(seq: int, birth: date = date(1985, 5, 5)) -> str:
    return ResidentId.compose("530326", birth, seq).value


def person(category: str | None, seq: int = 1) -> dict[str, Any]:
    return {"name": "王芳", "resident_id": rid(seq), "category": category}


@pytest.fixture
def app() -> Iterator[PostLedger]:
    ledger = PostLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield ledger
    ledger.close()


@pytest.fixture
def claims(app: PostLedger) -> ClaimsService:
    app.clock = BusinessClock.fixed(date(2028, 1, 1))
    return ClaimsService(app)


def preset(app: PostLedger, name: str) -> None:
    with acting_as(ADMIN):
        app.set_policy(COUNTY, date(2020, 1, 1), {}, preset=name)


def submit(claims: ClaimsService, claim_type: str, claimant: dict[str, Any],
           facts: dict[str, Any], on: date = DAY) -> SubsidyClaim:
    with acting_as(CLERK):
        return claims.submit(claim_type=claim_type, county=COUNTY, date=on, claimant=claimant,
                             facts=facts)


def refusal(claims: ClaimsService, claim_type: str, claimant: dict[str, Any],
            facts: dict[str, Any]) -> tuple[str | None, str | None]:
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, claim_type, claimant, facts)
    return excinfo.value.rule, excinfo.value.fact


TICKET = {"destination": "other_province", "ticket_price_fen": 40_000, "months_stable": 4,
          "real_name_ticket": True}


# ------------------------------------------------------------------ which county pays what
def test_zhijin_has_no_transport_subsidy(app: PostLedger, claims: ClaimsService) -> None:
    preset(app, "zhijin")
    assert refusal(claims, "transport", person("not_lifted"), TICKET) == (
        "R-SUB-TRANSPORT", "type")


def test_the_default_policy_pays_huizes_transport_but_no_zhijin_certificate(
    claims: ClaimsService,
) -> None:
    assert submit(claims, "transport", person("lifted"), TICKET).amount_fen == 40_000
    certificate = {"certificate": "excavator", "self_paid": True, "employed": True}
    assert refusal(claims, "certificate", person("lifted"), certificate) == ("R-SUB-CERT", "type")


def test_hekou_pays_transport_for_work_in_another_province_only(
    app: PostLedger, claims: ClaimsService
) -> None:
    preset(app, "hekou")
    assert refusal(claims, "transport", person("lifted"),
                   {**TICKET, "destination": "other_county"}) == (
        "R-SUB-TRANSPORT", "facts.destination")


# ------------------------------------------------------------------ who may claim
@pytest.mark.parametrize(("claim_type", "facts", "category", "fact"), [
    ("transport", TICKET, "edge", "claimant.category"),
    ("transport", TICKET, None, "claimant.category"),
    ("job_training", {"certificate_level": "skill_level", "contract_signed_on": "2024-01-10",
                      "contract_months": 12, "trained_on": "2024-03-01"}, "edge",
     "claimant.category"),
    ("startup", {"registered_on": "2023-01-01", "running": True, "first_business": True},
     None, "facts.employment_difficult"),
])
def test_every_type_checks_the_claimant(
    claims: ClaimsService, claim_type: str, facts: dict[str, Any], category: str | None,
    fact: str,
) -> None:
    rule, found = refusal(claims, claim_type, person(category), facts)
    assert (rule, found) == ({"transport": "R-SUB-TRANSPORT", "job_training": "R-SUB-JOBTRAIN",
                              "startup": "R-SUB-STARTUP"}[claim_type], fact)


def test_a_startup_founder_with_employment_difficulty_need_not_be_poor(
    claims: ClaimsService,
) -> None:
    facts = {"registered_on": "2023-01-01", "running": True, "first_business": True,
             "employment_difficult": True}
    assert submit(claims, "startup", person(None), facts).amount_fen == 300_000
    second = {**facts, "first_business": False}
    assert refusal(claims, "startup", person("lifted", seq=2), second) == (
        "R-SUB-STARTUP", "facts.first_business")


def test_changli_training_days_admit_edge_households(
    app: PostLedger, claims: ClaimsService
) -> None:
    preset(app, "changli")
    facts = {"days": 2, "daily_cost_fen": 8_000, "outside_home_township": True, "passed": True}
    assert submit(claims, "training_days", person("edge"), facts).amount_fen == 16_000


def test_exported_and_absorbed_workers_are_registered_poor(claims: ClaimsService) -> None:
    export = {"organiser": {"kind": "agency", "name": "Huize HR", "registered": True},
              "workers": [{"resident_id": rid(10), "category": "edge",
                           "destination": "other_province", "months_stable": 4,
                           "follow_up_months": 0}]}
    assert refusal(claims, "labour_export", FIRM, export) == (
        "R-SUB-EXPORT", "facts.workers[0].category")


# ------------------------------------------------------------------ organisers
def test_zhijin_labour_export_excludes_village_committees(
    app: PostLedger, claims: ClaimsService
) -> None:
    preset(app, "zhijin")
    workers = [{"resident_id": rid(20), "category": "not_lifted", "destination": "other_county",
                "months_stable": 6, "follow_up_months": 12}]
    committee = {"organiser": {"kind": "village_committee", "name": "城关村委会",
                               "registered": True}, "workers": workers}
    assert refusal(claims, "labour_export", FIRM, committee) == (
        "R-SUB-EXPORT", "facts.organiser.kind")
    broker = {**committee, "organiser": {"kind": "broker", "name": "罗师傅", "registered": True}}
    assert submit(claims, "labour_export", FIRM, broker).amount_fen == 40_000


# ------------------------------------------------------------------ Huize's mixed intake
def _intake(relocated: int, others: int, first: int = 100) -> dict[str, Any]:
    return {"employer": "Huize Tea", "workers": [
        {"resident_id": rid(first + i), "category": "lifted", "months_stable": 13,
         "contract_months": 12, "relocated": i < relocated, "hired_on": "2023-03-01"}
        for i in range(relocated + others)]}


@pytest.mark.parametrize(("relocated", "others", "amount"), [
    (10, 5, 10 * 300_000 + 5 * 200_000),  # 10 relocated reach 3000; the others get 2000
    (12, 10, 12 * 300_000 + 10 * 200_000),
    (9, 1, 10 * 200_000),  # 9 relocated are not "10人以上": all at 2000, at most 10
    (0, 10, 10 * 200_000),
])
def test_huize_accepts_a_mixed_intake(
    claims: ClaimsService, relocated: int, others: int, amount: int
) -> None:
    assert submit(claims, "absorption", FIRM, _intake(relocated, others)).amount_fen == amount


def test_huize_pays_2000_to_at_most_10_others(claims: ClaimsService) -> None:
    assert refusal(claims, "absorption", FIRM, _intake(10, 11)) == ("R-SUB-ABSORB",
                                                                    "facts.workers")
