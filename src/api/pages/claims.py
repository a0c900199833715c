"""Subsidy claims: the list, a form per type whose amount is computed as it is filled (by the
domain's own calculation, nothing saved), one claim's page and its steps."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from postledger.api.access_log import reads_for
from postledger.api.deps import Services
from postledger.api.pages.actions import CLAIM_STEPS, take_step
from postledger.api.pages.claim_forms import CLAIM_FORMS, claimant_of, facts_of
from postledger.api.pages.forms import PageForm
from postledger.api.pages.placements import done
from postledger.api.pages.queue import may
from postledger.api.pages.web import Acting, PageRoute, SignedIn, render
from postledger.domain.errors import PostLedgerError
from postledger.infrastructure.clock import BUSINESS_TZ
from postledger.workflows.claims import ClaimsService

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _service(request: Request) -> ClaimsService:
    services: Services = request.app.state.services
    ledger = services.ledger
    return ClaimsService(ledger)  # "today" from the ledger's one clock


@router.get("/web/claims", response_class=HTMLResponse)
def claim_list(request: Request, actor: SignedIn, type: str = "", state: str = "") -> Response:
    services: Services = request.app.state.services
    read = services.read_model  # every read model, claims included (src/projections/registry.py)
    read.catch_up(services.ledger)
    rows = read.list_claims(within=actor.jurisdiction, claim_type=type or None,
                            state=state or None, limit=300)
    reads_for(request, actor, services).rows("page.claims", rows)  # logged as over the API
    return render(request, "pages/claims.html", rows=rows, types=list(CLAIM_FORMS), type=type,
                  state=state, may_submit=may(actor, "submit_claim"))


@router.get("/web/claims/new", response_class=HTMLResponse)
def claim_form(request: Request, actor: Acting, type: str = "transport") -> Response:
    fields = CLAIM_FORMS.get(type) or CLAIM_FORMS["transport"]
    county = actor.jurisdiction.split("/")[0]
    return render(request, "pages/claim_new.html", type=type if type in CLAIM_FORMS else
                  "transport", fields=fields, types=list(CLAIM_FORMS), county=county)


@router.post("/web/claims/quote", response_class=HTMLResponse)
def quote(request: Request, actor: Acting, form: PageForm) -> Response:
    """The amount as the form stands, by the county's table in force on the claim's date and
    what was already approved under its limits. Nothing is recorded."""
    service = _service(request)
    claim_type = form.text("type")
    try:
        claim = service.quote(
            claim_type=claim_type, county=form.text("county"), date=form.day("date"),
            claimant=claimant_of(form), facts=facts_of(claim_type, form))
    except PostLedgerError as exc:
        return render(request, "pages/_quote.html", claim=None, problem=exc)
    return render(request, "pages/_quote.html", claim=claim, problem=None)


@router.post("/web/claims", response_class=HTMLResponse)
def submit(request: Request, actor: Acting, form: PageForm) -> Response:
    claim_type = form.text("type")
    claim = _service(request).submit(
        claim_type=claim_type, county=form.text("county"), date=form.day("date"),
        claimant=claimant_of(form), facts=facts_of(claim_type, form))
    page = f"/web/claims/{claim.id}"
    if request.headers.get("hx-request"):
        return Response(status_code=200, headers={"HX-Redirect": page})
    return RedirectResponse(page, status_code=303)


@router.get("/web/claims/{claim_id}", response_class=HTMLResponse)
def claim_page(request: Request, claim_id: UUID, actor: SignedIn) -> Response:
    service = _service(request)
    claim = service.get(claim_id)
    reads_for(request, actor, request.app.state.services).claims("page.claim", [claim])
    steps = [s for s, permission in (("review", "review_claim"), ("payment", "pay_claim"),
                                     ("clawback", "claw_back"), ("withdrawal", "submit_claim"))
             if s in claim.allowed_steps and may(actor, permission)]
    return render(request, "pages/claim.html", c=claim, history=service.history(claim_id),
                  open_steps=steps, timeline_tz=BUSINESS_TZ)


@router.post("/web/claims/{claim_id}/{step}", response_class=HTMLResponse)
def claim_step(request: Request, claim_id: UUID, step: str, actor: Acting,
               form: PageForm) -> Response:
    claim = take_step(CLAIM_STEPS, step)(_service(request), claim_id, form)
    return done(request, form, f"/web/claims/{claim_id}", step, claim.state.value, claim.id)
