"""The inspector's dashboard: active placements and payments per month as charts (ECharts,
served by the service), and what the audit offers on this branch."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from postledger.api.deps import Services
from postledger.api.pages.web import Inspecting, PageRoute, render, today_of
from postledger.domain.dates import add_months, month_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)

MONTHS_SHOWN = 24
PLACEMENTS_READ = 2000


def monthly_figures(services: Services, within: str, today: date) -> dict[str, Any]:
    """Per month of the last two years: placements active at some time in it, and the post
    subsidy paid for it (fen), by township."""
    first = add_months(today.replace(day=1), -MONTHS_SHOWN)
    months = [month_of(add_months(first, n)) for n in range(MONTHS_SHOWN)]
    active: Counter[str] = Counter()
    paid: Counter[str] = Counter()
    townships: Counter[str] = Counter()
    rows = [r for state in ("active", "exited")
            for r in services.read_model.list_placements(within=within, state=state,
                                                         limit=PLACEMENTS_READ)]
    for row in rows:
        if row["onboarded_on"] is None:
            continue
        start, end = month_of(row["onboarded_on"]), row["exited_on"]
        for month in months:
            if start <= month and (end is None or month <= month_of(end)):
                active[month] += 1
        placement = services.ledger.get_placement(UUID(str(row["id"])))
        for month, payment in placement.payments.items():
            paid[month] += int(payment["amount_fen"])
        if row["state"] == "active":
            townships[str(row["township"])] += 1
    return {
        "months": months,
        "active": [active[m] for m in months],
        "paid_yuan": [paid[m] / 100 for m in months],
        "townships": sorted(townships.items()),
    }


@router.get("/web/inspect", response_class=HTMLResponse)
def dashboard(request: Request, actor: Inspecting) -> Response:
    services: Services = request.app.state.services
    services.read_model.catch_up(services.ledger)
    figures = monthly_figures(services, actor.jurisdiction, today_of(request))
    return render(request, "pages/inspect.html", figures=figures)
