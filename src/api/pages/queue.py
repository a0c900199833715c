"""The work queue: what the signed-in role must act on in its jurisdiction, each with the form
that takes the step in place (htmx swaps the row for the outcome or the refusal)."""

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
from postledger.domain.dates import add_months, add_years, month_of
from postledger.domain.placement import Placement
from postledger.domain.placement_rules import overdue_review
from postledger.domain.values import parse_month
from postledger.projections.claims_readmodel import ClaimsReadModel
from postledger.workflows.permissions import STEPS_BY_ROLE

router = APIRouter(route_class=PageRoute, include_in_schema=False)

# The most active placements a queue reads whole (attendance, payments and reviews due).
ACTIVE_READ_LIMIT = 500


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


SECTIONS: list[tuple[str, str, tuple[str, str], str | None]] = [
    # (page step, permission, title, placement state listed, or None when computed)
    ("village-review", "village_review", ("村级审核", "Village review"), "applied"),
    ("township-review", "township_review", ("乡镇审核", "Township review"), "village_approved"),
    ("publicity", "start_publicity", ("启动公示", "Start publicity"), "township_approved"),
    ("approval", "approve", ("公示期满待批准", "Publicity ending: approval"), "in_publicity"),
    ("resolution", "resolve_objection", ("异议待处理", "Objections to resolve"), "objection_pending"),
    ("training", "train", ("岗前培训", "Pre-post training"), "approved"),
    ("onboarding", "onboard", ("上岗", "Onboarding"), "trained"),
    ("attendance", "record_attendance", ("考勤待签字", "Attendance to sign"), None),
    ("payments", "pay", ("补贴待发放", "Payments due"), None),
    ("annual-review", "annual_review", ("年度考核到期", "Annual reviews due"), None),
    ("claim-review", "review_claim", ("补贴申请待审核", "Claims to review"), None),
    ("claim-payment", "pay_claim", ("补贴待发放（一次性）", "Claims to pay"), None),
]


def build_queue(services: Services, actor: Actor, today: date) -> list[Section]:
    read = services.read_model
    read.catch_up(services.ledger)
    sections = [Section(key, step, title) for key, step, title, _ in SECTIONS if may(actor, step)]
    wanted = {s.key for s in sections}
    for key, _, _, state in SECTIONS:
        if state is None or key not in wanted:
            continue
        section = next(s for s in sections if s.key == key)
        for row in read.list_placements(within=actor.jurisdiction, state=state, limit=200):
            task = Task(str(row["id"]), row["name"], _path(row))
            if key in ("approval", "resolution"):
                p = services.ledger.get_placement(UUID(str(row["id"])))
                task.note = str((p.publicity or {}).get("ends_on", ""))
                task.values = {"ends_on": task.note, "ended": task.note <= today.isoformat(),
                               "objections": open_objections(p)}
            section.tasks.append(task)
    if wanted & {"attendance", "payments", "annual-review"}:
        _active_work(services, actor, today, {s.key: s for s in sections})
    if wanted & {"claim-review", "claim-payment"}:
        _claims_work(services, actor, {s.key: s for s in sections})
    return sections


def open_objections(p: Placement) -> list[tuple[str, str]]:
    """(id, what was said) of each objection still open, for the resolution form."""
    return [(oid, f"{p.objections[oid]['raised_by']}：{p.objections[oid]['text']}")
            for oid in p.open_objections]


def _path(row: dict[str, Any]) -> str:
    return "/".join(str(p) for p in (row["county"], row["township"], row["village"]) if p)


def _active_work(services: Services, actor: Actor, today: date, by_key: dict[str, Section]) -> None:
    last_month = month_of(add_months(today.replace(day=1), -1))
    rows = services.read_model.list_placements(within=actor.jurisdiction, state="active",
                                               limit=ACTIVE_READ_LIMIT)
    for row in rows:
        p = services.ledger.get_placement(UUID(str(row["id"])))
        base = dict(subject_id=str(p.id), name=row["name"], path=_path(row))
        if "attendance" in by_key and p.onboarded_on is not None:
            missing = _first_unsigned(p, last_month)
            if missing:
                by_key["attendance"].tasks.append(Task(**base, note=missing, values={
                    "month": missing, "worker": row["name"]}))
        if "payments" in by_key:
            for month in sorted(set(p.attendance) - set(p.payments)):
                if p.attendance[month]["days_worked"] > 0 and not _review_overdue(services, p,
                                                                                  month):
                    by_key["payments"].tasks.append(Task(**base, note=month,
                                                         values={"month": month}))
                    break
        if "annual-review" in by_key:
            due = _review_due(p, today)
            if due:
                by_key["annual-review"].tasks.append(Task(**base, note=due.isoformat(),
                                                          values={"year": due.year}))


def _review_overdue(services: Services, p: Placement, month: str) -> bool:
    """R-REV-1: the domain refuses to pay a month while an anniversary's review is overdue."""
    assert p.onboarded_on is not None
    first = parse_month(month)
    grace = services.ledger.terms(p.county, first).review_grace_days
    return overdue_review(p.onboarded_on, set(p.annual_reviews), first, grace) is not None


def _first_unsigned(p: Placement, last_month: str) -> str | None:
    assert p.onboarded_on is not None
    month = p.onboarded_on.replace(day=1)
    while month_of(month) <= last_month:
        if month_of(month) not in p.attendance:
            return month_of(month)
        month = add_months(month, 1)
    return None


def _review_due(p: Placement, today: date) -> date | None:
    """The first anniversary of onboarding on or before today with no annual review (R-REV-1)."""
    assert p.onboarded_on is not None
    years = 1
    while (anniversary := add_years(p.onboarded_on, years)) <= today:
        if anniversary.year not in p.annual_reviews:
            return anniversary
        years += 1
    return None


def _claims_work(services: Services, actor: Actor, by_key: dict[str, Section]) -> None:
    claims = ClaimsReadModel(services.read_model.engine)
    claims.catch_up(services.ledger)
    for key, state in (("claim-review", "submitted"), ("claim-payment", "approved")):
        if key not in by_key:
            continue
        for row in claims.list_claims(within=actor.jurisdiction, state=state):
            path = "/".join(p for p in (row["county"], row["township"]) if p)
            by_key[key].tasks.append(Task(str(row["id"]), row["claimant_name"], path,
                                          note=row["type"],
                                          values={"amount_fen": row["amount_fen"]}))


@router.get("/web/queue", response_class=HTMLResponse)
def queue(request: Request, actor: Acting) -> Response:
    services: Services = request.app.state.services
    today = today_of(request)
    sections = build_queue(services, actor, today)
    return render(request, "pages/queue.html", sections=sections,
                  default_publicity_end=(today + timedelta(days=5)).isoformat())
