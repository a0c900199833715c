"""The work queue: what the signed-in role must act on in its jurisdiction — the audit's
work-queue read model, as ``GET /work-queue`` answers it — each with the form that takes the
step in place (htmx swaps the row for the outcome or the refusal)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from postledger.api.deps import Services
from postledger.api.pages.web import Acting, PageRoute, render, today_of
from postledger.domain.actor import Actor
from postledger.domain.placement import Placement
from postledger.domain.placement_rules import overdue_review
from postledger.domain.values import parse_month
from postledger.workflows.permissions import STEPS_BY_ROLE

router = APIRouter(route_class=PageRoute, include_in_schema=False)

@dataclass
class Task:
    subject_id: str
    name: str
    path: str
    note: str = ""
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Section:
    key: str  # the page step, also the form to show
    service_step: str  # the permission it needs (src/workflows/permissions.py)
    title: tuple[str, str]
    tasks: list[Task] = field(default_factory=list)


def may(actor: Actor, service_step: str) -> bool:
    return actor.role == "admin" or service_step in STEPS_BY_ROLE.get(actor.role, frozenset())


SECTIONS: list[tuple[str, str, tuple[str, str], str]] = [
    # (page step, permission, title, the work-queue read model's task)
    ("village-review", "village_review", ("村级审核", "Village review"), "village_review"),
    ("township-review", "township_review", ("乡镇审核", "Township review"), "township_review"),
    ("publicity", "start_publicity", ("启动公示", "Start publicity"), "publicity"),
    ("approval", "approve", ("公示期满待批准", "Publicity ending: approval"), "approval"),
    ("resolution", "resolve_objection", ("异议待处理", "Objections to resolve"),
     "objection_resolution"),
    ("training", "train", ("岗前培训", "Pre-post training"), "training"),
    ("onboarding", "onboard", ("上岗", "Onboarding"), "onboarding"),
    ("attendance", "record_attendance", ("考勤待签字", "Attendance to sign"), "attendance"),
    ("payments", "pay", ("补贴待发放", "Payments due"), "payment"),
    ("annual-review", "annual_review", ("年度考核到期", "Annual reviews due"), "annual_review"),
    ("claim-review", "review_claim", ("补贴申请待审核", "Claims to review"), "claim_review"),
    ("claim-payment", "pay_claim", ("补贴待发放（一次性）", "Claims to pay"), "claim_payment"),
]
SHOWN = 50  # rows a section shows; only these read their placement for the form's values


def build_queue(services: Services, actor: Actor, today: date) -> list[Section]:
    """The sections the actor's role may act on, filled from the audit's work-queue read model
    (``GET /work-queue``, src/projections/audit_queries.py); a shown row's form reads what
    it needs beyond that (the month to pay, the objections to resolve) from its placement."""
    read = services.read_model
    read.catch_up(services.ledger)
    sections = [Section(key, step, title) for key, step, title, _ in SECTIONS if may(actor, step)]
    by_task = {task: s for s in sections for key, _, _, task in SECTIONS if key == s.key}
    items = read.work_queue(within=actor.jurisdiction, role=actor.role, today=today)
    claims: dict[str, dict[str, Any]] | None = None
    for item in items:
        section = by_task.get(item["task"])
        if section is None:
            continue
        task = Task(str(item["subject_id"]), item["name"], item["path"])
        due: date | None = item["due_on"]
        shown = len(section.tasks) < SHOWN
        if item["subject_kind"] == "claim":
            if claims is None:
                claims = {str(r["id"]): r for state in ("submitted", "approved")
                          for r in read.list_claims(within=actor.jurisdiction, state=state)}
            claim = claims.get(task.subject_id, {})
            task.note, task.values = str(claim.get("type", "")), {
                "amount_fen": claim.get("amount_fen")}
        elif section.key == "approval":
            task.note = due.isoformat() if due else ""
            task.values = {"ends_on": task.note, "ended": due is not None and due <= today}
        elif section.key == "resolution" and shown:
            p = services.ledger.get_placement(UUID(task.subject_id))
            task.values = {"objections": open_objections(p)}
        elif section.key == "attendance":
            task.note = str(item.get("month") or "")
            task.values = {"month": task.note, "worker": task.name}
        elif section.key == "payments" and shown:
            month = _month_to_pay(services, services.ledger.get_placement(UUID(task.subject_id)))
            if month is None:
                continue  # every unpaid month waits for its annual review (R-REV-1)
            task.note, task.values = month, {"month": month}
        elif section.key == "annual-review" and due is not None:
            task.note, task.values = due.isoformat(), {"year": due.year}
        section.tasks.append(task)
    return sections


def open_objections(p: Placement) -> list[tuple[str, str]]:
    """(id, what was said) of each objection still open, for the resolution form."""
    return [(oid, f"{p.objections[oid]['raised_by']}：{p.objections[oid]['text']}")
            for oid in p.open_objections]


def _month_to_pay(services: Services, p: Placement) -> str | None:
    """The first month signed with days worked and not yet paid, unless the domain would refuse
    it for an overdue annual review (R-REV-1)."""
    for month in sorted(set(p.attendance) - set(p.payments)):
        if p.attendance[month]["days_worked"] > 0 and not _review_overdue(services, p, month):
            return month
    return None


def _review_overdue(services: Services, p: Placement, month: str) -> bool:
    """R-REV-1: the domain refuses to pay a month while an anniversary's review is overdue."""
    assert p.onboarded_on is not None
    first = parse_month(month)
    grace = services.ledger.terms(p.county, first).review_grace_days
    return overdue_review(p.onboarded_on, set(p.annual_reviews), first, grace) is not None


@router.get("/web/queue", response_class=HTMLResponse)
def queue(request: Request, actor: Acting) -> Response:
    services: Services = request.app.state.services
    today = today_of(request)
    sections = build_queue(services, actor, today)
    return render(request, "pages/queue.html", sections=sections,
                  default_publicity_end=(today + timedelta(days=5)).isoformat())
