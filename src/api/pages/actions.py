"""Each step a page offers, as a call of the application service with the form's values.
The service checks role, jurisdiction, order and rules; a refusal comes back as the page's
refusal naming its rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from postledger.api.pages.forms import Form
from postledger.domain.errors import NotFound
from postledger.workflows.application import PostLedger
from postledger.workflows.claims import ClaimsService

PlacementStep = Callable[[PostLedger, UUID, Form], Any]


def _signatures(f: Form) -> dict[str, str]:
    return {"secretary": f.text("secretary"), "member": f.text("member"),
            "worker": f.text("worker")}


PLACEMENT_STEPS: dict[str, PlacementStep] = {
    "village-review": lambda ledger, pid, f: ledger.village_review(
        pid, date=f.day("date"), approve=f.flag("approve"), reason=f.optional_text("reason")),
    "township-review": lambda ledger, pid, f: ledger.township_review(
        pid, date=f.day("date"), approve=f.flag("approve"), reason=f.optional_text("reason")),
    "publicity": lambda ledger, pid, f: ledger.start_publicity(
        pid, date=f.day("date"), ends_on=f.optional_day("ends_on")),
    "objections": lambda ledger, pid, f: ledger.raise_objection(
        pid, date=f.day("date"), raised_by=f.text("raised_by"), text=f.text("text"))[0],
    "resolution": lambda ledger, pid, f: ledger.resolve_objection(
        pid, f.text("objection_id"), date=f.day("date"), upheld=f.flag("upheld"),
        reason=f.text("reason")),
    "approval": lambda ledger, pid, f: ledger.approve(pid, date=f.day("date")),
    "training": lambda ledger, pid, f: ledger.train(
        pid, date=f.day("date"), hours=f.optional_whole("hours"), topic=f.optional_text("topic")),
    "onboarding": lambda ledger, pid, f: ledger.onboard(
        pid, date=f.day("date"), agreement_end=f.optional_day("agreement_end")),
    "attendance": lambda ledger, pid, f: ledger.record_attendance(
        pid, date=f.day("date"), month=f.text("month"), days_worked=f.whole("days_worked"),
        signatures=_signatures(f)),
    "payments": lambda ledger, pid, f: ledger.pay(
        pid, date=f.day("date"), month=f.text("month"), amount_fen=f.optional_fen("amount")),
    "warnings": lambda ledger, pid, f: ledger.warn(pid, date=f.day("date"), reason=f.text("reason")),
    "annual-review": lambda ledger, pid, f: ledger.annual_review(
        pid, date=f.day("date"), year=f.whole("year"), passed=f.flag("passed"),
        worker_signed=f.flag("worker_signed")),
    "exit": lambda ledger, pid, f: ledger.leave(
        pid, date=f.day("date"), reason=f.text("reason"), ground=f.optional_whole("ground")),
    "withdrawal": lambda ledger, pid, f: ledger.withdraw(pid, date=f.day("date")),
    "extension": lambda ledger, pid, f: ledger.extend(
        pid, date=f.day("date"), basis=f.text("basis"), until=f.day("until"),
        evidence=f.optional_text("evidence") or "", hardship=f.flag("hardship"),
        still_unemployed=f.flag("still_unemployed"),
        publicity_started_on=f.day("publicity_started_on"),
        publicity_ended_on=f.day("publicity_ended_on")),
}

ClaimStep = Callable[[ClaimsService, UUID, Form], Any]

CLAIM_STEPS: dict[str, ClaimStep] = {
    "review": lambda claims, cid, f: claims.review(
        cid, date=f.day("date"), approve=f.flag("approve"), reason=f.optional_text("reason")),
    "payment": lambda claims, cid, f: claims.pay(cid, date=f.day("date")),
    "clawback": lambda claims, cid, f: claims.claw_back(
        cid, date=f.day("date"), amount_fen=f.fen("amount"), reason=f.text("reason")),
    "withdrawal": lambda claims, cid, f: claims.withdraw(cid, date=f.day("date")),
}


def take_step(steps: dict[str, Any], step: str) -> Any:
    found = steps.get(step)
    if found is None:
        raise NotFound(f"no step {step!r}")
    return found


# The page step that takes each trigger of the placement flow, and the permission it needs
# (src/domain/placement_flow.py, src/workflows/permissions.py).
PAGE_STEP_OF_TRIGGER: dict[str, tuple[str, str]] = {
    "village_approve": ("village-review", "village_review"),
    "village_reject": ("village-review", "village_review"),
    "township_approve": ("township-review", "township_review"),
    "township_reject": ("township-review", "township_review"),
    "start_publicity": ("publicity", "start_publicity"),
    "raise_objection": ("objections", "raise_objection"),
    "uphold_objection": ("resolution", "resolve_objection"),
    "dismiss_objection": ("resolution", "resolve_objection"),
    "dismiss_last_objection": ("resolution", "resolve_objection"),
    "approve": ("approval", "approve"),
    "train": ("training", "train"),
    "onboard": ("onboarding", "onboard"),
    "record_attendance": ("attendance", "record_attendance"),
    "pay": ("payments", "pay"),
    "warn": ("warnings", "warn"),
    "pass_review": ("annual-review", "annual_review"),
    "fail_review": ("annual-review", "annual_review"),
    "exit": ("exit", "exit"),
    "extend": ("extension", "extend"),
    "withdraw": ("withdrawal", "withdraw"),
}


def page_steps(triggers: list[str], may: Callable[[str], bool]) -> list[str]:
    """The page steps open now, in flow order, that the actor's role may take."""
    found: list[str] = []
    for trigger in triggers:
        step, permission = PAGE_STEP_OF_TRIGGER.get(trigger, ("", ""))
        if step and step not in found and may(permission):
            found.append(step)
    return found
