"""The county's policy as a form: every parameter of ``PlacementTerms`` and the subsidy table of
each claim type (``null`` where the county pays none), checked whole by the domain when saved
(422 naming the field and rule)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from postledger.api.deps import Services
from postledger.api.pages.forms import Form, PageForm
from postledger.api.pages.web import Administering, PageRoute, SignedIn, render, today_of
from postledger.domain.errors import InvalidInput
from postledger.domain.policy_terms import PlacementTerms
from postledger.domain.subsidies.registry import CLAIM_TYPES
from postledger.workflows.permissions import authorize_read

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _county_of(actor_jurisdiction: str, asked: str) -> str:
    return asked or actor_jurisdiction.split("/")[0]


@router.get("/web/policy", response_class=HTMLResponse)
def policy_page(request: Request, actor: SignedIn, county: str = "", as_of: str = "") -> Response:
    services: Services = request.app.state.services
    county = _county_of(actor.jurisdiction, county)
    authorize_read(county)
    day = Form.parse_day(as_of, "as_of") if as_of else today_of(request)
    terms = services.ledger.terms(county, day)
    policy = services.ledger.policy(county)
    parameters = [(name, getattr(terms, name)) for name in PlacementTerms.model_fields]
    subsidies = terms.as_dict()["subsidies"]
    tables = [(t, json.dumps(subsidies[t], ensure_ascii=False, indent=1)) for t in CLAIM_TYPES]
    return render(request, "pages/policy.html", county=county, as_of=day.isoformat(),
                  parameters=parameters, tables=tables,
                  effective_from=policy.effective_from_as_of(day) if policy else None,
                  versions=[v[0] for v in policy.versions] if policy else [],
                  editable=actor.role == "admin")


@router.post("/web/policy", response_class=HTMLResponse)
def save_policy(request: Request, actor: Administering, form: PageForm) -> Response:
    services: Services = request.app.state.services
    county = form.text("county")
    services.ledger.set_policy(county, form.day("effective_from"), _terms_of(form))
    return RedirectResponse(f"/web/policy?county={county}", status_code=303)


def _terms_of(form: Form) -> dict[str, Any]:
    """The form's parameters typed as ``PlacementTerms`` declares them (by their defaults), and
    each claim type's table."""
    terms: dict[str, Any] = {}
    defaults = PlacementTerms()
    for name in PlacementTerms.model_fields:
        default = getattr(defaults, name)
        if isinstance(default, bool):
            terms[name] = form.flag(name)
        elif isinstance(default, int):
            terms[name] = form.whole(name)
        elif isinstance(default, list):
            terms[name] = [v.strip() for v in form.text(name).split(",") if v.strip()]
        else:
            terms[name] = form.optional_text(name)
    terms["subsidies"] = {t: _table(form, f"subsidies.{t}") for t in CLAIM_TYPES}
    return terms


def _table(form: Form, name: str) -> Any:
    try:
        return json.loads(form.text(name))
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{name}: not valid JSON ({exc.msg}, line {exc.lineno})",
                           fact=name) from None
