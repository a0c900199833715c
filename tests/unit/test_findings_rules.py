"""The fraud signals read from one placement's history (src/projections/findings_rules.py):
given a history, when the rules read it, then the findings and the events they cite — for the
cases the service's own commands refuse to record, which older or imported history may hold."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from postledger.domain.policy_terms import PolicyTerms
from postledger.domain.presets import DEFAULT_TERMS
from postledger.projections.findings_rules import Step, Subject, subject_findings

STREAM = "11111111-1111-1111-1111-111111111111"
SIGNED = {"secretary": "罗书记", "member": "潘委员", "worker": "王五"}


def step(version: int, kind: str, day: date, late_days: int = 0, **data: Any) -> Step:
    at = datetime.combine(day + timedelta(days=late_days), time(2), tzinfo=UTC)
    return Step(stream_id=STREAM, version=version, kind=kind, day=day, recorded_at=at,
                actor={"role": "township", "jurisdiction": "520524/chengguan", "name": "wang"},
                data=data)


def placement(*steps: Step, notices: list[Any] | None = None) -> Subject:
    return Subject(subject_id=STREAM, imported=False, county="520524", township="chengguan",
                   path="520524/chengguan/dongmen", person_hash="p", household_hash=None,
                   address_hash=None, birth_date=date(1980, 1, 1), steps=list(steps),
                   terms=lambda day: DEFAULT_TERMS,
                   notices=notices if notices is not None
                   else [(date(2024, 1, 1), date(2024, 1, 10), ("post", 2))])


def walk_to_active() -> list[Step]:
    return [step(1, "applied", date(2024, 1, 5)), step(2, "publicity_started", date(2024, 1, 8),
                                                       ends_on=date(2024, 1, 13)),
            step(3, "approved", date(2024, 1, 13)),
            step(4, "onboarded", date(2024, 1, 15), agreement_end=date(2027, 1, 15))]


def found(subject: Subject) -> list[tuple[str, list[int]]]:
    return sorted((f.rule, sorted(v for _, v in f.events)) for f in subject_findings(subject))


def test_a_clean_history_has_no_findings() -> None:
    months = [step(5 + i, "attendance_recorded", date(2024, 2 + i, 2), month=f"2024-0{1 + i}",
                   days=20 + i, sig=SIGNED) for i in range(3)]
    assert found(placement(*walk_to_active(), *months)) == []


def test_dates_going_backwards_are_backdating_but_an_automatic_end_is_not() -> None:
    history = [*walk_to_active(),
               step(5, "attendance_recorded", date(2024, 3, 2), month="2024-02", days=20,
                    sig=SIGNED),
               step(6, "attendance_recorded", date(2024, 2, 2), month="2024-01", days=21,
                    sig=SIGNED)]
    assert found(placement(*history)) == [("R-FRAUD-9", [5, 6])]
    ended = [*walk_to_active(),
             step(5, "attendance_recorded", date(2024, 3, 2), month="2024-02", days=20,
                  sig=SIGNED),
             step(6, "ended_automatically", date(2024, 2, 20), reason="age_limit")]
    assert found(placement(*ended)) == []


def test_a_step_recorded_more_than_backdating_days_after_its_date() -> None:
    history = walk_to_active()
    history[3] = step(4, "onboarded", date(2024, 1, 15), late_days=61,
                      agreement_end=date(2027, 1, 15))
    assert found(placement(*history)) == [("R-FRAUD-9", [4])]
    history[3] = step(4, "onboarded", date(2024, 1, 15), late_days=60,
                      agreement_end=date(2027, 1, 15))
    assert found(placement(*history)) == []  # 60 days is allowed (backdating_days)


def test_approval_without_publicity_or_with_a_short_notice() -> None:
    history = [step(1, "applied", date(2024, 1, 5)), step(2, "approved", date(2024, 1, 13))]
    assert found(placement(*history)) == [("R-FRAUD-4", [2])]
    short = [(date(2024, 1, 8), date(2024, 1, 20), ("post", 2))]  # 5 days by approval
    assert found(placement(*walk_to_active(), notices=short)) == [("R-FRAUD-4", [2, 3])]


def test_twelve_identical_months_are_flagged_unless_an_annual_review_falls_within() -> None:
    months = [step(5 + i, "attendance_recorded", date(2024 + (i + 1) // 12, (i + 1) % 12 + 1, 2),
                   month=f"2024-{i + 1:02d}", days=22, sig=SIGNED) for i in range(12)]
    assert found(placement(*walk_to_active(), *months)) == [("R-FRAUD-7", list(range(5, 17)))]
    reviewed = step(17, "annually_reviewed", date(2025, 1, 10), year=2025, passed=True)
    assert found(placement(*walk_to_active(), *months, reviewed)) == []
    assert found(placement(*walk_to_active(), *months[:11])) == []


def test_a_county_s_own_age_range_is_read_on_the_step_s_date() -> None:
    strict = PolicyTerms(age_min=18)
    subject = placement(*walk_to_active())
    subject.birth_date = date(2007, 1, 1)  # 17 on application, 17 at onboarding
    subject.terms = lambda day: strict
    assert found(subject) == [("R-FRAUD-6", [1]), ("R-FRAUD-6", [4])]
    subject.terms = lambda day: DEFAULT_TERMS
    assert found(subject) == []


def test_a_payment_clawed_back_in_full_is_no_longer_paid_but_a_partial_one_is() -> None:
    # Given a month paid with no signed attendance (R-FRAUD-1), from history older than the
    # service's own refusal (R-PAY-2)
    paid = [*walk_to_active(), step(5, "paid", date(2024, 2, 3), month="2024-01", amount=50000)]
    assert found(placement(*paid)) == [("R-FRAUD-1", [5])]
    # when part of it is clawed back, it is still paid
    part = step(6, "clawed_back", date(2024, 3, 1), month="2024-01", amount=20000)
    assert found(placement(*paid, part)) == [("R-FRAUD-1", [5])]
    # when the rest is clawed back too (R-PAY-3), the money is recovered: no finding
    rest = step(7, "clawed_back", date(2024, 3, 2), month="2024-01", amount=30000)
    assert found(placement(*paid, part, rest)) == []
    # and a clawback of another month recovers nothing of this one
    other = step(6, "clawed_back", date(2024, 3, 1), month="2024-02", amount=50000)
    assert found(placement(*paid, other)) == [("R-FRAUD-1", [5])]
