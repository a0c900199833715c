"""R-EXIT-1 automatic terminations, R-EXIT-2 extensions and R-REV-1 reminders, on both stores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from typing import Any

import pytest

from postledger.api.deps import Services
from postledger.domain.actor import acting_as
from postledger.domain.errors import StepNotAllowed
from postledger.infrastructure.settings import Settings
from postledger.workflows.scheduler import Scheduler, SchedulerReport
from tests.scenario import ADMIN, SCENARIO_TODAY, SIGNED, County


def extend(services: Services, placement_id: Any, basis: str, until: date) -> None:
    """R-EXIT-2 by the county centre, every condition met, decided on 2026-12-01."""
    with acting_as(ADMIN):
        services.ledger.extend(
            placement_id, date=date(2026, 12, 1), basis=basis, until=until,
            evidence="低保证 2026-118", hardship=True, still_unemployed=True,
            publicity_started_on=date(2026, 11, 20), publicity_ended_on=date(2026, 11, 25))


def run(services: Services, as_of: date) -> SchedulerReport:
    with acting_as(ADMIN):
        return Scheduler(services.ledger, services.read_model).run(as_of)


def exits(report: SchedulerReport) -> dict[str, tuple[str, str]]:
    return {row["placement_id"]: (row["date"], row["reason"]) for row in report.exited}


@pytest.fixture
def county(services: Services) -> County:
    services.ledger.clock = SCENARIO_TODAY  # the runs below are dated up to 2031
    return County(services.ledger, headcount=20)


def test_the_term_ends_on_the_agreements_last_day_and_only_once(
    services: Services, county: County
) -> None:
    p = county.placement_in("active")  # onboarded 2024-01-15, agreement to 2027-01-15
    before = run(services, date(2027, 1, 14))
    assert before.exited == []
    assert [r["ends_on"] for r in before.ending_soon] == ["2027-01-15"]

    on_the_day = run(services, date(2027, 3, 1))
    assert exits(on_the_day) == {str(p.id): ("2027-01-15", "term_expired")}
    ended = county.get(p.id)
    assert ended.state.value == "exited"
    assert ended.exit == {"date": date(2027, 1, 15), "reason": "term_expired", "ground": None}
    assert county.ledger.history(p.id)[-1].actor["role"] == "system"

    again = run(services, date(2027, 3, 1))
    assert again.exited == []
    assert county.event_types(p.id).count("EndedAutomatically") == 1


def test_the_age_limit_ends_the_agreement_on_the_66th_birthday(
    services: Services, county: County
) -> None:
    """R-ELIG-1: 65 is in; "超过65周岁" begins on the 66th birthday."""
    p = county.placement_in("active", birth=date(1959, 3, 10))
    assert run(services, date(2025, 3, 9)).exited == []
    assert exits(run(services, date(2025, 6, 1))) == {str(p.id): ("2025-03-10", "age_limit")}


def test_a_29_february_birthday_reaches_66_on_1_march(services: Services, county: County) -> None:
    p = county.placement_in("active", birth=date(1960, 2, 29))
    assert run(services, date(2026, 2, 28)).exited == []
    assert exits(run(services, date(2026, 3, 1))) == {str(p.id): ("2026-03-01", "age_limit")}


def test_the_county_age_limit_in_force_applies(services: Services, county: County) -> None:
    p = county.placement_in("active", birth=date(1966, 5, 1))
    with acting_as(ADMIN):
        services.ledger.set_policy("520524", date(2024, 6, 1), {"age_max": 58})
    assert exits(run(services, date(2025, 7, 1))) == {str(p.id): ("2025-05-01", "age_limit")}


def test_an_extension_moves_the_term_but_not_the_age_limit(
    services: Services, county: County
) -> None:
    young = county.placement_in("active", n=1)
    old = county.placement_in("active", n=2, birth=date(1962, 6, 1))  # 66 on 2028-06-01
    for p in (young, old):
        extend(services, p.id, "disabled", until=date(2030, 1, 15))
    assert run(services, date(2027, 6, 1)).exited == []
    assert exits(run(services, date(2028, 7, 1))) == {str(old.id): ("2028-06-01", "age_limit")}
    assert exits(run(services, date(2030, 2, 1))) == {str(young.id): ("2030-01-15",
                                                                        "term_expired")}


def test_near_retirement_passes_the_age_limit_only_where_the_county_allows(
    services: Services, county: County
) -> None:
    # A man born 1967-06-01 retires at 60 on 2027-06-01: on 2026-12-01 he is under 5 years
    # from it (R-EXIT-2); the county's age limit 60 would end the placement on 2028-06-01.
    p = county.placement_in("active", birth=date(1967, 6, 1))
    with acting_as(ADMIN):
        services.ledger.set_policy("520524", date(2024, 1, 1), {"age_max": 60})
    extend(services, p.id, "near_retirement", until=date(2029, 1, 15))
    with acting_as(ADMIN):
        services.ledger.set_policy("520524", date(2028, 1, 1),
                                   {"age_max": 60, "near_retirement_past_age_max": True})
    assert run(services, date(2028, 7, 1)).exited == []
    assert exits(run(services, date(2029, 2, 1))) == {str(p.id): ("2029-01-15", "term_expired")}


def test_reviews_fall_due_on_each_anniversary_of_onboarding(
    services: Services, county: County
) -> None:
    p = county.placement_in("active")
    assert run(services, date(2025, 1, 14)).reviews_due == []
    due = run(services, date(2025, 1, 20)).reviews_due
    assert [(r["placement_id"], r["due_on"], r["overdue_days"]) for r in due] == [
        (str(p.id), "2025-01-15", 5)]
    with acting_as(ADMIN):
        services.ledger.annual_review(p.id, date=date(2025, 1, 25), year=2025, passed=True,
                                      worker_signed=True)
    # the next falls due on the next anniversary of onboarding, whenever the last was held:
    # the one reading of R-REV-1 that pay also uses
    assert run(services, date(2026, 1, 14)).reviews_due == []
    assert [r["due_on"] for r in run(services, date(2026, 1, 15)).reviews_due] == ["2026-01-15"]


def test_a_review_held_early_closes_its_anniversary_and_the_next_falls_due_a_year_on(
    services: Services, county: County
) -> None:
    p = county.placement_in("active")  # onboarded 2024-01-15
    with acting_as(ADMIN):  # a year-end review, a month before the anniversary it closes
        services.ledger.annual_review(p.id, date=date(2024, 12, 15), year=2025, passed=True,
                                      worker_signed=True)
    assert run(services, date(2025, 12, 20)).reviews_due == []
    assert [(r["due_on"], r["overdue_days"]) for r in
            run(services, date(2026, 1, 20)).reviews_due] == [("2026-01-15", 5)]


def test_no_pay_for_a_month_after_the_agreement_ended_even_before_the_run(
    services: Services, county: County
) -> None:
    p = county.placement_in("active", birth=date(1959, 3, 10))  # 66 on 2025-03-10
    with acting_as(ADMIN):
        services.ledger.annual_review(p.id, date=date(2025, 1, 20), year=2025, passed=True,
                                      worker_signed=True)
        services.ledger.record_attendance(p.id, date=date(2025, 3, 31), month="2025-03",
                                          days_worked=9, signatures=SIGNED)
        services.ledger.pay(p.id, date=date(2025, 4, 5), month="2025-03", amount_fen=15_000)
        with pytest.raises(StepNotAllowed) as refused:
            services.ledger.record_attendance(p.id, date=date(2025, 4, 30), month="2025-04",
                                              days_worked=20, signatures=SIGNED)
    assert refused.value.rule == "R-EXIT-1"
    run(services, date(2025, 5, 1))
    with acting_as(ADMIN), pytest.raises(StepNotAllowed) as after_exit:
        services.ledger.pay(p.id, date=date(2025, 5, 2), month="2025-03", amount_fen=None)
    assert after_exit.value.rule == "R-FLOW-1"


def test_a_run_that_crashes_midway_is_finished_by_the_next(
    services: Services, county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    placements = [county.placement_in("active", n=n) for n in range(1, 6)]
    original = services.ledger.end_automatically
    calls: list[Any] = []

    def crash_on_third(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        if len(calls) == 3:
            raise RuntimeError("power cut")
        return original(*args, **kwargs)

    monkeypatch.setattr(services.ledger, "end_automatically", crash_on_third)
    with pytest.raises(RuntimeError, match="power cut"):
        run(services, date(2027, 2, 1))
    states = [county.get(p.id).state.value for p in placements]
    assert sorted(states) == ["active", "active", "active", "exited", "exited"]
    for p in placements:  # each either ended whole or untouched
        ended = county.event_types(p.id).count("EndedAutomatically")
        assert ended == (1 if county.get(p.id).state.value == "exited" else 0)

    monkeypatch.setattr(services.ledger, "end_automatically", original)
    finished = run(services, date(2027, 2, 1))
    assert len(finished.exited) == 3
    assert all(county.get(p.id).state.value == "exited" for p in placements)
    assert all(county.event_types(p.id).count("EndedAutomatically") == 1 for p in placements)


def test_two_runner_processes_at_once_end_each_placement_once(
    services: Services, county: County, settings: Settings
) -> None:
    # Born 1959-06-01: 66 on 2025-06-01, a date the command line's real clock has passed.
    placements = [county.placement_in("active", n=n, birth=date(1959, 6, 1))
                  for n in range(1, 9)]
    env = {**os.environ, "POSTLEDGER_DATABASE_URL": settings.database_url,
           "POSTLEDGER_MODE": settings.mode}
    command = [sys.executable, "-c",
               "import sys, json; from postledger.api.cli import main; "
               "sys.exit(main(['scheduler', 'run', '--as-of', '2025-07-01']))"]
    runners = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [r.communicate(timeout=120) for r in runners]
    assert [r.returncode for r in runners] == [0, 0], outputs
    ended_lines = [line for out, _ in outputs for line in out.splitlines()
                   if line.startswith("exited")]
    assert len(ended_lines) == len(placements)  # between them, each ended once
    for p in placements:
        assert county.get(p.id).state.value == "exited"
        assert county.event_types(p.id).count("EndedAutomatically") == 1
    assert json.dumps(run(services, date(2025, 7, 1)).exited) == "[]"


def test_inside_serve_it_runs_once_a_day_at_the_configured_time(
    services: Services, county: County
) -> None:
    import threading
    from datetime import datetime, timedelta

    from postledger.infrastructure.clock import BUSINESS_TZ, BusinessClock
    from postledger.workflows.scheduler import DailyScheduler

    p = county.placement_in("active")
    now = [datetime(2027, 2, 1, 1, 0, tzinfo=BUSINESS_TZ)]
    ran: list[date] = []
    done = threading.Event()
    scheduler = Scheduler(services.ledger, services.read_model)
    real_run = scheduler.run

    def run_and_note(as_of: date, *args: Any, **kwargs: Any) -> SchedulerReport:
        report = real_run(as_of, *args, **kwargs)
        ran.append(as_of)
        done.set()
        return report

    scheduler.run = run_and_note  # type: ignore[method-assign]
    services.ledger.clock = BusinessClock(lambda: now[0])  # the one clock: runs and "today"
    daily = DailyScheduler(scheduler, "02:30", poll_seconds=0.01)
    daily.start()
    try:
        assert not done.wait(0.2)  # 01:00: not yet
        now[0] = now[0] + timedelta(hours=1, minutes=30)  # 02:30 Asia/Shanghai
        assert done.wait(5)
        done.clear()
        assert not done.wait(0.2)  # once a day
    finally:
        daily.stop()
    assert ran == [date(2027, 2, 1)]
    assert county.get(p.id).exit == {"date": date(2027, 1, 15), "reason": "term_expired",
                                     "ground": None}


def test_the_command_line_refuses_a_future_as_of_unless_it_is_a_dry_run(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from postledger.api.cli import main
    from postledger.api.main import open_services
    from postledger.domain.values import mask_resident_id

    services = open_services(settings)
    try:
        p = County(services.ledger).placement_in("active")  # ends 2027-01-15
    finally:
        services.close()
    monkeypatch.setenv("POSTLEDGER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("POSTLEDGER_MODE", settings.mode)  # production needs keys
    assert main(["scheduler", "run", "--as-of", "2099-01-01"]) == 2  # the real clock's today
    assert "R-INPUT-2" in capsys.readouterr().err
    assert main(["scheduler", "run", "--as-of", "2099-01-01", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would exit  2027-01-15  term_expired" in out and str(p.id) in out
    assert p.applicant["resident_id"] not in out
    assert mask_resident_id(p.applicant["resident_id"]) in out
    with pytest.raises(SystemExit):
        main(["scheduler", "run", "--as-of", "２０２５-０１-０１"])
    assert "R-INPUT-1" in capsys.readouterr().err
    services = open_services(settings)
    try:
        with acting_as(ADMIN):
            assert services.ledger.get_placement(p.id).state.value == "active"
    finally:
        services.close()
