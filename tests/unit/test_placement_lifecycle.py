"""Scenarios for every placement step (RULES.md §4), in memory: given events, when a command,
then the events recorded or the refusal with its rule id."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import pytest

from postledger.domain.actor import acting_as
from postledger.domain.errors import InvalidInput, LimitReached, PostLedgerError, StepNotAllowed
from postledger.domain.resident_id import ResidentId
from tests.scenario import ADMIN, CLERK, SIGNED, County, person


def refused(error: type[PostLedgerError], rule: str, command: Callable[[], Any]) -> PostLedgerError:
    with acting_as(ADMIN), pytest.raises(error) as caught:
        command()
    assert caught.value.rule == rule, caught.value.detail
    return caught.value


def as_admin(command: Callable[[], Any]) -> Any:
    with acting_as(ADMIN):
        return command()


@pytest.fixture
def county() -> County:
    return County()


# ------------------------------------------------------------------ the whole walk
def test_a_placement_goes_from_application_to_a_paid_month(county: County) -> None:
    p = county.placement_in("active")
    L = county.ledger
    as_admin(lambda: L.record_attendance(p.id, date=date(2024, 2, 1), month="2024-01",
                                         days_worked=16, signatures=SIGNED))
    paid = as_admin(lambda: L.pay(p.id, date=date(2024, 2, 5), month="2024-01", amount_fen=None))

    assert paid.state.value == "active"
    assert paid.payments["2024-01"]["amount_fen"] == 50_000  # R-PAY-1 default 500 yuan
    assert county.event_types(p.id) == [
        "Applied", "VillageReviewed", "TownshipReviewed", "PublicityStarted", "Approved",
        "Trained", "Onboarded", "AttendanceRecorded", "Paid",
    ]


def test_every_event_records_its_actor_date_and_chains_to_the_one_before(county: County) -> None:
    p = county.placement_in("in_publicity")
    history = county.ledger.history(p.id)
    assert history[0].actor == {"role": "clerk", "jurisdiction": CLERK.jurisdiction,
                                "name": "qian"}
    assert history[1].actor["role"] == "admin"
    assert [h.date for h in history] == [date(2024, 1, 5), date(2024, 1, 6), date(2024, 1, 7),
                                         date(2024, 1, 8)]
    assert history[0].previous_hash == ""
    for before, after in pairwise(history):
        assert after.previous_hash == before.hash


# ------------------------------------------------------------------ application
def test_application_refuses_an_invalid_resident_id(county: County) -> None:
    bad = {**person(1), "resident_id": "34052419800101001Y"}
    refused(InvalidInput, "R-ELIG-2", lambda: county.ledger.apply(
        county.post_id, date=date(2024, 1, 5), applicant=bad))


def test_application_refuses_a_gender_the_id_contradicts(county: County) -> None:
    male = person(1)  # odd sequence digit: male
    refused(InvalidInput, "R-ELIG-2", lambda: county.ledger.apply(
        county.post_id, date=date(2024, 1, 5), applicant={**male, "gender": "female"}))


@pytest.mark.parametrize("birth", [date(1958, 1, 5), date(2008, 1, 6)])
def test_application_refuses_ages_outside_16_to_65(county: County, birth: date) -> None:
    error = refused(InvalidInput, "R-ELIG-1", lambda: county.ledger.apply(
        county.post_id, date=date(2024, 1, 5), applicant=person(1, birth=birth)))
    assert "16 to 65" in error.detail


@pytest.mark.parametrize("birth", [date(1958, 1, 6), date(2008, 1, 5)])
def test_application_accepts_exactly_65_and_exactly_16(county: County, birth: date) -> None:
    p = as_admin(lambda: county.ledger.apply(county.post_id, date=date(2024, 1, 5),
                                             applicant=person(1, birth=birth)))
    assert p.state.value == "applied"


def test_a_county_policy_narrows_the_age_range_from_its_effective_date(county: County) -> None:
    as_admin(lambda: county.ledger.set_policy("520524", date(2024, 3, 1), {"age_max": 59}))
    sixty = person(1, birth=date(1963, 6, 1))
    before = as_admin(lambda: county.ledger.apply(county.post_id, date=date(2024, 2, 1),
                                                  applicant=sixty))
    assert before.state.value == "applied"
    refused(InvalidInput, "R-ELIG-1", lambda: county.ledger.apply(
        county.post_id, date=date(2024, 3, 1), applicant=person(2, birth=date(1963, 6, 1))))


def test_application_refuses_someone_not_on_the_poverty_registry(county: County) -> None:
    refused(InvalidInput, "R-POST-5", lambda: county.ledger.apply(
        county.post_id, date=date(2024, 1, 5), applicant=person(1, category="ordinary")))


def test_one_person_holds_one_placement_across_posts_and_townships(county: County) -> None:
    county.placement_in("active", n=1)
    elsewhere = county.new_post(township="shuangyan", village="hongqi")
    refused(LimitReached, "R-ELIG-4", lambda: county.ledger.apply(
        elsewhere, date=date(2024, 2, 1), applicant=person(1)))


def test_after_exit_the_person_may_apply_again(county: County) -> None:
    p = county.placement_in("active", n=1)
    as_admin(lambda: county.ledger.leave(p.id, date=date(2024, 6, 1), reason="resigned",
                                         ground=None))
    again = as_admin(lambda: county.ledger.apply(county.post_id, date=date(2024, 7, 1),
                                                 applicant=person(1)))
    assert again.state.value == "applied"


# ------------------------------------------------------------------ order
@pytest.mark.parametrize(
    "state, step",
    [
        ("applied", lambda L, p: L.township_review(p, date=date(2024, 2, 1), approve=True,
                                                   reason=None)),
        ("applied", lambda L, p: L.start_publicity(p, date=date(2024, 2, 1), ends_on=None)),
        ("village_approved", lambda L, p: L.approve(p, date=date(2024, 2, 1))),
        ("township_approved", lambda L, p: L.onboard(p, date=date(2024, 2, 1),
                                                     agreement_end=None)),
        ("approved", lambda L, p: L.onboard(p, date=date(2024, 2, 1), agreement_end=None)),
        ("trained", lambda L, p: L.record_attendance(p, date=date(2024, 2, 1), month="2024-01",
                                                     days_worked=3, signatures=SIGNED)),
        ("in_publicity", lambda L, p: L.village_review(p, date=date(2024, 2, 1), approve=True,
                                                       reason=None)),
    ],
)
def test_steps_out_of_order_are_refused(county: County, state: str, step: Any) -> None:
    p = county.placement_in(state)
    error = refused(StepNotAllowed, "R-FLOW-1", lambda: step(county.ledger, p.id))
    assert isinstance(error, StepNotAllowed) and error.state == state
    assert county.get(p.id).version == p.version  # nothing recorded


def test_a_step_dated_before_the_previous_one_is_refused(county: County) -> None:
    p = county.placement_in("village_approved")
    refused(InvalidInput, "R-FLOW-1", lambda: county.ledger.township_review(
        p.id, date=date(2024, 1, 5), approve=True, reason=None))


@pytest.mark.parametrize("level", ["village", "township"])
def test_a_rejection_ends_the_placement_with_its_reason(county: County, level: str) -> None:
    p = county.placement_in("applied" if level == "village" else "village_approved")
    review = getattr(county.ledger, f"{level}_review")
    refused(InvalidInput, "R-FLOW-2",
            lambda: review(p.id, date=date(2024, 1, 9), approve=False, reason=" "))
    done = as_admin(lambda: review(p.id, date=date(2024, 1, 9), approve=False, reason="收入超标"))
    assert done.state.value == "rejected"
    assert done.reviews[level]["reason"] == "收入超标"
    refused(StepNotAllowed, "R-FLOW-1",
            lambda: county.ledger.withdraw(p.id, date=date(2024, 1, 10)))


def test_a_rejected_person_is_free_to_apply_again(county: County) -> None:
    p = county.placement_in("applied")
    as_admin(lambda: county.ledger.village_review(p.id, date=date(2024, 1, 9), approve=False,
                                                  reason="材料不全"))
    again = as_admin(lambda: county.ledger.apply(county.post_id, date=date(2024, 2, 1),
                                                 applicant=person(1)))
    assert again.state.value == "applied"


@pytest.mark.parametrize("state", ["applied", "in_publicity", "approved", "trained"])
def test_the_applicant_may_withdraw_before_onboarding(county: County, state: str) -> None:
    p = county.placement_in(state)
    done = as_admin(lambda: county.ledger.withdraw(p.id, date=date(2024, 1, 20)))
    assert done.state.value == "withdrawn"


def test_withdrawal_after_onboarding_is_refused(county: County) -> None:
    p = county.placement_in("active")
    refused(StepNotAllowed, "R-FLOW-3", lambda: county.ledger.withdraw(p.id,
                                                                        date=date(2024, 2, 1)))


# ------------------------------------------------------------------ publicity
def test_publicity_shorter_than_5_days_is_refused(county: County) -> None:
    p = county.placement_in("township_approved")
    refused(InvalidInput, "R-PUB-1", lambda: county.ledger.start_publicity(
        p.id, date=date(2024, 1, 8), ends_on=date(2024, 1, 12)))


def test_publicity_defaults_to_the_countys_days(county: County) -> None:
    as_admin(lambda: county.ledger.set_policy("520524", date(2023, 1, 1),
                                              {"publicity_days": 7}))
    p = county.placement_in("in_publicity")
    assert p.publicity == {"date": date(2024, 1, 8), "ends_on": date(2024, 1, 15)}


def test_approval_before_publicity_has_run_is_refused(county: County) -> None:
    p = county.placement_in("in_publicity")
    refused(StepNotAllowed, "R-PUB-1",
            lambda: county.ledger.approve(p.id, date=date(2024, 1, 12)))


def test_an_open_objection_blocks_approval(county: County) -> None:
    p = county.placement_in("in_publicity")
    as_admin(lambda: county.ledger.raise_objection(
        p.id, date=date(2024, 1, 9), raised_by="村民", text="家有轿车"))
    refused(StepNotAllowed, "R-PUB-2", lambda: county.ledger.approve(p.id, date=date(2024, 1, 14)))
    assert county.get(p.id).state.value == "objection_pending"


def test_an_upheld_objection_rejects_the_placement(county: County) -> None:
    p = county.placement_in("in_publicity")
    _, oid = as_admin(lambda: county.ledger.raise_objection(
        p.id, date=date(2024, 1, 9), raised_by="村民", text="家有轿车"))
    done = as_admin(lambda: county.ledger.resolve_objection(
        p.id, oid, date=date(2024, 1, 11), upheld=True, reason="核实属实"))
    assert done.state.value == "rejected"


def test_a_dismissed_objection_resumes_publicity_and_approval_follows(county: County) -> None:
    p = county.placement_in("in_publicity")
    _, first = as_admin(lambda: county.ledger.raise_objection(
        p.id, date=date(2024, 1, 9), raised_by="村民甲", text="家有轿车"))
    _, second = as_admin(lambda: county.ledger.raise_objection(
        p.id, date=date(2024, 1, 10), raised_by="村民乙", text="有工作"))
    one = as_admin(lambda: county.ledger.resolve_objection(
        p.id, first, date=date(2024, 1, 11), upheld=False, reason="车辆为亲属所有"))
    assert one.state.value == "objection_pending"  # the second is still open
    both = as_admin(lambda: county.ledger.resolve_objection(
        p.id, second, date=date(2024, 1, 12), upheld=False, reason="无工作"))
    assert both.state.value == "in_publicity"
    approved = as_admin(lambda: county.ledger.approve(p.id, date=date(2024, 1, 13)))
    assert approved.state.value == "approved"


def test_an_objection_after_publicity_ended_is_refused(county: County) -> None:
    p = county.placement_in("in_publicity")
    refused(InvalidInput, "R-PUB-2", lambda: county.ledger.raise_objection(
        p.id, date=date(2024, 1, 14), raised_by="村民", text="迟到的异议"))


def test_an_objection_is_resolved_once(county: County) -> None:
    p = county.placement_in("in_publicity")
    _, first = as_admin(lambda: county.ledger.raise_objection(
        p.id, date=date(2024, 1, 9), raised_by="甲", text="一"))
    as_admin(lambda: county.ledger.raise_objection(p.id, date=date(2024, 1, 9), raised_by="乙",
                                                   text="二"))
    as_admin(lambda: county.ledger.resolve_objection(p.id, first, date=date(2024, 1, 10),
                                                     upheld=False, reason="不属实"))
    refused(StepNotAllowed, "R-PUB-2", lambda: county.ledger.resolve_objection(
        p.id, first, date=date(2024, 1, 11), upheld=True, reason="再议"))


# ------------------------------------------------------------------ recruitment notice
def test_a_notice_shorter_than_7_days_is_refused(county: County) -> None:
    refused(InvalidInput, "R-POST-3", lambda: county.ledger.publish_notice(
        county.post_id, date=date(2024, 1, 1), closes_on=date(2024, 1, 7), conditions="x",
        duties="y"))


def test_approval_for_a_post_without_a_notice_is_refused(county: County) -> None:
    bare = county.new_post(notice=False)
    p = county.placement_in("in_publicity", post_id=bare)
    error = refused(StepNotAllowed, "R-POST-3",
                    lambda: county.ledger.approve(p.id, date=date(2024, 1, 13)))
    assert "no recruitment notice" in error.detail


def test_approval_while_the_notice_has_run_under_7_days_is_refused(county: County) -> None:
    post = county.new_post(notice=False)
    as_admin(lambda: county.ledger.publish_notice(post, date=date(2024, 1, 8),
                                                  closes_on=date(2024, 1, 20), conditions="x",
                                                  duties="y"))
    p = county.placement_in("in_publicity", post_id=post)
    refused(StepNotAllowed, "R-POST-3", lambda: county.ledger.approve(p.id,
                                                                       date=date(2024, 1, 13)))


# ------------------------------------------------------------------ limits
def test_a_post_holds_no_more_than_its_headcount(county: County) -> None:
    post = county.new_post(headcount=1)
    county.placement_in("active", n=1, post_id=post)
    second = county.placement_in("trained", n=2, post_id=post)
    refused(LimitReached, "R-POST-4", lambda: county.ledger.onboard(
        second.id, date=date(2024, 1, 16), agreement_end=None))
    assert county.get(second.id).state.value == "trained"


def test_a_seat_is_freed_when_its_worker_leaves(county: County) -> None:
    post = county.new_post(headcount=1)
    first = county.placement_in("active", n=1, post_id=post)
    second = county.placement_in("trained", n=2, post_id=post)
    as_admin(lambda: county.ledger.leave(first.id, date=date(2024, 2, 1), reason="resigned",
                                         ground=None))
    done = as_admin(lambda: county.ledger.onboard(second.id, date=date(2024, 2, 2),
                                                  agreement_end=None))
    assert done.state.value == "active"


def test_the_edge_cap_counts_households_not_people(county: County) -> None:
    """R-ELIG-3: "边缘户每乡镇原则上不超过5户" — the cap counts households (户编号); the
    application that would make one too many is a 422, the approval a 409."""
    as_admin(lambda: county.ledger.set_policy("520524", date(2023, 1, 1),
                                              {"edge_cap_per_township": 2}))
    county.placement_in("approved", n=1, category="edge", household="H-1")
    second = county.placement_in("in_publicity", n=2, category="edge", household="H-2")
    third = county.placement_in("in_publicity", n=3, category="edge", household="H-3")
    as_admin(lambda: county.ledger.approve(second.id, date=date(2024, 1, 13)))
    error = refused(LimitReached, "R-ELIG-3", lambda: county.ledger.approve(
        third.id, date=date(2024, 1, 13)))
    assert "2 edge households" in error.detail
    refused(InvalidInput, "R-ELIG-3", lambda: county.ledger.apply(
        county.post_id, date=date(2024, 1, 5), applicant=person(4, category="edge",
                                                                  household="H-4")))
    # A second member of an approved household is the same household: not one more.
    same = county.placement_in("approved", n=5, category="edge", household="H-1")
    assert same.state.value == "approved"
    lifted = county.placement_in("approved", n=6, category="lifted")
    assert lifted.state.value == "approved"


def test_an_edge_place_is_freed_when_a_placement_ends(county: County) -> None:
    as_admin(lambda: county.ledger.set_policy("520524", date(2023, 1, 1),
                                              {"edge_cap_per_township": 1}))
    first = county.placement_in("approved", n=1, category="edge")
    as_admin(lambda: county.ledger.withdraw(first.id, date=date(2024, 1, 20)))
    second = county.placement_in("approved", n=2, category="edge")
    assert second.state.value == "approved"


# ------------------------------------------------------------------ training
@pytest.mark.parametrize("hours", [0, -8])
def test_training_of_no_hours_is_refused(county: County, hours: int) -> None:
    p = county.placement_in("approved")
    refused(InvalidInput, "R-FLOW-1", lambda: county.ledger.train(
        p.id, date=date(2024, 1, 14), hours=hours, topic="安全"))
    assert county.get(p.id).state.value == "approved"
    assert as_admin(lambda: county.ledger.train(
        p.id, date=date(2024, 1, 14), hours=None, topic="安全")).state.value == "trained"


# ------------------------------------------------------------------ onboarding
def test_onboarding_defaults_the_agreement_to_the_3_year_term(county: County) -> None:
    p = county.placement_in("active")
    assert p.onboarded_on == date(2024, 1, 15)
    assert p.agreement_end == date(2027, 1, 15)


def test_an_agreement_longer_than_the_term_is_refused(county: County) -> None:
    p = county.placement_in("trained")
    refused(InvalidInput, "R-EXIT-1", lambda: county.ledger.onboard(
        p.id, date=date(2024, 1, 15), agreement_end=date(2027, 1, 16)))


# ------------------------------------------------------------------ attendance and pay
@pytest.mark.parametrize(
    "signatures",
    [
        {"secretary": "罗", "member": "", "worker": "本人"},
        {"secretary": "罗", "member": "潘", "worker": " "},
        {"secretary": "罗", "member": "罗", "worker": "本人"},
        {"secretary": "本人", "member": "潘", "worker": "本人"},
    ],
)
def test_attendance_needs_three_different_signatures(county: County, signatures: Any) -> None:
    p = county.placement_in("active")
    refused(InvalidInput, "R-ATT-1", lambda: county.ledger.record_attendance(
        p.id, date=date(2024, 2, 1), month="2024-01", days_worked=10, signatures=signatures))


def test_attendance_is_recorded_once_a_month(county: County) -> None:
    p = county.placement_in("active")
    record = lambda: county.ledger.record_attendance(  # noqa: E731
        p.id, date=date(2024, 2, 1), month="2024-01", days_worked=10, signatures=SIGNED)
    as_admin(record)
    refused(StepNotAllowed, "R-ATT-1", record)


def test_attendance_for_more_days_than_the_month_has_is_refused(county: County) -> None:
    p = county.placement_in("active")
    refused(InvalidInput, "R-ATT-1", lambda: county.ledger.record_attendance(
        p.id, date=date(2024, 3, 1), month="2024-02", days_worked=30, signatures=SIGNED))


def test_attendance_for_a_month_before_onboarding_is_refused(county: County) -> None:
    p = county.placement_in("active")
    refused(InvalidInput, "R-PAY-2", lambda: county.ledger.record_attendance(
        p.id, date=date(2024, 2, 1), month="2023-12", days_worked=10, signatures=SIGNED))


def test_no_pay_without_that_months_signed_attendance(county: County) -> None:
    p = county.placement_in("active")
    as_admin(lambda: county.ledger.record_attendance(p.id, date=date(2024, 2, 1),
                                                     month="2024-01", days_worked=10,
                                                     signatures=SIGNED))
    refused(StepNotAllowed, "R-PAY-2", lambda: county.ledger.pay(
        p.id, date=date(2024, 3, 5), month="2024-02", amount_fen=None))


def test_a_month_is_paid_once(county: County) -> None:
    p = county.placement_in("active")
    as_admin(lambda: county.ledger.record_attendance(p.id, date=date(2024, 2, 1),
                                                     month="2024-01", days_worked=10,
                                                     signatures=SIGNED))
    pay = lambda: county.ledger.pay(p.id, date=date(2024, 2, 5), month="2024-01",  # noqa: E731
                                    amount_fen=None)
    as_admin(pay)
    error = refused(StepNotAllowed, "R-PAY-2", pay)
    assert "already paid" in error.detail


@pytest.mark.parametrize("state", ["trained", "approved"])
def test_no_pay_before_onboarding(county: County, state: str) -> None:
    p = county.placement_in(state)
    refused(StepNotAllowed, "R-PAY-2", lambda: county.ledger.pay(
        p.id, date=date(2024, 2, 5), month="2024-01", amount_fen=None))


def test_no_pay_after_exit(county: County) -> None:
    p = county.placement_in("active")
    as_admin(lambda: county.ledger.record_attendance(p.id, date=date(2024, 2, 1),
                                                     month="2024-01", days_worked=10,
                                                     signatures=SIGNED))
    as_admin(lambda: county.ledger.leave(p.id, date=date(2024, 2, 2), reason="resigned",
                                         ground=None))
    refused(StepNotAllowed, "R-FLOW-1", lambda: county.ledger.pay(
        p.id, date=date(2024, 2, 5), month="2024-01", amount_fen=None))


def test_pay_comes_from_the_county_policy_in_force_for_the_month(county: County) -> None:
    as_admin(lambda: county.ledger.set_policy("520524", date(2024, 2, 1),
                                              {"monthly_subsidy_fen": 40_000}))
    p = county.placement_in("active")
    for month, signed in (("2024-01", date(2024, 2, 1)), ("2024-02", date(2024, 3, 1))):
        as_admin(lambda m=month, d=signed: county.ledger.record_attendance(
            p.id, date=d, month=m, days_worked=10, signatures=SIGNED))
        as_admin(lambda m=month, d=signed: county.ledger.pay(p.id, date=d, month=m,
                                                              amount_fen=None))
    payments = county.get(p.id).payments
    assert payments["2024-01"]["amount_fen"] == 50_000
    assert payments["2024-02"]["amount_fen"] == 40_000


def test_pay_above_the_standard_is_refused_and_less_is_allowed(county: County) -> None:
    p = county.placement_in("active")
    as_admin(lambda: county.ledger.record_attendance(p.id, date=date(2024, 2, 1),
                                                     month="2024-01", days_worked=10,
                                                     signatures=SIGNED))
    refused(InvalidInput, "R-PAY-1", lambda: county.ledger.pay(
        p.id, date=date(2024, 2, 5), month="2024-01", amount_fen=50_001))
    done = as_admin(lambda: county.ledger.pay(p.id, date=date(2024, 2, 5), month="2024-01",
                                              amount_fen=25_000))
    assert done.payments["2024-01"]["amount_fen"] == 25_000


# ------------------------------------------------------------------ review, warnings, exit
def test_a_failed_annual_review_ends_the_agreement(county: County) -> None:
    p = county.placement_in("active")
    done = as_admin(lambda: county.ledger.annual_review(p.id, date=date(2025, 1, 10), year=2025,
                                                        passed=False, worker_signed=True))
    assert done.state.value == "exited"
    assert done.exit == {"date": date(2025, 1, 10), "reason": "review_failed", "ground": None}


def test_a_passed_review_keeps_the_placement_active_once_a_year(county: County) -> None:
    p = county.placement_in("active")
    review = lambda: county.ledger.annual_review(  # noqa: E731
        p.id, date=date(2025, 1, 10), year=2025, passed=True, worker_signed=True)
    assert as_admin(review).state.value == "active"
    refused(StepNotAllowed, "R-REV-1", review)


def test_an_unsigned_review_is_refused(county: County) -> None:
    p = county.placement_in("active")
    refused(InvalidInput, "R-REV-1", lambda: county.ledger.annual_review(
        p.id, date=date(2025, 1, 10), year=2025, passed=True, worker_signed=False))


def test_dismissal_names_its_ground(county: County) -> None:
    p = county.placement_in("active")
    refused(InvalidInput, "R-EXIT-3", lambda: county.ledger.leave(
        p.id, date=date(2024, 3, 1), reason="dismissed", ground=None))
    refused(InvalidInput, "R-EXIT-3", lambda: county.ledger.leave(
        p.id, date=date(2024, 3, 1), reason="dismissed", ground=6))
    done = as_admin(lambda: county.ledger.leave(p.id, date=date(2024, 3, 1), reason="dismissed",
                                                ground=3))
    assert done.exit == {"date": date(2024, 3, 1), "reason": "dismissed", "ground": 3}


def test_dismissal_for_not_correcting_needs_an_earlier_warning(county: County) -> None:
    p = county.placement_in("active")
    refused(StepNotAllowed, "R-EXIT-3", lambda: county.ledger.leave(
        p.id, date=date(2024, 3, 1), reason="dismissed", ground=4))
    as_admin(lambda: county.ledger.warn(p.id, date=date(2024, 3, 1), reason="连续三天未上岗"))
    done = as_admin(lambda: county.ledger.leave(p.id, date=date(2024, 4, 1), reason="dismissed",
                                                ground=4))
    assert done.state.value == "exited"


def test_an_unknown_exit_reason_is_refused(county: County) -> None:
    p = county.placement_in("active")
    refused(InvalidInput, "R-EXIT-3", lambda: county.ledger.leave(
        p.id, date=date(2024, 3, 1), reason="vanished", ground=None))


def extension(county: County, placement_id: Any, on: date, until: date,
              basis: str = "disabled") -> Any:
    """R-EXIT-2 with every condition met: hardship shown, still unemployed, a publicity of
    5 days ending the day before."""
    with acting_as(ADMIN):
        return county.ledger.extend(
            placement_id, date=on, basis=basis, until=until, evidence="残疾人证 52052419",
            hardship=True, still_unemployed=True,
            publicity_started_on=on - timedelta(days=6), publicity_ended_on=on - timedelta(days=1))


def test_extension_is_bounded_by_5_years_in_all(county: County) -> None:
    p = county.placement_in("active")  # agreement ends 2027-01-15
    refused(InvalidInput, "R-EXIT-2", lambda: extension(
        county, p.id, date(2026, 12, 1), until=date(2032, 1, 16)))
    refused(InvalidInput, "R-EXIT-2", lambda: extension(
        county, p.id, date(2026, 12, 1), basis="rich", until=date(2028, 1, 15)))
    once = extension(county, p.id, date(2026, 12, 1), until=date(2029, 1, 15))
    assert once.agreement_end == date(2029, 1, 15)
    twice = extension(county, p.id, date(2028, 12, 1), until=date(2032, 1, 15))
    assert twice.agreement_end == date(2032, 1, 15)
    refused(InvalidInput, "R-EXIT-2", lambda: extension(
        county, p.id, date(2031, 12, 1), until=date(2032, 2, 1)))


def test_onboarding_is_refused_from_the_66th_birthday(county: County) -> None:
    """R-ELIG-1: 65 is in at onboarding as at application; over 65 begins on the 66th
    birthday."""
    sixty_five = county.placement_in("trained", n=1, birth=date(1959, 1, 14))
    done = as_admin(lambda: county.ledger.onboard(sixty_five.id, date=date(2024, 1, 15),
                                                  agreement_end=None))
    assert done.state.value == "active"
    sixty_six = county.placement_in("trained", n=2, birth=date(1958, 1, 15))
    refused(InvalidInput, "R-ELIG-1", lambda: county.ledger.onboard(
        sixty_six.id, date=date(2024, 1, 15), agreement_end=None))


def test_the_placement_as_it_was_is_rebuilt_from_history(county: County) -> None:
    p = county.placement_in("active")
    history = county.ledger.history(p.id)
    then = history[3].recorded_at  # PublicityStarted
    with acting_as(ADMIN):
        past = county.ledger.get_placement(p.id, as_of=then)
    assert past.state.value == "in_publicity"
    assert past.version == 4
    assert ResidentId.parse(past.applicant["resident_id"])


def test_a_place_name_longer_than_64_characters_is_refused() -> None:
    county = County()
    with pytest.raises(InvalidInput) as excinfo:
        county.new_post(township="镇" * 65, notice=False)
    assert excinfo.value.rule == "R-POST-1"
    assert "township must be at most 64 characters" in excinfo.value.detail
