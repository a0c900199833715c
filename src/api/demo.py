"""``postledger demo load``: a demo county (织金县, 520524) with placements at every step.

Dates are fixed business dates, so the demo reads the same whenever it is loaded.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from postledger.domain.actor import Actor, acting_as
from postledger.domain.presets import CHANGLI_TRAINING_DAYS, ZHIJIN_CERTIFICATE
from postledger.domain.resident_id import ResidentId
from postledger.workflows.application import PostLedger
from postledger.workflows.claims import ClaimsService

COUNTY = "520524"
TOWNSHIPS = {"chengguan": ["dongmen", "ximen"], "shuangyan": ["hongqi"]}

ADMIN = Actor("admin", COUNTY, "demo-admin")
COUNTY_STAFF = Actor("county", COUNTY, "县人社局 李")


def _clerk(t: str, v: str) -> Actor:
    return Actor("clerk", f"{COUNTY}/{t}/{v}", f"{v} 文书")


def _village(t: str, v: str) -> Actor:
    return Actor("village", f"{COUNTY}/{t}/{v}", f"{v} 村委")


def _township(t: str) -> Actor:
    return Actor("township", f"{COUNTY}/{t}", f"{t} 乡镇")


PEOPLE = [
    ("王秀英", date(1968, 3, 12), "lifted"),
    ("李建国", date(1975, 7, 1), "not_lifted"),
    ("张桂兰", date(1962, 11, 30), "lifted"),
    ("刘德华", date(1980, 2, 29), "edge"),
    ("陈芳", date(1971, 5, 5), "lifted"),
    ("杨伟", date(1966, 9, 9), "not_lifted"),
    ("赵敏", date(1985, 12, 1), "lifted"),
    ("黄志强", date(1959, 1, 20), "lifted"),
    ("周丽", date(1978, 4, 18), "edge"),
    ("吴刚", date(1969, 8, 8), "lifted"),
]

# How far each demo placement goes (R-FLOW-1 order).
STOPS = [
    "paid_two_years", "active", "trained", "approved", "in_publicity",
    "objection_pending", "township_approved", "village_approved", "applied", "rejected",
]


def load_demo(ledger: PostLedger) -> str:
    with acting_as(ADMIN):
        # The default policy (Huize's tables) with Zhijin's certificate and Changli's
        # training-day tables, so that the demo shows every claim type (RULES.md §6).
        ledger.set_policy(COUNTY, date(2023, 1, 1), {"subsidies": {
            "certificate": ZHIJIN_CERTIFICATE, "training_days": CHANGLI_TRAINING_DAYS}})
    posts: list[UUID] = []
    with acting_as(COUNTY_STAFF):
        for township, villages in TOWNSHIPS.items():
            for village in villages:
                for kind, title, dept in (("road", "护路员", "交通局"), ("forest", "护林员", "林业局"),
                                          ("village", "保洁员", "住建局")):
                    post = ledger.create_post(
                        county=COUNTY, township=township, village=village, department=dept,
                        kind=kind, title=f"{village} {title}", headcount=2,
                        monthly_subsidy_fen=None, full_time=False,
                    )
                    ledger.publish_notice(post.id, date=date(2023, 12, 1),
                                          closes_on=date(2023, 12, 15),
                                          conditions="建档立卡脱贫劳动力，身体健康",
                                          duties="日常巡查与保洁")
                    posts.append(post.id)
    places = [(t, v) for t, vs in TOWNSHIPS.items() for v in vs]
    for n, ((name, birth, category), stop) in enumerate(zip(PEOPLE, STOPS, strict=True)):
        township, village = places[n % len(places)]
        post_id = posts[(n % len(places)) * 3 + (n // len(places)) % 3]
        _walk(ledger, post_id, township, village, n, name, birth, category, stop)
    claims = _claims(ledger)
    return f"{len(posts)} posts, {len(PEOPLE)} placements, {claims} claims in county {COUNTY}"


def _rid(birth: date, n: int) -> str:
    return ResidentId.compose("520524", birth, 300 + n).value


def _claims(ledger: PostLedger) -> int:
    """One claim of every type (RULES.md §6), taken to different steps."""
    service = ClaimsService(ledger)
    person = {"name": "王秀英", "resident_id": _rid(date(1972, 4, 2), 1), "category": "lifted"}
    firm = {"kind": "organisation", "name": "织金县城关服装厂", "credit_code": "91520524MA6DEMO"}
    workers = [_rid(date(1975 + i, 3, 1), 10 + i) for i in range(6)]
    submissions: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
        ("transport", person, {"destination": "other_province", "ticket_price_fen": 62_000,
                               "months_stable": 4, "real_name_ticket": True}, "clawed_back"),
        ("certificate", person, {"certificate": "excavator", "self_paid": True,
                                 "employed": True}, "paid"),
        ("job_training", {**person, "resident_id": _rid(date(1980, 5, 5), 2)},
         {"certificate_level": "skill_level", "contract_signed_on": "2025-01-10",
          "contract_months": 24, "trained_on": "2025-04-01"}, "approved"),
        ("labour_export", {"kind": "organisation", "name": "城关村委会"},
         {"organiser": {"kind": "village_committee", "name": "城关村委会", "registered": True},
          "workers": [{"resident_id": w, "category": "lifted", "destination": "other_province",
                       "months_stable": 8, "follow_up_months": 12} for w in workers[:2]]},
         "paid"),
        ("absorption", firm, {"employer": firm["name"], "workers": [
            {"resident_id": w, "category": "not_lifted", "months_stable": 13,
             "contract_months": 12, "relocated": False, "hired_on": "2024-05-01"}
            for w in workers[2:5]]}, "submitted"),
        ("social_insurance", {**person, "resident_id": _rid(date(1968, 8, 8), 3)},
         {"months": [{"month": f"2025-0{m}", "premiums_paid_fen": 45_000} for m in (1, 2, 3)],
          "graduate": False, "small_firm": False}, "paid"),
        ("workshop", firm, {"workshop_id": "城关扶贫车间", "poor_laborers": [
            {"resident_id": _rid(date(1970 + i, 9, 9), 20 + i), "category": "lifted"}
            for i in range(8)],
                            "contract_months": 12, "wage_at_least_minimum": True}, "rejected"),
        ("training_days", {**person, "resident_id": _rid(date(1985, 1, 9), 4)},
         {"days": 5, "daily_cost_fen": 12_000, "outside_home_township": True, "passed": True},
         "paid"),
        ("startup", {**person, "resident_id": _rid(date(1983, 7, 7), 5)},
         {"registered_on": "2024-03-01", "running": True, "first_business": True}, "approved"),
    ]
    for claim_type, claimant, facts, stop in submissions:
        with acting_as(Actor("clerk", COUNTY, "县就业局 窗口")):
            claim = service.submit(claim_type=claim_type, county=COUNTY, date=date(2025, 6, 2),
                                   claimant=claimant, facts=facts)
        if stop == "submitted":
            continue
        with acting_as(COUNTY_STAFF):
            approve = stop != "rejected"
            service.review(claim.id, date=date(2025, 6, 10), approve=approve,
                           reason=None if approve else "车间吸纳人数与花名册不符")
            if stop in ("paid", "clawed_back"):
                service.pay(claim.id, date=date(2025, 6, 20))
            if stop == "clawed_back":
                service.claw_back(claim.id, date=date(2025, 9, 1), amount_fen=50_000,
                                  reason="车票非实名，虚报冒领")
    return len(submissions)


def _walk(ledger: PostLedger, post_id: UUID, township: str, village: str, n: int, name: str,
          birth: date, category: str, stop: str) -> None:
    rid = ResidentId.compose("520524", birth, 100 + n)
    with acting_as(_clerk(township, village)):
        p = ledger.apply(post_id, date=date(2023, 12, 18), applicant={
            "name": name, "resident_id": rid.value, "category": category,
            "phone": f"1380000{n:04d}", "address": f"{township} {village}",
            "health": "健康", "labour_ability": "有劳动能力", "skills": "",
        })
    if stop == "applied":
        return
    with acting_as(_village(township, village)):
        ledger.village_review(p.id, date=date(2023, 12, 19), approve=stop != "rejected",
                              reason="不符合条件：家庭收入超标" if stop == "rejected" else None)
    if stop in ("village_approved", "rejected"):
        return
    town = _township(township)
    with acting_as(town):
        ledger.township_review(p.id, date=date(2023, 12, 20), approve=True, reason=None)
        if stop == "township_approved":
            return
        ledger.start_publicity(p.id, date=date(2023, 12, 21), ends_on=None)
    if stop == "in_publicity":
        return
    if stop == "objection_pending":
        with acting_as(_clerk(township, village)):
            ledger.raise_objection(p.id, date=date(2023, 12, 23), raised_by="村民 匿名",
                                   text="申请人家中有人在外务工，收入较高")
        return
    with acting_as(town):
        ledger.approve(p.id, date=date(2023, 12, 27))
        if stop == "approved":
            return
        ledger.train(p.id, date=date(2024, 1, 3), hours=8, topic="岗前安全培训")
        if stop == "trained":
            return
        ledger.onboard(p.id, date=date(2024, 1, 8), agreement_end=None)
    if stop == "active":
        return
    for year in (2024, 2025):
        for month in range(1, 13):
            label = f"{year}-{month:02d}"
            signed_on = date(year + (month == 12), month % 12 + 1, 3)
            with acting_as(_village(township, village)):
                ledger.record_attendance(p.id, date=signed_on, month=label, days_worked=20,
                                         signatures={"secretary": "村支书 罗", "member": "村委 潘",
                                                     "worker": name})
            with acting_as(COUNTY_STAFF):
                ledger.pay(p.id, date=signed_on.replace(day=20), month=label, amount_fen=None)
        if year == 2024:
            with acting_as(town):
                ledger.annual_review(p.id, date=date(2025, 1, 25), year=2025, passed=True,
                                     worker_signed=True)
