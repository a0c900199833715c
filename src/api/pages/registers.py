"""Two county registers as pages: the officials who review and sign (API.md v1.1 "Officials",
compared with the people they act for by R-FRAUD-5) and the agreements ending within R-EXIT-2's
window, where the county employment service centre decides on an extension."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from postledger.api.deps import Services
from postledger.api.pages.forms import PageForm
from postledger.api.pages.queue import may
from postledger.api.pages.signin import _jurisdictions
from postledger.api.pages.web import Acting, PageRoute, SignedIn, render, today_of
from postledger.domain.dates import add_years
from postledger.domain.official import OFFICIAL_ROLES
from postledger.domain.placement_rules import EXTENSION_BASES, EXTENSION_WINDOW_DAYS
from postledger.workflows.officials import register_official

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _within(path: str, jurisdiction: str) -> bool:
    return (path + "/").startswith(jurisdiction.rstrip("/") + "/")


@router.get("/web/officials", response_class=HTMLResponse)
def officials_page(request: Request, actor: SignedIn) -> Response:
    """The county's register, as far as it lies inside the actor's jurisdiction."""
    services: Services = request.app.state.services
    services.read_model.catch_up(services.ledger)
    county = actor.jurisdiction.split("/")[0]
    rows = [r for r in services.read_model.officials(county=county)
            if _within(r["jurisdiction"], actor.jurisdiction)]
    places = [p for p in _jurisdictions(services) if _within(p, actor.jurisdiction)]
    return render(request, "pages/officials.html", rows=rows, roles=OFFICIAL_ROLES,
                  places=places or [actor.jurisdiction], county=county,
                  may_register=may(actor, "register_official"))


@router.post("/web/officials", response_class=HTMLResponse)
def register(request: Request, actor: Acting, form: PageForm) -> Response:
    services: Services = request.app.state.services
    jurisdiction = form.text("jurisdiction")
    register_official(services.ledger, county=jurisdiction.split("/")[0], name=form.text("name"),
                      role=form.text("role"), jurisdiction=jurisdiction,
                      resident_id=form.text("resident_id"),
                      household_id=form.optional_text("household_id"),
                      address=form.optional_text("address"))
    if request.headers.get("hx-request"):
        return Response(status_code=200, headers={"HX-Redirect": "/web/officials"})
    return RedirectResponse("/web/officials", status_code=303)


@router.get("/web/extensions", response_class=HTMLResponse)
def extensions_page(request: Request, actor: SignedIn) -> Response:
    """Active placements whose agreement ends within ``EXTENSION_WINDOW_DAYS`` (or has ended),
    soonest first, each with the extension form for those who may take it (R-EXIT-2)."""
    services: Services = request.app.state.services
    services.read_model.catch_up(services.ledger)
    today = today_of(request)
    horizon = today + timedelta(days=EXTENSION_WINDOW_DAYS)
    rows = [r for r in services.read_model.list_placements(within=actor.jurisdiction,
                                                           state="active", limit=5000)
            if r.get("agreement_end") is not None and r["agreement_end"] <= horizon]
    rows.sort(key=lambda r: (r["agreement_end"], r["name"]))
    due = [_due(r, today) for r in rows]
    return render(request, "pages/extensions.html", rows=due, window=EXTENSION_WINDOW_DAYS,
                  bases=EXTENSION_BASES, may_extend=may(actor, "extend"))


def _due(row: dict[str, Any], today: date) -> dict[str, Any]:
    ends: date = row["agreement_end"]
    return {**row, "days_left": (ends - today).days, "values": extension_values(ends, today)}


def extension_values(agreement_end: date | None, today: date) -> dict[str, str]:
    """The extension form's suggestions: a year more, and a publicity of the week before."""
    return {
        "until": add_years(agreement_end, 1).isoformat() if agreement_end else "",
        "publicity_started_on": (today - timedelta(days=8)).isoformat(),
        "publicity_ended_on": (today - timedelta(days=1)).isoformat(),
    }
