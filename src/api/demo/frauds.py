"""Frauds planted in the demo (RULES.md §5), one or more of every R-FRAUD kind, each the way an
inspector meets it: steps the service records because each on its own is allowed and only the
audit sees across records (R-FRAUD-3, 5, 7, 9), history imported from an old ledger file
(R-FRAUD-1, 2, 6: legacy.py), history recorded by an installation that did not check R-PUB-1
(R-FRAUD-4) and a stored event changed after the fact (R-FRAUD-8: tamper.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from postledger.api.demo.buffer import BufferedLedger
from postledger.api.demo.places import place_names
from postledger.domain.actor import Actor, acting_as
from postledger.workflows.officials import register_official

# R-FRAUD-9: the demo's county keeps the default 60 days (RULES.md); its history is recorded on
# the days it happened (buffer.py). The planted case is a whole placement entered today with
# dates this far back.
BACKDATED_BY = 200
SHORT_PUBLICITY_DAYS = 2  # R-FRAUD-4: approved after 2 days of the 5 R-PUB-1 requires


ZH = place_names("zh")


def village_reviewer(village: str) -> str:
    """The name a village's reviewer signs in with (东门村 村委 罗)."""
    return f"{ZH.get(village, village)} 村委 罗"


def township_reviewer(township: str) -> str:
    return f"{ZH.get(township, township)} 乡镇 潘"


def village_clerk(village: str) -> str:
    return f"{ZH.get(village, village)} 文书"


@dataclass(frozen=True)
class Household:
    household_id: str
    address: str


def register_officials(ledger: BufferedLedger, county: str, places: list[tuple[str, str]],
                       names: dict[str, str], rid: Callable[[], str],
                       on: date) -> dict[tuple[str, str], Household]:
    """The register of officials (API.md v1.1 "Officials"): in each village its reviewer and the
    two who sign attendance (R-ATT-1), in each township its reviewer, each with the household
    and address they live at (numbered above the 1–40 组 the demo's applicants live in). Returns
    each village reviewer's household, for the planted favouritism (R-FRAUD-5)."""
    households: dict[tuple[str, str], Household] = {}
    townships = list(dict.fromkeys(t for t, _ in places))
    with acting_as(Actor("county", county, "县人社局 李")), ledger.recording_on(on):
        for n, township in enumerate(townships):
            register_official(ledger, county=county, name=township_reviewer(township),
                              role="township", jurisdiction=f"{county}/{township}",
                              resident_id=rid(), household_id=f"{township}-HH-{900 + n}",
                              address=f"{names[township]}政府宿舍{n + 1}号")
        for n, (township, village) in enumerate(places):
            path = f"{county}/{township}/{village}"
            home = f"{names[township]}{names[village]}"
            for k, (name, role) in enumerate(((village_reviewer(village), "village"),
                                              ("村支书 罗", "secretary"), ("村委 潘", "member"))):
                household = Household(f"{village}-HH-{n * 10 + k + 901}", f"{home}{41 + k}组")
                register_official(ledger, county=county, name=name, role=role, jurisdiction=path,
                                  resident_id=rid(), household_id=household.household_id,
                                  address=household.address)
                if role == "village":
                    households[(township, village)] = household
    return households


def plant_backdated(ledger: BufferedLedger, county: str, township: str, village: str,
                    applicant: dict[str, str], today: date) -> UUID:
    """R-FRAUD-9: a whole placement, from its post's notice to the worker resigning, entered
    today with dates ``BACKDATED_BY`` days ago — far beyond the 60 days the county allows."""
    day = today - timedelta(days=BACKDATED_BY)
    path = f"{county}/{township}/{village}"
    township_staff = Actor("township", f"{county}/{township}", township_reviewer(township))
    with ledger.recording_on(today):
        with acting_as(Actor("county", county, "县人社局 李")):
            post = ledger.create_post(county=county, township=township, village=village,
                                      department="交通局", kind="road", title="护路员（补录）",
                                      headcount=1, monthly_subsidy_fen=None, full_time=False)
            ledger.publish_notice(post.id, date=day - timedelta(days=20),
                                  closes_on=day - timedelta(days=10),
                                  conditions="建档立卡脱贫劳动力", duties="道路日常养护")
        with acting_as(Actor("clerk", path, village_clerk(village))):
            placement = ledger.apply(post.id, date=day, applicant=applicant)
        with acting_as(Actor("village", path, village_reviewer(village))):
            ledger.village_review(placement.id, date=day + timedelta(days=1), approve=True,
                                  reason=None)
        with acting_as(township_staff):
            ledger.township_review(placement.id, date=day + timedelta(days=2), approve=True,
                                   reason=None)
            started = ledger.start_publicity(placement.id, date=day + timedelta(days=3),
                                             ends_on=None)
            ends_on: date = (started.publicity or {})["ends_on"]
            ledger.approve(placement.id, date=ends_on)
            ledger.train(placement.id, date=ends_on + timedelta(days=1), hours=8,
                         topic="岗前培训")
            ledger.onboard(placement.id, date=ends_on + timedelta(days=2), agreement_end=None)
            ledger.leave(placement.id, date=ends_on + timedelta(days=20), reason="resigned",
                         ground=None)
    return placement.id
