"""The inspector's audit pages: findings by rule and township, each opening the events that
prove it; the tamper check; the monthly real-name ledger shown, downloaded as .xlsx and
uploaded. Everything is read through the audit's own read models and workflows."""

from __future__ import annotations

from collections import Counter
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from postledger.api.access_log import AccessLog, Reads
from postledger.api.deps import Services
from postledger.api.ledger_export import ledger_file as logged_ledger_file
from postledger.api.pages.forms import PageForm
from postledger.api.pages.queue import may
from postledger.api.pages.web import Inspecting, PageRoute, render, today_of
from postledger.domain.dates import add_months, month_of
from postledger.domain.errors import InvalidInput, NotFound
from postledger.domain.post import jurisdiction_path
from postledger.domain.values import parse_month
from postledger.infrastructure.clock import BUSINESS_TZ
from postledger.workflows.ledger_io import import_ledger
from postledger.workflows.permissions import authorize, authorize_read
from postledger.workflows.verify import verify_chains

router = APIRouter(route_class=PageRoute, include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _county_and_township(jurisdiction: str) -> tuple[str, str | None]:
    parts = jurisdiction.split("/")
    return parts[0], parts[1] if len(parts) > 1 else None


def findings_in(services: Services, jurisdiction: str, rule: str | None = None,
                township: str | None = None) -> list[dict[str, Any]]:
    """The findings inside a jurisdiction, each with its events grouped by stream."""
    county, own = _county_and_township(jurisdiction)
    chosen = own or township or None
    authorize("read_audit", jurisdiction_path(county, chosen) if chosen else county)
    services.read_model.catch_up(services.ledger)
    rows = services.read_model.findings(county=county, township=chosen, rule=rule or None)
    for row in rows:
        streams: dict[str, list[int]] = {}
        for cited in row["events"]:
            streams.setdefault(str(cited["stream_id"]), []).append(int(cited["version"]))
        row["streams"] = sorted(streams.items())
    return rows


def counted(rows: list[dict[str, Any]], key: str) -> list[tuple[str, int]]:
    return sorted(Counter(str(row[key] or "") for row in rows).items())


@router.get("/web/findings", response_class=HTMLResponse)
def findings_page(request: Request, actor: Inspecting, rule: str = "",
                  township: str = "") -> Response:
    services: Services = request.app.state.services
    every = findings_in(services, actor.jurisdiction, township=township)
    shown = [f for f in every if not rule or f["rule"] == rule]
    return render(request, "pages/findings.html", rows=shown, rule=rule, total=len(every),
                  by_rule=counted(every, "rule"), by_township=counted(every, "township"))


@router.get("/web/evidence/{stream_id}", response_class=HTMLResponse)
def evidence(request: Request, stream_id: UUID, actor: Inspecting) -> Response:
    """The whole record a finding cites, oldest first, with the cited events marked."""
    services: Services = request.app.state.services
    found = services.ledger._get_or_none(stream_id)
    if found is None:
        raise NotFound(f"no record {stream_id}")
    authorize_read(str(getattr(found, "path", "")))
    marked = [int(v) for v in request.query_params.getlist("v") if v.isascii() and v.isdigit()]
    kind = type(found).__name__
    link = {"Placement": f"/web/placements/{stream_id}",
            "SubsidyClaim": f"/web/claims/{stream_id}"}.get(kind)
    return render(request, "pages/evidence.html", history=services.ledger.history(stream_id),
                  marked=marked, subject_link=link, timeline_tz=BUSINESS_TZ)


@router.post("/web/verify", response_class=HTMLResponse)
def tamper_check(request: Request, actor: Inspecting) -> Response:
    """R-FRAUD-8: recompute every hash chain of the county and compare with its anchored head."""
    services: Services = request.app.state.services
    county, _ = _county_and_township(actor.jurisdiction)
    authorize("read_audit", county)
    report = verify_chains(services.ledger, county)
    services.read_model.record_tamper_links(county, report.broken)
    return render(request, "pages/_verify.html", report=report)


def _ledger_place(actor_jurisdiction: str, township: str) -> str:
    county, own = _county_and_township(actor_jurisdiction)
    path = township or (jurisdiction_path(county, own) if own else "")
    if path.count("/") != 1:
        raise InvalidInput("township: choose a township (county/township)", fact="township")
    authorize_read(path)
    return path


def _ledger_rows(services: Services, path: str, month: str) -> list[dict[str, Any]]:
    parse_month(month)
    services.read_model.catch_up(services.ledger)
    return services.read_model.ledger(township_path=path, month=month)


@router.get("/web/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, actor: Inspecting, township: str = "",
                month: str = "") -> Response:
    services: Services = request.app.state.services
    county, own = _county_and_township(actor.jurisdiction)
    townships = sorted({f"{county}/{row['township']}" for row in
                        services.read_model.list_posts(within=actor.jurisdiction)})
    if not township and not own and townships:
        township = townships[0]
    path = _ledger_place(actor.jurisdiction, township)
    month = month or month_of(add_months(today_of(request).replace(day=1), -1))
    return render(request, "pages/ledger.html", rows=_ledger_rows(services, path, month),
                  township_path=path, month=month, townships=townships, report=None,
                  may_import=may(actor, "import_ledger"))


@router.get("/web/ledger.xlsx")
def ledger_file(request: Request, actor: Inspecting, township: str, month: str) -> Response:
    services: Services = request.app.state.services
    path = _ledger_place(actor.jurisdiction, township)
    reads = Reads(AccessLog(services.read_model.engine, services.read_model.keys), actor,
                  request.client.host if request.client else "unknown")  # logged and masked
    data = logged_ledger_file(services.ledger, _ledger_rows(services, path, month), reads)
    name = f"ledger-{path.replace('/', '-')}-{month}.xlsx"
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/web/ledger/import", response_class=HTMLResponse)
def ledger_upload(request: Request, actor: Inspecting, form: PageForm) -> Response:
    """A county's own ledger file, imported as reported (R-ATT-2)."""
    upload = form.data.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput("file: choose a .xlsx file", fact="file")
    data = upload.file.read()
    services: Services = request.app.state.services
    county, _ = _county_and_township(actor.jurisdiction)
    report = import_ledger(services.ledger, data, file_name=upload.filename or "upload.xlsx",
                           county=county)
    services.read_model.catch_up(services.ledger)
    return render(request, "pages/_import.html", report=report.as_dict())

