"""Placements: the list, one placement's page (facts, steps with the current one marked, the
timeline of its events, an "as of" control) and the steps taken from the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from postledger.api.access_log import reads_for
from postledger.api.deps import Services
from postledger.api.pages.actions import PLACEMENT_STEPS, page_steps, take_step
from postledger.api.pages.forms import Form, PageForm
from postledger.api.pages.queue import may, open_objections
from postledger.api.pages.registers import extension_values
from postledger.api.pages.vocabulary import STEP_PATH
from postledger.api.pages.web import Acting, PageRoute, SignedIn, render, today_of
from postledger.domain.errors import InvalidInput
from postledger.domain.placement_flow import allowed_steps
from postledger.infrastructure.clock import BUSINESS_TZ

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/web/placements", response_class=HTMLResponse)
def placement_list(request: Request, actor: SignedIn, state: str = "", person: str = "",
                   township: str = "") -> Response:
    services: Services = request.app.state.services
    services.read_model.catch_up(services.ledger)
    rows = services.read_model.list_placements(
        within=actor.jurisdiction, state=state or None, person=person or None,
        township=township or None, limit=300)
    # Every row a person reads is logged, as over the API; a list filtered by a person names
    # that person (PIPL).
    reads_for(request, actor, services).rows(
        "page.placements", [{**row, "resident_id": person} for row in rows] if person else rows)
    return render(request, "pages/placements.html", rows=rows, state=state, person=person)


def _as_of(text: str) -> datetime | None:
    """A ``datetime-local`` value read as Asia/Shanghai time (the business time zone)."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=BUSINESS_TZ)
    except ValueError:
        raise InvalidInput(f"as_of: a date and time, got {text!r}", fact="as_of") from None


@router.get("/web/placements/{placement_id}", response_class=HTMLResponse)
def placement_page(request: Request, placement_id: UUID, actor: SignedIn,
                   as_of: str = "") -> Response:
    services: Services = request.app.state.services
    instant = _as_of(as_of)
    placement = services.ledger.get_placement(placement_id, as_of=instant)
    history = services.ledger.history(placement_id)
    shown = [h for h in history if instant is None or h.recorded_at <= instant]
    post = services.ledger.get_post(placement.post_id)
    reads_for(request, actor, services).placements("page.placement", [placement])
    state = placement.state.value
    current = state if state in STEP_PATH else None
    open_steps = [] if instant else page_steps(allowed_steps(placement.state),
                                               lambda step: may(actor, step))
    return render(request, "pages/placement.html", p=placement, post=post, history=shown,
                  later=len(history) - len(shown), steps=STEP_PATH, current=current,
                  reached=_reached(state), as_of=as_of, timeline_tz=BUSINESS_TZ,
                  open_steps=open_steps,
                  step_values={
                      "month": "", "worker": placement.applicant.get("name", ""), "year": "",
                      "objections": open_objections(placement),
                      **extension_values(placement.agreement_end, today_of(request))})


def _reached(state: str) -> list[str]:
    """The steps of the path already behind a placement in ``state``."""
    if state in STEP_PATH:
        return STEP_PATH[: STEP_PATH.index(state)]
    if state == "objection_pending":
        return STEP_PATH[:3]
    return []


@router.post("/web/placements/{placement_id}/{step}", response_class=HTMLResponse)
def placement_step(request: Request, placement_id: UUID, step: str, actor: Acting,
                   form: PageForm) -> Response:
    services: Services = request.app.state.services
    command = take_step(PLACEMENT_STEPS, step)
    placement = command(services.ledger, placement_id, form)
    return done(request, form, f"/web/placements/{placement_id}", step, placement.state.value,
                placement.id)


def done(request: Request, form: Form, page: str, step: str, state: str, subject: Any) -> Response:
    """After a step: the queue row becomes its outcome; a page reloads to show it."""
    if request.headers.get("hx-request") and form.optional_text("back") == "row":
        return render(request, "pages/_done.html", step=step, state=state, subject=subject,
                      page=page)
    if request.headers.get("hx-request"):
        return Response(status_code=200, headers={"HX-Redirect": page})
    return RedirectResponse(page, status_code=303)


APPLICANT_FIELDS = ("name", "resident_id", "phone", "address", "health", "labour_ability",
                    "skills", "category", "household_id")


@router.get("/web/apply", response_class=HTMLResponse)
def application_form(request: Request, actor: Acting, post: str = "") -> Response:
    """A clerk files an application for a post with a free seat in the jurisdiction."""
    services: Services = request.app.state.services
    services.read_model.catch_up(services.ledger)
    posts = [p for p in services.read_model.list_posts(within=actor.jurisdiction)
             if p["occupied"] < p["headcount"]]
    return render(request, "pages/apply.html", posts=posts, chosen=post)


@router.post("/web/apply", response_class=HTMLResponse)
def apply(request: Request, actor: Acting, form: PageForm) -> Response:
    services: Services = request.app.state.services
    applicant = {name: form.optional_text(name) for name in APPLICANT_FIELDS}
    placement = services.ledger.apply(
        UUID(form.text("post_id")), date=form.day("date"),
        applicant={k: v for k, v in applicant.items() if v is not None})
    return done(request, form, f"/web/placements/{placement.id}", "apply",
                placement.state.value, placement.id)
