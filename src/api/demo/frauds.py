"""Frauds planted in the demo that the service records because each step on its own is
allowed; the audit finds them across records (RULES.md §5)."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from postledger.domain.actor import Actor, acting_as
from postledger.workflows.application import PostLedger

# The demo's two years of history are recorded on the day it is loaded; its county's policy
# allows that much delay (R-FRAUD-9 ``backdating_days``), a county in real use keeps the 60
# days of RULES.md. A planted backdating case lies beyond it.
DEMO_BACKDATING_DAYS = 900
BACKDATED_BY = 980


def plant_backdated(ledger: PostLedger, county: str, township: str, village: str,
                    applicant: dict[str, str], today: date) -> UUID:
    """R-FRAUD-9: a whole placement, from its post's notice to the worker resigning, entered
    today with dates more than ``DEMO_BACKDATING_DAYS`` ago."""
    day = today - timedelta(days=BACKDATED_BY)
    path = f"{county}/{township}/{village}"
    township_staff = Actor("township", f"{county}/{township}", f"{township} 乡镇 潘")
    with acting_as(Actor("county", county, "县人社局 李")):
        post = ledger.create_post(county=county, township=township, village=village,
                                  department="交通局", kind="road", title="护路员（补录）",
                                  headcount=1, monthly_subsidy_fen=None, full_time=False)
        ledger.publish_notice(post.id, date=day - timedelta(days=20),
                              closes_on=day - timedelta(days=10),
                              conditions="建档立卡脱贫劳动力", duties="道路日常养护")
    with acting_as(Actor("clerk", path, f"{village} 文书")):
        placement = ledger.apply(post.id, date=day, applicant=applicant)
    with acting_as(Actor("village", path, f"{village} 村委 罗")):
        ledger.village_review(placement.id, date=day + timedelta(days=1), approve=True,
                              reason=None)
    with acting_as(township_staff):
        ledger.township_review(placement.id, date=day + timedelta(days=2), approve=True,
                               reason=None)
        started = ledger.start_publicity(placement.id, date=day + timedelta(days=3), ends_on=None)
        ends_on: date = (started.publicity or {})["ends_on"]
        ledger.approve(placement.id, date=ends_on)
        ledger.train(placement.id, date=ends_on + timedelta(days=1), hours=8, topic="岗前培训")
        ledger.onboard(placement.id, date=ends_on + timedelta(days=2), agreement_end=None)
        ledger.leave(placement.id, date=ends_on + timedelta(days=20), reason="resigned",
                     ground=None)
    return placement.id
