"""Subsidy claims (RULES.md §6) as scenarios on an in-memory store: given a county's policy,
when a claim is submitted / reviewed / paid / clawed back, then its amount and events, or the
refusal with its rule id (and the fact that failed)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date
from itertools import pairwise
from typing import Any

import pytest

from postledger.domain.actor import Actor, acting_as
from postledger.domain.errors import Forbidden, InvalidInput, LimitReached, StepNotAllowed
from postledger.domain.resident_id import ResidentId
from postledger.domain.subsidies.claim import SubsidyClaim
from postledger.domain.subsidies.registry import CLAIM_TYPES
from postledger.infrastructure.clock import BusinessClock
from postledger.workflows.application import PostLedger
from postledger.workflows.claims import ClaimsService
from tests.subsidy_tables import (
    ALL_TYPES,
    HUIZE_SUBSIDIES,
    YUNNAN_SUBSIDIES,
    merged,
    table_for,
)

COUNTY = "520524"
CLERK = Actor("clerk", COUNTY, "li")
REVIEWER = Actor("county", COUNTY, "zhang")
ADMIN = Actor("admin", "", "root")
DAY = date(2024, 6, 1)

def rid(birth: str = "19800101", seq: int = 1, male: bool = True) -> str:
    """A valid resident id (GB 11643-1999) for a birth date; ``seq`` makes it unique."""
    return ResidentId.compose(
        "520524", date.fromisoformat(f"{birth[:4]}-{birth[4:6]}-{birth[6:]}"),
        (seq * 2 + (1 if male else 0)) % 1000,
    ).value


PERSON = {"name": "Wang Fang", "resident_id": rid(), "category": "lifted"}
ORG = {"kind": "organisation", "name": "Chengguan Garments", "credit_code": "91520524MA6"}

BASE_FACTS: dict[str, dict[str, Any]] = {
    "transport": {"destination": "other_province", "ticket_price_fen": 80_000,
                  "months_stable": 4, "real_name_ticket": True},
    "certificate": {"certificate": "excavator", "self_paid": True, "employed": True},
    "job_training": {"certificate_level": "vocational_qualification",
                     "contract_signed_on": "2024-01-10", "contract_months": 12,
                     "trained_on": "2024-05-01"},
    "labour_export": {
        "organiser": {"kind": "agency", "name": "Bijie HR", "registered": True},
        "workers": [
            {"resident_id": rid(seq=11), "category": "lifted", "destination": "other_province",
             "months_stable": 7, "follow_up_months": 12},
            {"resident_id": rid(seq=12), "category": "not_lifted", "destination": "other_county",
             "months_stable": 7, "follow_up_months": 12},
        ],
    },
    "absorption": {
        "employer": "Chengguan Garments",
        "workers": [
            {"resident_id": rid(seq=21 + i), "category": "lifted", "months_stable": 12,
             "contract_months": 12, "relocated": False}
            for i in range(3)
        ],
    },
    "social_insurance": {
        "months": [{"month": "2024-01", "premiums_paid_fen": 10_000},
                   {"month": "2024-02", "premiums_paid_fen": 10_001},
                   {"month": "2024-03", "premiums_paid_fen": 10_002}],
        "graduate": False, "small_firm": False,
    },
    "workshop": {"workshop_id": "ws-1", "poor_laborers": 7, "contract_months": 6,
                 "wage_at_least_minimum": True},
    "training_days": {"days": 5, "daily_cost_fen": 12_000, "outside_home_township": True,
                      "passed": True},
    "startup": {"registered_on": "2023-05-01", "running": True, "first_business": True},
}
CLAIMANT_BY_TYPE = {t: (ORG if t in ("labour_export", "absorption", "workshop") else PERSON)
                    for t in BASE_FACTS}


@pytest.fixture
def app() -> Iterator[PostLedger]:
    """A county that pays every type of subsidy: the seed counties' tables side by side
    (tests/subsidy_tables.py)."""
    ledger = PostLedger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    with acting_as(ADMIN):
        ledger.set_policy(COUNTY, date(2000, 1, 1), {"subsidies": ALL_TYPES})
    yield ledger
    ledger.close()


@pytest.fixture
def claims(app: PostLedger) -> ClaimsService:
    # The scenarios are dated up to 2027; "today" is after all of them.
    app.clock = BusinessClock.fixed(date(2028, 1, 1))
    return ClaimsService(app)


def facts(claim_type: str, **changes: Any) -> dict[str, Any]:
    result = copy.deepcopy(BASE_FACTS[claim_type])
    result.update(changes)
    return result


def submit(
    claims: ClaimsService, claim_type: str, on: date = DAY,
    claimant: dict[str, Any] | None = None, **changes: Any,
) -> SubsidyClaim:
    with acting_as(CLERK):
        return claims.submit(
            claim_type=claim_type, county=COUNTY, date=on,
            claimant=claimant or CLAIMANT_BY_TYPE[claim_type],
            facts=facts(claim_type, **changes),
        )


def approve(claims: ClaimsService, claim: SubsidyClaim, on: date = DAY) -> SubsidyClaim:
    with acting_as(REVIEWER):
        return claims.review(claim.id, date=on, approve=True, reason=None)


def set_subsidies(app: PostLedger, subsidies: dict[str, Any], since: date = date(2020, 1, 1)
                  ) -> None:
    with acting_as(ADMIN):
        app.set_policy(COUNTY, since, {"subsidies": merged(ALL_TYPES, subsidies)})


def refusal(excinfo: pytest.ExceptionInfo[InvalidInput]) -> tuple[str | None, str | None]:
    return excinfo.value.rule, vars(excinfo.value).get("fact")


# ---------------------------------------------------------------------- amounts by type
@pytest.mark.parametrize(
    ("claim_type", "changes", "amount_fen"),
    [
        # R-SUB-TRANSPORT: min(ticket, cap by destination)
        ("transport", {"destination": "other_province", "ticket_price_fen": 80_000}, 50_000),
        ("transport", {"destination": "other_province", "ticket_price_fen": 42_050}, 42_050),
        ("transport", {"destination": "other_county", "ticket_price_fen": 80_000}, 30_000),
        ("transport", {"destination": "in_county", "ticket_price_fen": 15_000}, 10_000),
        ("transport", {"destination": "in_county", "ticket_price_fen": 800}, 800),
        # R-SUB-CERT: by certificate
        ("certificate", {"certificate": "excavator"}, 300_000),
        ("certificate", {"certificate": "driving_b2"}, 300_000),
        # "B2 or higher": every class above B2 too
        ("certificate", {"certificate": "driving_b1"}, 300_000),
        ("certificate", {"certificate": "driving_a3"}, 300_000),
        ("certificate", {"certificate": "driving_a2"}, 300_000),
        ("certificate", {"certificate": "driving_a1"}, 300_000),
        ("certificate", {"certificate": "driving_c"}, 200_000),
        ("certificate", {"certificate": "security_guard"}, 200_000),
        ("certificate", {"certificate": "beauty"}, 300_000),
        ("certificate", {"certificate": "chef"}, 300_000),
        ("certificate", {"certificate": "electrician"}, 300_000),
        ("certificate", {"certificate": "welder"}, 300_000),
        # R-SUB-JOBTRAIN: by certificate level
        ("job_training", {"certificate_level": "vocational_qualification"}, 80_000),
        ("job_training", {"certificate_level": "skill_level"}, 60_000),
        ("job_training", {"certificate_level": "special_ability"}, 60_000),
        ("job_training", {"certificate_level": "training_pass"}, 40_000),
        # R-SUB-EXPORT, Zhijin: flat 400 per person
        ("labour_export", {}, 80_000),
        # R-SUB-ABSORB, Zhijin: 500 per person
        ("absorption", {}, 150_000),
        # R-SUB-SOCIAL: 2/3 of each month's premiums, floored to the fen: 6666 + 6667 + 6668
        ("social_insurance", {}, 20_001),
        # R-SUB-WORKSHOP: 1000 per poor laborer
        ("workshop", {"poor_laborers": 7}, 700_000),
        ("workshop", {"poor_laborers": [{"resident_id": rid(seq=80 + i), "category": "lifted"}
                                        for i in range(6)]}, 600_000),
        # R-SUB-TRAINDAY: min(daily cost, 100) per day
        ("training_days", {"days": 5, "daily_cost_fen": 12_000}, 50_000),
        ("training_days", {"days": 3, "daily_cost_fen": 8_050}, 24_150),
        # R-SUB-STARTUP: 3000 once
        ("startup", {}, 300_000),
    ],
)
def test_default_zhijin_amounts(
    claims: ClaimsService, claim_type: str, changes: dict[str, Any], amount_fen: int
) -> None:
    claim = submit(claims, claim_type, **changes)
    assert claim.amount_fen == amount_fen
    assert claim.state.value == "submitted"
    assert claim.table == table_for(claim_type, {})


def _export_workers(destinations: list[str], months_stable: int = 3) -> list[dict[str, Any]]:
    return [{"resident_id": rid(seq=40 + i), "category": "lifted", "destination": d,
             "months_stable": months_stable, "follow_up_months": 0}
            for i, d in enumerate(destinations)]


def _absorbed(n: int, relocated: bool, months_stable: int = 12) -> list[dict[str, Any]]:
    return [{"resident_id": rid(seq=60 + i), "category": "lifted", "months_stable": months_stable,
             "contract_months": 12, "relocated": relocated, "hired_on": "2023-05-01"}
            for i in range(n)]


@pytest.mark.parametrize(
    ("subsidies", "claim_type", "changes", "amount_fen"),
    [
        # R-SUB-EXPORT, Yunnan/Hekou/Huize: 300 / 200 / 100 by destination after 3 months
        (HUIZE_SUBSIDIES, "labour_export",
         {"workers": _export_workers(["other_province", "other_county", "in_county"])}, 60_000),
        # Yunnan/Hekou (002): 300 / 200, on a contract of at least a year
        (YUNNAN_SUBSIDIES, "labour_export",
         {"workers": [dict(w, contract_months=12)
                      for w in _export_workers(["other_province", "other_county"])]}, 50_000),
        # R-SUB-ABSORB, Huize: 2000 per person up to 10, 3000 per person for 10+ relocated
        (HUIZE_SUBSIDIES, "absorption", {"workers": _absorbed(5, relocated=False)}, 1_000_000),
        (HUIZE_SUBSIDIES, "absorption", {"workers": _absorbed(10, relocated=False)}, 2_000_000),
        (HUIZE_SUBSIDIES, "absorption", {"workers": _absorbed(10, relocated=True)}, 3_000_000),
        (HUIZE_SUBSIDIES, "absorption", {"workers": _absorbed(12, relocated=True)}, 3_600_000),
        # and the same claim under Zhijin's table
        ({}, "absorption", {"workers": _absorbed(10, relocated=True)}, 500_000),
        ({}, "labour_export",
         {"workers": [dict(w, months_stable=6, follow_up_months=12)
                      for w in _export_workers(["other_province", "in_county"])]}, 80_000),
    ],
)
def test_county_tables_give_their_own_amounts(
    app: PostLedger, claims: ClaimsService, subsidies: dict[str, Any], claim_type: str,
    changes: dict[str, Any], amount_fen: int,
) -> None:
    set_subsidies(app, subsidies)
    claim = submit(claims, claim_type, **changes)
    assert claim.amount_fen == amount_fen
    assert claim.table == table_for(claim_type, subsidies)


def test_a_policy_applies_from_its_effective_date(app: PostLedger, claims: ClaimsService) -> None:
    workers = {"workers": _absorbed(5, relocated=False)}
    set_subsidies(app, HUIZE_SUBSIDIES, since=date(2024, 7, 1))
    before = submit(claims, "absorption", on=date(2024, 6, 30), **workers)
    after = submit(claims, "absorption", on=date(2024, 7, 1), **workers)
    assert (before.amount_fen, after.amount_fen) == (250_000, 1_000_000)


def test_a_county_override_merges_over_the_default(app: PostLedger, claims: ClaimsService) -> None:
    set_subsidies(app, {"transport": {"caps_fen": {"other_province": 60_000}}})
    assert submit(claims, "transport").amount_fen == 60_000
    assert submit(claims, "transport", claimant=dict(PERSON, resident_id=rid(seq=2)),
                  destination="in_county", ticket_price_fen=90_000).amount_fen == 10_000


def test_huize_absorption_refuses_11_people_not_all_relocated(
    app: PostLedger, claims: ClaimsService
) -> None:
    set_subsidies(app, HUIZE_SUBSIDIES)
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "absorption", workers=_absorbed(11, relocated=False))
    assert refusal(excinfo) == ("R-SUB-ABSORB", "facts.workers")


# ---------------------------------------------------------------------- each condition
def _worker(claim_type: str, index: int, **changes: Any) -> list[dict[str, Any]]:
    workers = copy.deepcopy(BASE_FACTS[claim_type]["workers"])
    workers[index].update(changes)
    return workers


REFUSALS: list[tuple[str, dict[str, Any], dict[str, Any] | None, str, str]] = [
    # (type, fact changes, claimant, rule, fact)
    ("transport", {"months_stable": 2}, None, "R-SUB-TRANSPORT", "facts.months_stable"),
    ("transport", {"real_name_ticket": False}, None, "R-SUB-TRANSPORT", "facts.real_name_ticket"),
    ("transport", {"destination": "abroad"}, None, "R-SUB-TRANSPORT", "facts.destination"),
    ("transport", {"ticket_price_fen": 0}, None, "R-SUB-TRANSPORT", "facts.ticket_price_fen"),
    ("transport", {"ticket_price_fen": 120.5}, None, "R-SUB-TRANSPORT",
     "facts.ticket_price_fen"),
    ("transport", {}, dict(PERSON, category="none"), "R-SUB-TRANSPORT", "claimant.category"),
    ("transport", {}, ORG, "R-SUB-TRANSPORT", "claimant.resident_id"),
    ("transport", {}, dict(PERSON, resident_id="340524198001010010"), "R-SUB-TRANSPORT",
     "claimant.resident_id"),
    ("certificate", {"self_paid": False}, None, "R-SUB-CERT", "facts.self_paid"),
    ("certificate", {"certificate": "security_guard", "employed": False}, None, "R-SUB-CERT",
     "facts.employed"),
    ("certificate", {"certificate": "pilot"}, None, "R-SUB-CERT", "facts.certificate"),
    ("job_training", {"contract_months": 11}, None, "R-SUB-JOBTRAIN", "facts.contract_months"),
    ("job_training", {"trained_on": "2023-12-01"}, None, "R-SUB-JOBTRAIN", "facts.trained_on"),
    ("job_training", {"contract_signed_on": "2023-01-10", "trained_on": "2024-01-11"}, None,
     "R-SUB-JOBTRAIN", "facts.trained_on"),
    ("job_training", {"trained_on": "2024-06-02"}, None, "R-SUB-JOBTRAIN", "facts.trained_on"),
    ("job_training", {"trained_on": "May 2024"}, None, "R-SUB-JOBTRAIN", "facts.trained_on"),
    ("labour_export", {"organiser": {"kind": "agency", "name": "x", "registered": False}},
     None, "R-SUB-EXPORT", "facts.organiser.registered"),
    ("labour_export", {"organiser": {"kind": "cousin", "name": "x", "registered": True}},
     None, "R-SUB-EXPORT", "facts.organiser.kind"),
    ("labour_export", {"workers": _worker("labour_export", 1, months_stable=5)}, None,
     "R-SUB-EXPORT", "facts.workers[1].months_stable"),
    ("labour_export", {"workers": _worker("labour_export", 0, follow_up_months=11)}, None,
     "R-SUB-EXPORT", "facts.workers[0].follow_up_months"),
    ("labour_export", {"workers": _worker("labour_export", 1, resident_id=rid(seq=11))}, None,
     "R-SUB-EXPORT", "facts.workers[1].resident_id"),
    ("labour_export", {"workers": []}, None, "R-SUB-EXPORT", "facts.workers"),
    ("absorption", {"workers": _worker("absorption", 2, months_stable=5)}, None,
     "R-SUB-ABSORB", "facts.workers[2].months_stable"),
    ("absorption", {"workers": _worker("absorption", 0, contract_months=11)}, None,
     "R-SUB-ABSORB", "facts.workers[0].contract_months"),
    ("absorption", {"employer": " "}, None, "R-SUB-ABSORB", "facts.employer"),
    ("social_insurance", {"months": [{"month": "2024-01", "premiums_paid_fen": 1},
                                     {"month": "2024-01", "premiums_paid_fen": 1}]}, None,
     "R-SUB-SOCIAL", "facts.months[1].month"),
    ("social_insurance", {"months": [{"month": "2024-07", "premiums_paid_fen": 100}]}, None,
     "R-SUB-SOCIAL", "facts.months[0].month"),
    ("social_insurance", {"months": [{"month": "2024-13", "premiums_paid_fen": 100}]}, None,
     "R-SUB-SOCIAL", "facts.months[0].month"),
    ("social_insurance", {"months": [{"month": "2024-01", "premiums_paid_fen": 0}]}, None,
     "R-SUB-SOCIAL", "facts.months[0].premiums_paid_fen"),
    ("social_insurance", {}, ORG, "R-SUB-SOCIAL", "facts.insured_resident_id"),
    ("workshop", {"poor_laborers": 4}, None, "R-SUB-WORKSHOP", "facts.poor_laborers"),
    ("workshop", {"contract_months": 5}, None, "R-SUB-WORKSHOP", "facts.contract_months"),
    ("workshop", {"wage_at_least_minimum": False}, None, "R-SUB-WORKSHOP",
     "facts.wage_at_least_minimum"),
    ("training_days", {"outside_home_township": False}, None, "R-SUB-TRAINDAY",
     "facts.outside_home_township"),
    ("training_days", {"passed": False}, None, "R-SUB-TRAINDAY", "facts.passed"),
    ("training_days", {"days": 0}, None, "R-SUB-TRAINDAY", "facts.days"),
    ("startup", {"registered_on": "2023-06-02"}, None, "R-SUB-STARTUP", "facts.registered_on"),
    ("startup", {"running": False}, None, "R-SUB-STARTUP", "facts.running"),
]


@pytest.mark.parametrize(("claim_type", "changes", "claimant", "rule", "fact"), REFUSALS)
def test_each_condition_is_refused_naming_its_rule_and_fact(
    app: PostLedger, claims: ClaimsService, claim_type: str, changes: dict[str, Any],
    claimant: dict[str, Any] | None, rule: str, fact: str,
) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, claim_type, claimant=claimant, **changes)
    assert refusal(excinfo) == (rule, fact)
    assert excinfo.value.detail.startswith(fact)
    assert len(list(app.recorder.select_notifications(start=1, limit=10))) == 2  # the policy


def test_a_missing_fact_is_named(claims: ClaimsService) -> None:
    with acting_as(CLERK), pytest.raises(InvalidInput) as excinfo:
        claims.submit(claim_type="transport", county=COUNTY, date=DAY, claimant=PERSON,
                      facts={"destination": "in_county"})
    assert refusal(excinfo) == ("R-SUB-TRANSPORT", "facts.ticket_price_fen")


def test_an_unknown_type_is_refused(claims: ClaimsService) -> None:
    with acting_as(CLERK), pytest.raises(InvalidInput) as excinfo:
        claims.submit(claim_type="lottery", county=COUNTY, date=DAY, claimant=PERSON, facts={})
    assert refusal(excinfo) == (None, "type")


def test_certificate_without_employment_when_the_county_narrows_the_rule(
    app: PostLedger, claims: ClaimsService
) -> None:
    set_subsidies(app, {"certificate": {"employed_required_for": ["security_guard"]}})
    assert submit(claims, "certificate", certificate="chef", employed=False).amount_fen == 300_000


# ---------------------------------------------------------------------- the flow
def test_from_submission_to_payment_and_clawback(app: PostLedger, claims: ClaimsService) -> None:
    claim = submit(claims, "transport")
    approve(claims, claim, date(2024, 6, 3))
    with acting_as(REVIEWER):
        claims.pay(claim.id, date=date(2024, 6, 5))
        claims.claw_back(claim.id, date=date(2024, 7, 1), amount_fen=20_000,
                         reason="ticket was not real-name")
        part = claims.get(claim.id)
        assert (part.state.value, part.clawed_back_fen) == ("partly_clawed_back", 20_000)
        claims.claw_back(claim.id, date=date(2024, 7, 2), amount_fen=30_000,
                         reason="worked only one month")
        done = claims.get(claim.id)
    assert done.state.value == "clawed_back"
    history = app.history(claim.id)
    assert [e.type for e in history] == ["Submitted", "Reviewed", "Paid", "ClawedBack",
                                         "ClawedBack"]
    assert history[0].topic == "postledger:subsidy_claim:submitted"
    assert history[0].actor == CLERK.as_dict()
    assert history[1].actor == REVIEWER.as_dict()
    assert history[2].data == {"amount_fen": 50_000}
    assert history[3].data == {"amount_fen": 20_000, "reason": "ticket was not real-name"}
    assert all(e.previous_hash == p.hash for p, e in pairwise(history))
    assert done.allowed_steps == []


def test_clawback_never_exceeds_what_was_paid(claims: ClaimsService) -> None:
    claim = submit(claims, "transport")
    approve(claims, claim)
    with acting_as(REVIEWER):
        claims.pay(claim.id, date=DAY)
        with pytest.raises(InvalidInput) as excinfo:
            claims.claw_back(claim.id, date=DAY, amount_fen=50_001, reason="false claim")
        assert refusal(excinfo) == ("R-SUB-TRANSPORT", "amount_fen")
        claims.claw_back(claim.id, date=DAY, amount_fen=40_000, reason="false claim")
        with pytest.raises(InvalidInput) as excinfo:
            claims.claw_back(claim.id, date=DAY, amount_fen=10_001, reason="false claim")
        assert "outstanding 10000" in excinfo.value.detail
        with pytest.raises(InvalidInput) as excinfo:
            claims.claw_back(claim.id, date=DAY, amount_fen=0, reason="false claim")
        with pytest.raises(InvalidInput) as excinfo:
            claims.claw_back(claim.id, date=DAY, amount_fen=100, reason=" ")
        assert refusal(excinfo) == ("R-SUB-TRANSPORT", "reason")
        claims.claw_back(claim.id, date=DAY, amount_fen=10_000, reason="false claim")
        with pytest.raises(StepNotAllowed) as step:
            claims.claw_back(claim.id, date=DAY, amount_fen=1, reason="again")
    assert (step.value.rule, step.value.state) == ("R-FLOW-1", "clawed_back")


def test_no_clawback_before_payment(claims: ClaimsService) -> None:
    claim = submit(claims, "transport")
    approve(claims, claim)
    with acting_as(REVIEWER), pytest.raises(StepNotAllowed) as excinfo:
        claims.claw_back(claim.id, date=DAY, amount_fen=100, reason="false claim")
    assert (excinfo.value.rule, excinfo.value.state) == ("R-FLOW-1", "approved")


def test_payment_only_after_approval(claims: ClaimsService) -> None:
    claim = submit(claims, "startup")
    with acting_as(REVIEWER):
        with pytest.raises(StepNotAllowed) as excinfo:
            claims.pay(claim.id, date=DAY)
        assert (excinfo.value.rule, excinfo.value.state) == ("R-FLOW-1", "submitted")
        claims.review(claim.id, date=DAY, approve=False, reason="business closed")
        with pytest.raises(StepNotAllowed) as excinfo:
            claims.pay(claim.id, date=DAY)
    assert excinfo.value.state == "rejected"


def test_paid_once(claims: ClaimsService) -> None:
    claim = submit(claims, "startup")
    approve(claims, claim)
    with acting_as(REVIEWER):
        claims.pay(claim.id, date=DAY)
        with pytest.raises(StepNotAllowed):
            claims.pay(claim.id, date=DAY)


def test_a_rejection_states_its_reason(claims: ClaimsService) -> None:
    claim = submit(claims, "startup")
    with acting_as(REVIEWER), pytest.raises(InvalidInput) as excinfo:
        claims.review(claim.id, date=DAY, approve=False, reason=None)
    assert excinfo.value.rule == "R-SUB-STARTUP"


def test_the_reviewer_is_never_the_submitter(claims: ClaimsService) -> None:
    with acting_as(ADMIN):
        claim = claims.submit(claim_type="startup", county=COUNTY, date=DAY, claimant=PERSON,
                              facts=facts("startup"))
        with pytest.raises(Forbidden) as excinfo:
            claims.review(claim.id, date=DAY, approve=True, reason=None)
    assert excinfo.value.rule == "R-SUB-STARTUP"
    approve(claims, claim)  # another person may


def test_a_clerk_may_not_review_and_a_reviewer_may_not_submit(claims: ClaimsService) -> None:
    claim = submit(claims, "startup")
    with acting_as(CLERK), pytest.raises(Forbidden):
        claims.review(claim.id, date=DAY, approve=True, reason=None)
    with acting_as(REVIEWER), pytest.raises(Forbidden):
        claims.submit(claim_type="startup", county=COUNTY, date=DAY,
                      claimant=dict(PERSON, resident_id=rid(seq=3)), facts=facts("startup"))
    with acting_as(Actor("county", "520500", "other")), pytest.raises(Forbidden):
        claims.review(claim.id, date=DAY, approve=True, reason=None)


def test_a_township_clerk_submits_only_for_claimants_of_the_township(
    claims: ClaimsService,
) -> None:
    clerk = Actor("clerk", f"{COUNTY}/chengguan", "zhao")
    with acting_as(clerk):
        claim = claims.submit(claim_type="startup", county=COUNTY, date=DAY,
                              claimant=dict(PERSON, township="chengguan"),
                              facts=facts("startup"))
        assert claim.path == f"{COUNTY}/chengguan"
        with pytest.raises(Forbidden):
            claims.submit(claim_type="startup", county=COUNTY, date=DAY,
                          claimant=dict(PERSON, resident_id=rid(seq=5)), facts=facts("startup"))


def test_withdrawal_only_before_review(claims: ClaimsService) -> None:
    first = submit(claims, "startup")
    with acting_as(CLERK):
        assert claims.withdraw(first.id, date=DAY).state.value == "withdrawn"
    second = submit(claims, "startup")
    approve(claims, second)
    with acting_as(CLERK), pytest.raises(StepNotAllowed) as excinfo:
        claims.withdraw(second.id, date=DAY)
    assert (excinfo.value.rule, excinfo.value.state) == ("R-FLOW-1", "approved")


def test_steps_are_not_backdated_before_the_previous_one(claims: ClaimsService) -> None:
    claim = submit(claims, "startup")
    with acting_as(REVIEWER), pytest.raises(InvalidInput) as excinfo:
        claims.review(claim.id, date=date(2024, 5, 31), approve=True, reason=None)
    assert excinfo.value.rule == "R-FLOW-1"


# ---------------------------------------------------------------------- limits across claims
def test_transport_once_a_person_a_year(claims: ClaimsService) -> None:
    first = submit(claims, "transport")
    second = submit(claims, "transport")  # nothing approved yet: accepted
    approve(claims, first)
    with pytest.raises(LimitReached) as excinfo:
        approve(claims, second)
    assert excinfo.value.rule == "R-SUB-TRANSPORT"
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "transport")
    assert refusal(excinfo) == ("R-SUB-TRANSPORT", "claimant.resident_id")
    next_year = submit(claims, "transport", on=date(2025, 1, 2))
    approve(claims, next_year, date(2025, 1, 2))


def test_a_rejected_or_withdrawn_claim_holds_no_limit(claims: ClaimsService) -> None:
    first = submit(claims, "transport")
    with acting_as(REVIEWER):
        claims.review(first.id, date=DAY, approve=False, reason="ticket unreadable")
    second = submit(claims, "transport")
    with acting_as(CLERK):
        claims.withdraw(second.id, date=DAY)
    third = submit(claims, "transport")
    assert approve(claims, third).state.value == "approved"


def test_a_clawback_does_not_give_the_limit_back(claims: ClaimsService) -> None:
    claim = submit(claims, "startup")
    approve(claims, claim)
    with acting_as(REVIEWER):
        claims.pay(claim.id, date=DAY)
        claims.claw_back(claim.id, date=DAY, amount_fen=300_000, reason="never ran")
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "startup")
    assert excinfo.value.rule == "R-SUB-STARTUP"


def test_workshop_capped_at_50000_yuan_across_its_claims(claims: ClaimsService) -> None:
    first = submit(claims, "workshop", poor_laborers=30)
    approve(claims, first)
    second = submit(claims, "workshop", poor_laborers=30)
    assert second.amount_fen == 2_000_000  # clipped to what the cap leaves
    assert second.breakdown[-1]["amount_fen"] == -1_000_000
    approve(claims, second)
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "workshop", poor_laborers=5)
    assert excinfo.value.rule == "R-SUB-WORKSHOP"
    other = submit(claims, "workshop", workshop_id="ws-2", poor_laborers=5)
    assert other.amount_fen == 500_000


def test_workshop_approval_refused_when_the_cap_filled_meanwhile(claims: ClaimsService) -> None:
    first = submit(claims, "workshop", poor_laborers=40)
    second = submit(claims, "workshop", poor_laborers=20)
    approve(claims, first)
    with pytest.raises(LimitReached) as excinfo:
        approve(claims, second)
    assert excinfo.value.rule == "R-SUB-WORKSHOP"
    assert "remaining 1000000" in excinfo.value.detail


def test_labour_export_is_one_off_per_worker_whoever_organises(claims: ClaimsService) -> None:
    approve(claims, submit(claims, "labour_export"))
    other_agency = {"kind": "broker", "name": "Mr Chen", "registered": True}
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "labour_export", organiser=other_agency,
               workers=_worker("labour_export", 0, resident_id=rid(seq=99)))
    assert refusal(excinfo) == ("R-SUB-EXPORT", "facts.workers[1].resident_id")
    assert rid(seq=12) in excinfo.value.detail
    # "一次性": not again the next year either
    with pytest.raises(InvalidInput):
        submit(claims, "labour_export", on=date(2025, 3, 1))


def test_absorption_is_one_off_per_worker_whichever_employer(claims: ClaimsService) -> None:
    approve(claims, submit(claims, "absorption"))
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "absorption", on=date(2025, 3, 1), employer="Another Firm")
    assert refusal(excinfo) == ("R-SUB-ABSORB", "facts.workers[0].resident_id")


def _months(first: str, count: int, premium: int = 3_000) -> list[dict[str, Any]]:
    year, month = int(first[:4]), int(first[5:])
    out = []
    for i in range(count):
        y, m = divmod(year * 12 + month - 1 + i, 12)
        out.append({"month": f"{y:04d}-{m + 1:02d}", "premiums_paid_fen": premium})
    return out


def test_social_insurance_never_twice_for_one_month(claims: ClaimsService) -> None:
    approve(claims, submit(claims, "social_insurance", months=_months("2024-01", 3)))
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "social_insurance", months=_months("2024-03", 2))
    assert excinfo.value.rule == "R-SUB-SOCIAL"
    assert "2024-03" in excinfo.value.detail


def test_social_insurance_36_months_in_all(claims: ClaimsService) -> None:
    on = date(2024, 12, 31)
    approve(claims, submit(claims, "social_insurance", on=on, months=_months("2022-01", 24)),
            on)
    approve(claims, submit(claims, "social_insurance", on=on, months=_months("2024-01", 12)),
            on)
    later = date(2025, 2, 1)
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "social_insurance", on=later, months=_months("2025-01", 1))
    assert excinfo.value.rule == "R-SUB-SOCIAL"
    assert "37 months" in excinfo.value.detail


SMALL_FIRM_HIRE = {"hired_on": "2024-01-15", "contract_months": 12}


@pytest.mark.parametrize(("graduate", "small_firm", "months"), [(True, False, 24),
                                                               (True, True, 12),
                                                               (False, False, 36)])
def test_social_insurance_graduates_and_small_firms(
    claims: ClaimsService, graduate: bool, small_firm: bool, months: int
) -> None:
    on = date(2027, 6, 30)
    hire = SMALL_FIRM_HIRE if small_firm else {}
    ok = submit(claims, "social_insurance", on=on, graduate=graduate, small_firm=small_firm,
                months=_months("2024-01", months), **hire)
    approve(claims, ok, on)
    with pytest.raises(InvalidInput):
        submit(claims, "social_insurance", on=on, graduate=graduate, small_firm=small_firm,
               months=_months(ok.facts["months"][-1]["month"], 2)[1:], **hire)


def test_social_insurance_a_small_firm_claims_for_the_graduate_it_hired(
    claims: ClaimsService,
) -> None:
    graduate = rid("20010301", seq=7)
    claim = submit(claims, "social_insurance", claimant=ORG, graduate=True, small_firm=True,
                   insured_resident_id=graduate, insured_category="not_lifted",
                   months=_months("2024-01", 3), **SMALL_FIRM_HIRE)
    assert claim.limits[0]["key"] == f"social_insurance/{graduate}"
    # R-SUB-SOCIAL: "单位及个人缴纳部分" of all five insurances — the whole premium, not 2/3
    assert claim.amount_fen == 3 * 3_000


def test_social_insurance_small_firms_pay_12_months_from_the_hiring_month(
    claims: ClaimsService,
) -> None:
    graduate = rid("20010301", seq=17)
    def claim(months: list[dict[str, Any]], **changes: Any) -> SubsidyClaim:
        return submit(claims, "social_insurance", on=date(2025, 6, 1), claimant=ORG,
                      graduate=True, small_firm=True, insured_resident_id=graduate,
                      months=months,
                      **{**SMALL_FIRM_HIRE, "insured_category": "lifted", **changes})
    with pytest.raises(InvalidInput) as early:
        claim(_months("2023-12", 1))
    assert refusal(early) == ("R-SUB-SOCIAL", "facts.months[0].month")
    with pytest.raises(InvalidInput) as late:
        claim(_months("2025-01", 1), hired_on="2024-01-15")
    assert "2024-01 to 2024-12" in late.value.detail
    with pytest.raises(InvalidInput) as short:
        claim(_months("2024-01", 1), contract_months=11)
    assert refusal(short) == ("R-SUB-SOCIAL", "facts.contract_months")
    with pytest.raises(InvalidInput) as not_poor:
        claim(_months("2024-01", 1), insured_category="edge")
    assert refusal(not_poor) == ("R-SUB-SOCIAL", "facts.insured_category")


def test_social_insurance_up_to_retirement_when_near_it_at_first_approval(
    claims: ClaimsService,
) -> None:
    # A man born 1966-03-15 retires at 60 on 2026-03-15; at the first approval (2023-02-01)
    # he is 3 years from it: subsidised up to March 2026, 39 months, past the 36.
    near = dict(PERSON, resident_id=rid("19660315", seq=8))
    first = submit(claims, "social_insurance", on=date(2023, 2, 1), claimant=near,
                   months=_months("2023-01", 1))
    approve(claims, first, date(2023, 2, 1))
    rest = submit(claims, "social_insurance", on=date(2026, 3, 31), claimant=near,
                  months=_months("2023-02", 38))
    approve(claims, rest, date(2026, 3, 31))
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "social_insurance", on=date(2026, 5, 1), claimant=near,
               months=_months("2026-04", 1))
    assert "retirement (2026-03)" in excinfo.value.detail
    # ...but not from any time before: months more than 36 before the first approval are refused
    with pytest.raises(InvalidInput) as early:
        submit(claims, "social_insurance", on=date(2026, 3, 31), claimant=near,
               months=_months("2010-01", 2))
    assert "before the first approval" in early.value.detail
    # someone 10 years from retirement is held to 36 months
    young = dict(PERSON, resident_id=rid("19760315", seq=9))
    approve(claims, submit(claims, "social_insurance", on=date(2023, 2, 1), claimant=young,
                           months=_months("2023-01", 1)), date(2023, 2, 1))
    with pytest.raises(InvalidInput):
        submit(claims, "social_insurance", on=date(2026, 3, 31), claimant=young,
               months=_months("2023-02", 38))


def test_a_single_claim_over_the_span_is_refused(claims: ClaimsService) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "social_insurance", on=date(2027, 1, 1), months=_months("2023-01", 37))
    assert excinfo.value.rule == "R-SUB-SOCIAL"


# ---------------------------------------------------------------------- limits that resist re-wording
def test_the_same_person_may_not_review_under_another_role(claims: ClaimsService) -> None:
    with acting_as(Actor("admin", "", "root")):
        claim = claims.submit(claim_type="transport", county=COUNTY, date=DAY, claimant=PERSON,
                              facts=facts("transport"))
    with acting_as(Actor("admin", "", "root")), pytest.raises(Forbidden) as excinfo:
        claims.review(claim.id, date=DAY, approve=True, reason=None)
    assert excinfo.value.rule == "R-SUB-TRANSPORT"


def test_a_workshop_cap_is_not_escaped_by_spelling_its_id_differently(
    claims: ClaimsService,
) -> None:
    # 50 laborers fill the 50 000-yuan cap of workshop WS-1.
    approve(claims, submit(claims, "workshop", workshop_id="WS-1", poor_laborers=50))
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "workshop", workshop_id=" ws- 1", poor_laborers=5)
    assert refusal(excinfo) == ("R-SUB-WORKSHOP", "facts.workshop_id")


def test_a_founder_gets_one_startup_subsidy_whatever_the_business_is_called(
    claims: ClaimsService,
) -> None:
    approve(claims, submit(claims, "startup"))
    as_business = {**PERSON, "name": "王芳小吃店"}
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "startup", claimant=as_business)
    assert refusal(excinfo) == ("R-SUB-STARTUP", "claimant.resident_id")
    with acting_as(CLERK), pytest.raises(InvalidInput) as nameless:
        claims.submit(claim_type="startup", county=COUNTY, date=DAY, claimant=ORG,
                      facts=facts("startup"))
    assert refusal(nameless) == ("R-SUB-STARTUP", "claimant.resident_id")


def test_training_days_without_a_course_are_paid_once_a_year(claims: ClaimsService) -> None:
    approve(claims, submit(claims, "training_days", on=date(2024, 6, 1)))
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "training_days", on=date(2024, 6, 2))
    assert refusal(excinfo) == ("R-SUB-TRAINDAY", "facts.course")
    named = submit(claims, "training_days", on=date(2024, 7, 1), course="电工培训 2024-07")
    assert approve(claims, named, date(2024, 7, 1)).state.value == "approved"


# ---------------------------------------------------------------------- limits that resist splitting
def _absorbed_from(first_seq: int, n: int, relocated: bool, hired_on: str = "2023-05-01",
                   months_stable: int = 12) -> list[dict[str, Any]]:
    return [{"resident_id": rid(seq=first_seq + i), "category": "not_lifted",
             "months_stable": months_stable, "contract_months": 12, "relocated": relocated,
             "hired_on": hired_on}
            for i in range(n)]


def test_huize_absorption_tier_counts_the_employers_whole_year(
    app: PostLedger, claims: ClaimsService
) -> None:
    # "当年新吸纳…10人以内": 20 workers who are not all relocated fit no tier, whether in one
    # claim or in two claims of 10.
    set_subsidies(app, HUIZE_SUBSIDIES)
    first = submit(claims, "absorption", workers=_absorbed_from(100, 10, relocated=False))
    assert first.amount_fen == 2_000_000
    approve(claims, first)
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "absorption", workers=_absorbed_from(200, 10, relocated=False))
    assert refusal(excinfo) == ("R-SUB-ABSORB", "facts.workers")
    assert "intake of 2023: 20 workers (10 already approved, 10 in this claim" in (
        excinfo.value.detail)
    # the employer is its credit code, whatever name it claims under
    with pytest.raises(InvalidInput):
        submit(claims, "absorption", employer="Chengguan Garments Co., Ltd.",
               claimant=dict(ORG, name="Chengguan Garments Co., Ltd."),
               workers=_absorbed_from(200, 1, relocated=False))
    # workers hired in another year are another intake
    next_year = submit(claims, "absorption", on=date(2025, 3, 1),
                       workers=_absorbed_from(200, 10, relocated=False, hired_on="2024-02-01"))
    assert next_year.amount_fen == 2_000_000
    assert {line["intake_year"] for line in next_year.breakdown} == {2024}


def test_huize_intake_is_the_year_of_hire_not_of_the_claim(
    app: PostLedger, claims: ClaimsService
) -> None:
    # 15 workers hired late in 2023: filing 10 on 2024-12-30 and 5 on 2025-01-02, whatever
    # months of stable work each states, is still one intake of 15, which no Huize tier fits.
    set_subsidies(app, HUIZE_SUBSIDIES)
    first = submit(claims, "absorption", on=date(2024, 12, 30), workers=_absorbed_from(
        100, 10, relocated=False, hired_on="2023-11-15", months_stable=13))
    approve(claims, first, date(2024, 12, 30))
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "absorption", on=date(2025, 1, 2), workers=_absorbed_from(
            200, 5, relocated=False, hired_on="2023-11-15", months_stable=12))
    assert refusal(excinfo) == ("R-SUB-ABSORB", "facts.workers")
    assert "intake of 2023: 15 workers" in excinfo.value.detail


def test_huize_identifies_the_intake_by_credit_code_and_hire_date(
    app: PostLedger, claims: ClaimsService
) -> None:
    set_subsidies(app, HUIZE_SUBSIDIES)
    nameless = {"kind": "organisation", "name": "Chengguan Garments"}
    with pytest.raises(InvalidInput) as no_code:
        submit(claims, "absorption", claimant=nameless)
    assert refusal(no_code) == ("R-SUB-ABSORB", "claimant.credit_code")
    undated = [{k: v for k, v in w.items() if k != "hired_on"}
               for w in _absorbed_from(100, 5, relocated=False)]
    with pytest.raises(InvalidInput) as no_date:
        submit(claims, "absorption", workers=undated)
    assert refusal(no_date) == ("R-SUB-ABSORB", "facts.workers[0].hired_on")
    # Zhijin's single tier counts no intake: neither is needed there
    set_subsidies(app, {}, since=date(2024, 1, 1))
    assert submit(claims, "absorption", claimant=nameless, workers=undated).amount_fen == 250_000


def test_a_claim_of_workers_hired_in_two_years_is_priced_year_by_year(
    app: PostLedger, claims: ClaimsService
) -> None:
    set_subsidies(app, HUIZE_SUBSIDIES)
    approve(claims, submit(claims, "absorption", on=date(2025, 6, 1), workers=[
        dict(w, hired_on="2024-03-01", months_stable=14)
        for w in _absorbed_from(100, 5, relocated=True)]), date(2025, 6, 1))
    claim = submit(claims, "absorption", on=date(2025, 6, 1), workers=[
        dict(w, hired_on="2024-04-01" if i < 5 else "2023-05-01", months_stable=13)
        for i, w in enumerate(_absorbed_from(200, 7, relocated=True))])
    # 5 hired in 2024 make that year's relocated intake 10 (3000 each); 2 hired in 2023 are
    # an intake of 2 (2000 each).
    assert claim.amount_fen == 5 * 300_000 + 2 * 200_000
    assert [line["intake_year"] for line in claim.breakdown] == [2024] * 5 + [2023] * 2
    assert len([lim for lim in claim.limits if lim["kind"] == "headcount"]) == 2


def test_a_hire_date_too_late_for_the_months_claimed_is_refused(
    app: PostLedger, claims: ClaimsService
) -> None:
    set_subsidies(app, HUIZE_SUBSIDIES)
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "absorption", workers=[
            dict(w, hired_on="2023-12-01") for w in _absorbed_from(100, 5, relocated=False)])
    assert refusal(excinfo) == ("R-SUB-ABSORB", "facts.workers[0].hired_on")


def test_huize_relocated_intake_reaches_the_higher_tier_across_claims(
    app: PostLedger, claims: ClaimsService
) -> None:
    # 5 relocated workers first (2000 each); 5 more make the year's 10 relocated (3000 each for
    # this claim); splitting never pays more than one claim of all 10 would (3000 each).
    set_subsidies(app, HUIZE_SUBSIDIES)
    first = submit(claims, "absorption", workers=_absorbed_from(100, 5, relocated=True))
    approve(claims, first)
    second = submit(claims, "absorption", workers=_absorbed_from(200, 5, relocated=True))
    assert (first.amount_fen, second.amount_fen) == (1_000_000, 1_500_000)
    assert second.breakdown[0]["intake_size"] == 10


def test_huize_absorption_approval_refused_when_the_year_changed_meanwhile(
    app: PostLedger, claims: ClaimsService
) -> None:
    set_subsidies(app, HUIZE_SUBSIDIES)
    first = submit(claims, "absorption", workers=_absorbed_from(100, 10, relocated=False))
    second = submit(claims, "absorption", workers=_absorbed_from(200, 5, relocated=False))
    approve(claims, first)
    with pytest.raises(LimitReached) as excinfo:
        approve(claims, second)
    assert excinfo.value.rule == "R-SUB-ABSORB"
    assert "10 already approved and 5 in this claim make 15" in excinfo.value.detail
    with acting_as(REVIEWER):
        assert claims.get(second.id).state.value == "submitted"


def test_social_insurance_scheme_is_fixed_at_the_first_approval(claims: ClaimsService) -> None:
    # First approved as a graduate (24 months): a later claim for the same person as an
    # ordinary worker (36 months) would stretch the span, and is refused.
    on = date(2026, 6, 30)
    approve(claims, submit(claims, "social_insurance", on=on, graduate=True,
                           months=_months("2024-01", 24)), on)
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "social_insurance", on=on, graduate=False, months=_months("2026-01", 1))
    assert excinfo.value.rule == "R-SUB-SOCIAL"
    assert "under the graduate scheme (24 months)" in excinfo.value.detail
    # a small firm that hires a graduate first (12 months) cannot reach 24 as a graduate later
    other = dict(PERSON, resident_id=rid("20000101", seq=30))
    approve(claims, submit(claims, "social_insurance", on=on, claimant=other, graduate=True,
                           small_firm=True, months=_months("2025-01", 12),
                           hired_on="2025-01-01", contract_months=12), on)
    with pytest.raises(InvalidInput):
        submit(claims, "social_insurance", on=on, claimant=other, graduate=True,
               months=_months("2026-01", 1))


def named(ids: list[str], category: str = "lifted") -> list[dict[str, str]]:
    """Workshop laborers named by resident id, with their category (R-SUB-WORKSHOP)."""
    return [{"resident_id": i, "category": category} for i in ids]


def test_named_workshop_laborers_are_each_subsidised_once(claims: ClaimsService) -> None:
    crew = [rid(seq=80 + i) for i in range(6)]
    approve(claims, submit(claims, "workshop", poor_laborers=named(crew)))
    # the same laborers claimed again by the same workshop
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "workshop", poor_laborers=named([*crew[1:], rid(seq=90)]))
    assert excinfo.value.rule == "R-SUB-WORKSHOP"
    assert crew[1] in excinfo.value.detail
    # ...or by another workshop
    with pytest.raises(InvalidInput):
        submit(claims, "workshop", workshop_id="ws-2",
               poor_laborers=named([crew[0], *(rid(seq=91 + i) for i in range(4))]))
    fresh = submit(claims, "workshop", poor_laborers=named([rid(seq=91 + i) for i in range(5)]))
    assert fresh.amount_fen == 500_000
    assert fresh.facts["poor_laborers"] == named([rid(seq=91 + i) for i in range(5)])


def test_workshop_laborers_are_listed_once_and_by_valid_ids(claims: ClaimsService) -> None:
    crew = [rid(seq=80 + i) for i in range(5)]
    with pytest.raises(InvalidInput) as twice:
        submit(claims, "workshop", poor_laborers=named([*crew, crew[2]]))
    assert refusal(twice) == ("R-SUB-WORKSHOP", "facts.poor_laborers[5].resident_id")
    with pytest.raises(InvalidInput) as bad:
        submit(claims, "workshop", poor_laborers=named([*crew[:4], "520524198001010000"]))
    assert refusal(bad) == ("R-SUB-WORKSHOP", "facts.poor_laborers[4].resident_id")
    with pytest.raises(InvalidInput) as poor:  # R-SUB-WORKSHOP: 贫困劳动力, not edge
        submit(claims, "workshop", poor_laborers=named(crew, category="edge"))
    assert refusal(poor) == ("R-SUB-WORKSHOP", "facts.poor_laborers[0].category")
    with pytest.raises(InvalidInput) as few:
        submit(claims, "workshop", poor_laborers=named(crew[:4]))
    assert refusal(few) == ("R-SUB-WORKSHOP", "facts.poor_laborers")


def test_a_county_may_require_workshop_laborers_by_id(
    app: PostLedger, claims: ClaimsService
) -> None:
    set_subsidies(app, {"workshop": {"laborer_ids_required": True}})
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "workshop", poor_laborers=7)
    assert refusal(excinfo) == ("R-SUB-WORKSHOP", "facts.poor_laborers")
    listed = submit(claims, "workshop", poor_laborers=named([rid(seq=80 + i) for i in range(7)]))
    assert listed.amount_fen == 700_000


def test_one_subsidy_for_a_b2_or_higher_licence(claims: ClaimsService) -> None:
    approve(claims, submit(claims, "certificate", certificate="driving_b2"))
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "certificate", certificate="driving_a2")
    assert excinfo.value.rule == "R-SUB-CERT"
    assert submit(claims, "certificate", certificate="driving_c").amount_fen == 200_000


def test_a_course_is_paid_once_however_its_name_is_spaced(claims: ClaimsService) -> None:
    approve(claims, submit(claims, "training_days", course="Chef Training 2024"))
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "training_days", course=" chef  training 2024")
    assert excinfo.value.rule == "R-SUB-TRAINDAY"


def test_one_post_hire_training_subsidy_per_contract(claims: ClaimsService) -> None:
    approve(claims, submit(claims, "job_training", certificate_level="vocational_qualification"))
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "job_training", certificate_level="training_pass")
    assert refusal(excinfo) == ("R-SUB-JOBTRAIN", "facts.contract_signed_on")


@pytest.mark.parametrize(
    ("claim_type", "changes", "fact"),
    [
        ("startup", {"registered_on": "9999-06-01"}, "facts.registered_on"),
        ("job_training", {"contract_signed_on": "1066-10-14"}, "facts.contract_signed_on"),
        ("training_days", {"days": 367}, "facts.days"),
        ("transport", {"ticket_price_fen": 10**13}, "facts.ticket_price_fen"),
        ("absorption", {"employer": "厂" * 201}, "facts.employer"),
    ],
)
def test_out_of_range_facts_are_refused_naming_the_fact(
    claims: ClaimsService, claim_type: str, changes: dict[str, Any], fact: str
) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, claim_type, **changes)
    assert refusal(excinfo) == ({t: c.rule for t, c in CLAIM_TYPES.items()}[claim_type], fact)


def test_a_claim_and_its_steps_are_not_dated_after_today(app: PostLedger) -> None:
    app.clock = BusinessClock.fixed(DAY)
    claims = ClaimsService(app)
    with pytest.raises(InvalidInput) as future_claim:
        submit(claims, "startup", on=date(2024, 6, 2))
    assert refusal(future_claim) == ("R-INPUT-2", "date")
    assert "after today (2024-06-01" in future_claim.value.detail
    claim = approve(claims, submit(claims, "startup"))
    with acting_as(REVIEWER), pytest.raises(InvalidInput) as future_payment:
        claims.pay(claim.id, date=date(2024, 6, 2))
    assert refusal(future_payment) == ("R-INPUT-2", "date")
    with acting_as(REVIEWER):
        assert claims.pay(claim.id, date=DAY).state.value == "paid"


def test_a_day_of_training_is_paid_once_whatever_the_course_is_called(
    claims: ClaimsService,
) -> None:
    first = submit(claims, "training_days", course="chef", trained_from="2024-05-06")
    assert first.amount_fen == 5 * 10_000
    approve(claims, first)
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "training_days", course="chef course", trained_from="2024-05-08")
    assert refusal(excinfo) == ("R-SUB-TRAINDAY", "facts.trained_from")
    assert "2024-05-08 to 2024-05-10 (3 days)" in excinfo.value.detail
    after = submit(claims, "training_days", course="welder", trained_from="2024-05-11")
    assert after.facts["trained_from"] == "2024-05-11"
    with pytest.raises(InvalidInput) as late:
        submit(claims, "training_days", course="electrician", trained_from="2024-05-30")
    assert refusal(late) == ("R-SUB-TRAINDAY", "facts.trained_from")


def test_a_county_may_require_the_training_period(app: PostLedger, claims: ClaimsService) -> None:
    set_subsidies(app, {"training_days": {"period_required": True}})
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "training_days", course="chef")
    assert refusal(excinfo) == ("R-SUB-TRAINDAY", "facts.trained_from")
    assert submit(claims, "training_days", trained_from="2024-05-06").amount_fen == 50_000


@pytest.mark.parametrize(
    ("claim_type", "changes", "fact"),
    [
        # 002 pays labour export 300 / 200: nothing for work within the county
        ("labour_export", {"workers": [dict(w, contract_months=12)
                                       for w in _export_workers(["in_county"])]},
         "facts.workers[0].destination"),
        # ...and on a contract of at least a year
        ("labour_export", {"workers": [dict(w, contract_months=11)
                                       for w in _export_workers(["other_province"])]},
         "facts.workers[0].contract_months"),
        # 002 pays transport for work in another province only
        ("transport", {"destination": "other_county"}, "facts.destination"),
    ],
)
def test_what_yunnan_does_not_pay(
    app: PostLedger, claims: ClaimsService, claim_type: str, changes: dict[str, Any], fact: str
) -> None:
    set_subsidies(app, YUNNAN_SUBSIDIES)
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, claim_type, **changes)
    assert refusal(excinfo) == ({t: c.rule for t, c in CLAIM_TYPES.items()}[claim_type], fact)


def test_the_same_certificate_level_is_not_paid_again_under_another_contract_date(
    claims: ClaimsService,
) -> None:
    approve(claims, submit(claims, "job_training", certificate_level="training_pass"))
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "job_training", certificate_level="training_pass",
               contract_signed_on="2024-01-11")
    assert refusal(excinfo) == ("R-SUB-JOBTRAIN", "facts.certificate_level")


@pytest.mark.parametrize("hired_on", [20230501, "2023-W18-1", "2023-5-1", "20230501"])
def test_dates_are_written_yyyy_mm_dd(claims: ClaimsService, hired_on: Any) -> None:
    workers = [dict(w, hired_on=hired_on) for w in _absorbed(3, relocated=False)]
    with pytest.raises(InvalidInput) as excinfo:
        submit(claims, "absorption", workers=workers)
    assert refusal(excinfo) == ("R-SUB-ABSORB", "facts.workers[0].hired_on")


def test_a_claim_date_out_of_range_and_an_overlong_county_are_refused(
    claims: ClaimsService,
) -> None:
    with pytest.raises(InvalidInput) as ancient:
        submit(claims, "social_insurance", on=date(1, 1, 5))
    assert refusal(ancient) == (None, "date")
    with acting_as(ADMIN), pytest.raises(InvalidInput) as county:
        claims.submit(claim_type="transport", county="县" * 65, date=DAY, claimant=PERSON,
                      facts=facts("transport"))
    assert refusal(county) == (None, "county")


def test_a_malformed_county_table_is_refused_when_it_is_put(app: PostLedger) -> None:
    """No table the schema accepts can fail at a clerk's claim: a malformed one is a 422 at
    PUT naming the claim type's rule and the field."""
    for subsidies, rule, fact in [
        ({"certificate": {"limit_groups": ["driving_b2"]}}, "R-SUB-CERT",
         "subsidies.certificate.limit_groups"),
        ({"absorption": {"tiers": ["2000 a head"]}}, "R-SUB-ABSORB", "subsidies.absorption.tiers"),
        ({"transport": {"caps_fen": {"other_province": "lots"}}}, "R-SUB-TRANSPORT",
         "subsidies.transport.caps_fen.other_province"),
    ]:
        with pytest.raises(InvalidInput) as excinfo:
            set_subsidies(app, subsidies)
        assert refusal(excinfo) == (rule, fact)
