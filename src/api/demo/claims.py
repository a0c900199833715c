"""The demo's subsidy claims: one of every type (RULES.md §6) taken to different steps, and a
transport claim waiting for review in every township."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from postledger.api.demo.buffer import BufferedLedger
from postledger.domain.actor import Actor, acting_as
from postledger.workflows.claims import ClaimsService

Claim = tuple[str, dict[str, Any], dict[str, Any], str]


def submit_claims(ledger: BufferedLedger, county: str, today: date, rid: Callable[[], str],
                  townships: list[str]) -> int:
    service = ClaimsService(ledger)  # the demo's ledger reads "today" on its own clock
    claims = _every_type(rid, townships[0]) + [
        ("transport", _person("杨光明", rid(), township),
         {"destination": "other_province", "ticket_price_fen": 41_000, "months_stable": 5,
          "real_name_ticket": True}, "submitted")
        for township in townships
    ]
    clerk = Actor("clerk", county, "县就业局 窗口")
    county_staff = Actor("county", county, "县人社局 李")
    for claim_type, claimant, facts, stop in claims:
        with acting_as(clerk), ledger.recording_on(date(2025, 6, 2)):
            claim = service.submit(claim_type=claim_type, county=county, date=date(2025, 6, 2),
                                   claimant=claimant, facts=facts)
        if stop == "submitted":
            continue
        with acting_as(county_staff):
            approve = stop != "rejected"
            with ledger.recording_on(date(2025, 6, 10)):
                service.review(claim.id, date=date(2025, 6, 10), approve=approve,
                               reason=None if approve else "车间吸纳人数与花名册不符")
            if stop in ("paid", "clawed_back"):
                with ledger.recording_on(date(2025, 6, 20)):
                    service.pay(claim.id, date=date(2025, 6, 20))
            if stop == "clawed_back":
                with ledger.recording_on(date(2025, 9, 1)):
                    service.claw_back(claim.id, date=date(2025, 9, 1), amount_fen=20_000,
                                      reason="车票非实名，虚报冒领")
    return len(claims)


def _person(name: str, resident_id: str, township: str) -> dict[str, Any]:
    return {"name": name, "resident_id": resident_id, "category": "lifted", "township": township}


def _every_type(rid: Callable[[], str], township: str) -> list[Claim]:
    firm = {"kind": "organisation", "name": "织金县城关服装厂", "credit_code": "91520524MA6DEMO01"}
    workers = [rid() for _ in range(13)]
    return [
        ("transport", _person("王秀英", rid(), township),
         {"destination": "other_province", "ticket_price_fen": 62_000, "months_stable": 4,
          "real_name_ticket": True}, "clawed_back"),
        ("certificate", _person("李建国", rid(), township),
         {"certificate": "excavator", "self_paid": True, "employed": True}, "paid"),
        ("job_training", _person("张桂兰", rid(), township),
         {"certificate_level": "skill_level", "contract_signed_on": "2025-01-10",
          "contract_months": 24, "trained_on": "2025-04-01"}, "approved"),
        ("labour_export", {"kind": "organisation", "name": "织金县劳务派遣有限公司"},
         {"organiser": {"kind": "agency", "name": "织金县劳务派遣有限公司", "registered": True},
          "workers": [{"resident_id": w, "category": "lifted", "destination": "other_province",
                       "months_stable": 8, "follow_up_months": 12} for w in workers[:2]]},
         "paid"),
        ("absorption", firm, {"employer": firm["name"], "workers": [
            {"resident_id": w, "category": "not_lifted", "months_stable": 13,
             "contract_months": 12, "relocated": False, "hired_on": "2024-05-01"}
            for w in workers[2:5]]}, "submitted"),
        ("social_insurance", _person("陈芳", rid(), township),
         {"months": [{"month": f"2025-0{m}", "premiums_paid_fen": 45_000} for m in (1, 2, 3)],
          "graduate": False, "small_firm": False}, "paid"),
        ("workshop", firm, {"workshop_id": "城关扶贫车间", "poor_laborers": [
            {"resident_id": w, "category": "lifted"} for w in workers[5:13]],
                            "contract_months": 12, "wage_at_least_minimum": True}, "rejected"),
        ("training_days", _person("赵敏", rid(), township),
         {"days": 5, "daily_cost_fen": 12_000, "outside_home_township": True, "passed": True},
         "paid"),
        ("startup", _person("黄志强", rid(), township),
         {"registered_on": "2024-03-01", "running": True, "first_business": True}, "approved"),
    ]
