"""The places where the service did what the rules do not say (issue 11), each as a scenario:
given events, when a command, then the event or the refusal with its rule id (RULES.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from postledger.domain.actor import acting_as
from postledger.domain.age import age_exit_day, age_on, within_age_range
from postledger.domain.errors import Forbidden, InvalidInput, PostLedgerError, StepNotAllowed
from postledger.domain.placement import Placement
from tests.scenario import ADMIN, COUNTY, COUNTY_STAFF, SIGNED, TOWNSHIP_STAFF, County, person


def refused(error: type[PostLedgerError], rule: str, command: Callable[[], Any]) -> PostLedgerError:
    with acting_as(ADMIN), pytest.raises(error) as caught:
        command()
    assert caught.value.rule == rule, caught.value.detail
    return caught.value


def as_admin(command: Callable[[], Any]) -> Any:
    with acting_as(ADMIN):
        return command()


def policy(county: County, since: date = date(2020, 1, 1), **terms: Any) -> None:
    as_admin(lambda: county.ledger.set_policy(COUNTY, since, terms))


@pytest.fixture
def county() -> County:
    return County(headcount=10)


# ------------------------------------------------------------------ R-ELIG-1: one reading of age
def test_one_age_reading_completed_years_both_ends_in_over_65_from_the_66th_birthday() -> None:
    born = date(1959, 3, 10)
    assert age_on(born, date(2024, 3, 9)) == 64
    assert within_age_range(born, date(2024, 3, 10), 16, 65)  # 65 is in
    assert within_age_range(born, date(2025, 3, 9), 16, 65)  # the last day of 65
    assert not within_age_range(born, date(2025, 3, 10), 16, 65)  # over 65
    assert age_exit_day(born, 65) == date(2025, 3, 10)
    assert age_exit_day(date(1960, 2, 29), 65) == date(2026, 3, 1)  # common year: 1 March


def test_application_onboarding_and_automatic_exit_agree_at_65(county: County) -> None:
    # 65 on 2024-01-05 (application) and on 2024-01-15 (onboarding): both accept.
    p = county.placement_in("active", birth=date(1958, 12, 20))
    assert p.state.value == "active"
    terms = county.ledger.terms(COUNTY, date(2024, 1, 15))
    # The automatic exit (the scheduler's) ends the agreement on the 66th birthday.
    assert p.automatic_end(terms) == (date(2024, 12, 20), "age_limit")


# ------------------------------------------------------------------ R-EXIT-2: extension
def _near_end(county: County, birth: date = date(1980, 1, 1), male: bool = True) -> Placement:
    """A placement whose agreement ends 2027-01-15, onboarded 2024-01-15."""
    return county.placement_in("active", birth=birth, male=male)


def extend(county: County, p: Placement, **changes: Any) -> Placement:
    on = changes.pop("date", date(2026, 12, 1))
    body: dict[str, Any] = {
        "date": on, "basis": "disabled", "until": date(2029, 1, 15),
        "evidence": "残疾人证 52052419800101", "hardship": True, "still_unemployed": True,
        "publicity_started_on": on - timedelta(days=6),
        "publicity_ended_on": on - timedelta(days=1), **changes,
    }
    result: Placement = county.ledger.extend(p.id, **body)
    return result


@pytest.mark.parametrize(("changes", "says"), [
    ({"hardship": False}, "hardship"),
    ({"evidence": " "}, "hardship"),
    ({"still_unemployed": False}, "still_unemployed"),
    ({"basis": "rich"}, "basis"),
    # its own publicity: at least publicity_days (5), ended on or before the decision
    ({"publicity_started_on": date(2026, 11, 27), "publicity_ended_on": date(2026, 11, 30)},
     "publicity"),
    ({"publicity_started_on": date(2026, 11, 25), "publicity_ended_on": date(2026, 12, 2)},
     "publicity"),
    # decided in the 60 days up to the agreement end (2027-01-15)
    ({"date": date(2026, 11, 15)}, "60 days"),
    # within the term plus extension_years_max (5)
    ({"until": date(2032, 1, 16)}, "at most 5 years"),
])
def test_an_extension_is_refused_unless_every_condition_holds(
    county: County, changes: dict[str, Any], says: str
) -> None:
    p = _near_end(county)
    error = refused(InvalidInput, "R-EXIT-2", lambda: extend(county, p, **changes))
    assert says in error.detail


def test_a_township_may_not_extend_the_county_centre_does(county: County) -> None:
    p = _near_end(county)
    with acting_as(TOWNSHIP_STAFF), pytest.raises(Forbidden):
        extend(county, p)
    with acting_as(COUNTY_STAFF):
        done = extend(county, p)
    assert done.agreement_end == date(2029, 1, 15)
    assert done.extensions[0]["evidence"].startswith("残疾人证")
    assert done.extensions[0]["publicity_ended_on"] == date(2026, 11, 30)


def test_near_retirement_is_checked_against_the_person(county: County) -> None:
    # A 30-year-old is not near retirement (RULES.md: under 5 years to the statutory age).
    young = county.placement_in("active", n=1, birth=date(1996, 6, 1))
    error = refused(InvalidInput, "R-EXIT-2", lambda: extend(county, young,
                                                             basis="near_retirement"))
    assert "strictly less than 5 years" in error.detail
    # A man born 1967-01-01 retires at 60 on 2027-01-01: on 2026-12-01 he is under 5 years.
    man = county.placement_in("active", n=2, birth=date(1967, 1, 1))
    assert as_admin(lambda: extend(county, man, basis="near_retirement")).extensions
    # Exactly 5 years before retirement is not "不足5年": a man born 1971-12-01 (60 on
    # 2031-12-01) on 2026-12-01.
    five = county.placement_in("active", n=3, birth=date(1971, 12, 1))
    refused(InvalidInput, "R-EXIT-2", lambda: extend(county, five, basis="near_retirement"))
    # A woman retires at 50: born 1977-06-01 she is under 5 years from it on 2026-12-01.
    woman = county.placement_in("active", n=4, birth=date(1977, 6, 1), male=False)
    assert as_admin(lambda: extend(county, woman, basis="near_retirement")).extensions


# ------------------------------------------------------------------ R-POST-2: minimum wage
def test_a_full_time_post_pays_at_least_the_minimum_wage(county: County) -> None:
    policy(county, date(2000, 1, 1), minimum_wage_fen=158_000)

    def post(full_time: bool, subsidy: int | None) -> Any:
        with acting_as(COUNTY_STAFF):
            return county.ledger.create_post(
                county=COUNTY, township="chengguan", village="dongmen", department="教育局",
                kind="school", title="护校员", headcount=1, monthly_subsidy_fen=subsidy,
                full_time=full_time)

    error = refused(InvalidInput, "R-POST-2", lambda: post(True, 50_000))
    assert "158000" in error.detail
    refused(InvalidInput, "R-POST-2", lambda: post(True, None))  # the county's 500 yuan
    assert post(True, 160_000).full_time
    assert post(False, 50_000).monthly_subsidy_fen == 50_000  # part-time: by workload


# ------------------------------------------------------------------ R-POST-3: the standard
def test_the_notice_records_the_subsidy_standard(county: County) -> None:
    with acting_as(ADMIN):
        published = county.ledger.get_post(county.post_id)
    assert published.notices[0]["subsidy_fen"] == 50_000  # the county's standard
    with acting_as(ADMIN):
        again = county.ledger.publish_notice(
            county.post_id, date=date(2024, 2, 1), closes_on=date(2024, 2, 10),
            conditions="未脱贫劳动力", duties="道路养护", subsidy_fen=45_000)
    assert again.notices[-1]["subsidy_fen"] == 45_000


# ------------------------------------------------------------------ R-ELIG-3: categories
def test_zhijin_posts_are_for_households_not_yet_lifted(county: County) -> None:
    as_admin(lambda: county.ledger.set_policy(COUNTY, date(2020, 1, 1), {}, preset="zhijin"))
    error = refused(InvalidInput, "R-ELIG-3", lambda: county.ledger.apply(
        county.post_id, date=date(2024, 1, 5), applicant=person(1, category="lifted")))
    assert "not_lifted" in error.detail
    ok = as_admin(lambda: county.ledger.apply(county.post_id, date=date(2024, 1, 5),
                                              applicant=person(2, category="not_lifted")))
    assert ok.state.value == "applied"


# ------------------------------------------------------------------ R-PAY-2: days worked
def attend(county: County, p: Placement, month: str, days: int, on: date) -> None:
    as_admin(lambda: county.ledger.record_attendance(p.id, date=on, month=month,
                                                     days_worked=days, signatures=SIGNED))


def test_a_month_with_0_days_worked_is_not_paid(county: County) -> None:
    p = county.placement_in("active")
    attend(county, p, "2024-01", 0, date(2024, 2, 1))
    error = refused(StepNotAllowed, "R-PAY-2", lambda: county.ledger.pay(
        p.id, date=date(2024, 2, 5), month="2024-01", amount_fen=None))
    assert "0 days" in error.detail


def test_pay_pro_rata_is_a_county_option(county: County) -> None:
    policy(county, pay_pro_rata=True)
    p = county.placement_in("active")
    attend(county, p, "2024-02", 10, date(2024, 3, 1))  # February 2024: 21 working days
    paid = as_admin(lambda: county.ledger.pay(p.id, date=date(2024, 3, 5), month="2024-02",
                                              amount_fen=None))
    assert paid.payments["2024-02"]["amount_fen"] == 50_000 * 10 // 21
    attend(county, p, "2024-03", 25, date(2024, 4, 1))  # never above the standard
    paid = as_admin(lambda: county.ledger.pay(p.id, date=date(2024, 4, 5), month="2024-03",
                                              amount_fen=None))
    assert paid.payments["2024-03"]["amount_fen"] == 50_000


# ------------------------------------------------------------------ R-REV-1: overdue review
def test_an_overdue_annual_review_stops_pay(county: County) -> None:
    p = county.placement_in("active")  # onboarded 2024-01-15: first anniversary 2025-01-15
    attend(county, p, "2025-02", 20, date(2025, 3, 1))  # starts 17 days after: within grace
    as_admin(lambda: county.ledger.pay(p.id, date=date(2025, 3, 2), month="2025-02",
                                       amount_fen=None))
    attend(county, p, "2025-03", 20, date(2025, 4, 1))  # starts 45 days after: overdue
    error = refused(StepNotAllowed, "R-REV-1", lambda: county.ledger.pay(
        p.id, date=date(2025, 4, 2), month="2025-03", amount_fen=None))
    assert "2025-01-15" in error.detail
    # the review closing the 2025 anniversary is year 2025 (API.md); then the month is paid
    refused(InvalidInput, "R-REV-1", lambda: county.ledger.annual_review(
        p.id, date=date(2025, 4, 2), year=2024, passed=True, worker_signed=True))
    as_admin(lambda: county.ledger.annual_review(p.id, date=date(2025, 4, 2), year=2025,
                                                 passed=True, worker_signed=True))
    paid = as_admin(lambda: county.ledger.pay(p.id, date=date(2025, 4, 3), month="2025-03",
                                              amount_fen=None))
    assert "2025-03" in paid.payments


# ------------------------------------------------------------------ R-PAY-3: clawback
def test_monthly_post_pay_is_clawed_back_never_more_than_paid(county: County) -> None:
    p = county.placement_in("active")
    attend(county, p, "2024-01", 20, date(2024, 2, 1))
    as_admin(lambda: county.ledger.pay(p.id, date=date(2024, 2, 5), month="2024-01",
                                       amount_fen=None))

    def claw(amount: int, month: str = "2024-01") -> Placement:
        result: Placement = county.ledger.claw_back(
            p.id, date=date(2024, 3, 1), month=month, amount_fen=amount,
            reason="挂岗：本人在外务工", ground="R-FRAUD-7", evidence="2024-02 督查记录")
        return result

    refused(StepNotAllowed, "R-PAY-3", lambda: claw(100, month="2024-02"))  # not paid
    once = as_admin(lambda: claw(30_000))
    assert once.clawbacks == [{"date": date(2024, 3, 1), "month": "2024-01",
                               "amount_fen": 30_000, "reason": "挂岗：本人在外务工",
                               "ground": "R-FRAUD-7", "evidence": "2024-02 督查记录"}]
    assert once.payments["2024-01"]["amount_fen"] == 50_000  # the payment stays in history
    error = refused(InvalidInput, "R-PAY-3", lambda: claw(20_001))
    assert "1 to 20000" in error.detail
    # after the exit too: the money of an ended placement is still recovered
    as_admin(lambda: county.ledger.leave(p.id, date=date(2024, 3, 2), reason="dismissed",
                                         ground=1))
    done = as_admin(lambda: county.ledger.claw_back(
        p.id, date=date(2024, 3, 3), month="2024-01", amount_fen=20_000, reason="追回余额"))
    assert sum(c["amount_fen"] for c in done.clawbacks) == 50_000
    assert county.event_types(p.id)[-1] == "ClawedBack"


# ------------------------------------------------------------------ R-FLOW-4: selection
def test_a_county_may_require_a_selection_before_publicity(county: County) -> None:
    policy(county, selection_required=True)
    p = county.placement_in("township_approved")
    refused(StepNotAllowed, "R-FLOW-4", lambda: county.ledger.start_publicity(
        p.id, date=date(2024, 1, 8), ends_on=None))
    refused(InvalidInput, "R-FLOW-4", lambda: county.ledger.select(
        p.id, date=date(2024, 1, 8), method="lottery", passed=True, score=None))
    selected = as_admin(lambda: county.ledger.select(p.id, date=date(2024, 1, 8),
                                                     method="interview", passed=True, score=82))
    assert selected.state.value == "selected"
    started = as_admin(lambda: county.ledger.start_publicity(p.id, date=date(2024, 1, 9),
                                                             ends_on=None))
    assert started.state.value == "in_publicity"


def test_a_failed_selection_rejects(county: County) -> None:
    p = county.placement_in("township_approved")
    done = as_admin(lambda: county.ledger.select(p.id, date=date(2024, 1, 8),
                                                 method="written_exam", passed=False, score=41))
    assert done.state.value == "rejected"
    assert county.event_types(p.id)[-1] == "Selected"


def test_without_the_requirement_publicity_follows_the_township_review(county: County) -> None:
    p = county.placement_in("in_publicity")
    assert p.state.value == "in_publicity"
