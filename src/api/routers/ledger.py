"""The monthly real-name ledger (API.md "The monthly ledger file", R-ATT-2): read as JSON or
.xlsx, as of any instant, and imported from a county's own files."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Header, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from postledger.api.access_log import AccessReads
from postledger.api.deps import SIGNED_IN_ONLY, CurrentActor, Ledger, ReadModels, taking
from postledger.api.ledger_export import ledger_file, logged_rows
from postledger.api.problems import PROBLEM_RESPONSES
from postledger.api.routers.audit import an_instant, county_of
from postledger.domain.errors import InvalidInput
from postledger.domain.post import jurisdiction_path
from postledger.domain.values import JurisdictionPath, Month, PlaceSegment
from postledger.workflows.ledger_io import import_ledger
from postledger.workflows.permissions import authorize_read

router = APIRouter(prefix="/ledger", tags=["ledger"], responses=PROBLEM_RESPONSES,
                   dependencies=[SIGNED_IN_ONLY])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LedgerRow(BaseModel):
    subject_id: str
    subject_kind: str
    township: str
    village: str | None
    name: str
    resident_id: str  # masked
    phone: str  # masked
    post: str | None
    kind: str | None
    onboarded_on: date | None
    month: str
    days_worked: int | None
    secretary: str | None
    member: str | None
    worker: str | None
    paid_fen: int
    clawed_back_fen: int
    amount_fen: int  # paid net of clawbacks
    exited_on: date | None
    source: dict[str, Any] | None


class UnreadableRow(BaseModel):
    """A row of the file not recorded, and why: ``reason`` in English as it always was,
    ``reason_zh`` the same particulars in Chinese for the county staff who keep the file."""

    row: int
    reason: str
    reason_zh: str


class ImportResult(BaseModel):
    rows: int
    imported: int
    unreadable: list[UnreadableRow]


def township_path(actor: CurrentActor, township: str, county: str | None) -> str:
    if "/" in township:
        return township.strip("/")
    chosen = county_of(actor, county)
    if not chosen:
        raise InvalidInput("name the county (county=) or give township as county/township",
                           fact="county")
    return jurisdiction_path(chosen, township)


@router.get("", response_model=list[LedgerRow])
def read_ledger(
    actor: CurrentActor,
    ledger: Ledger,
    read_model: ReadModels,
    township: JurisdictionPath,
    month: Month,
    reads: AccessReads,
    county: PlaceSegment | None = None,
    as_of: datetime | None = None,
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    path = township_path(actor, township, county)
    authorize_read(path)
    read_model.catch_up(ledger)
    rows = read_model.ledger(township_path=path, month=month, as_of=an_instant(as_of))
    if accept and XLSX in accept:  # logged, and masked unless the role needs the numbers
        name = f"ledger-{path.replace('/', '-')}-{month}.xlsx"
        return Response(ledger_file(ledger, rows, reads), media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    # Every ledger row read is logged by its placement and its person's hash (PIPL); the rows
    # show masked ids only.
    reads.rows("ledger", logged_rows(rows))
    return [LedgerRow(
        **{k: row[k] for k in LedgerRow.model_fields if k in row},
        resident_id=row["resident_id_masked"], phone=row["phone_masked"],
        post=row["post_title"], kind=row["post_kind"], amount_fen=row["net_paid_fen"],
        source={"file": row["source_file"], "sheet": row["source_sheet"],
                "row": row["source_row"]} if row["source_file"] else None,
    ) for row in rows]


@router.post("/import", dependencies=[taking("import_ledger")])
def import_file(
    actor: CurrentActor,
    ledger: Ledger,
    read_model: ReadModels,
    file: Annotated[UploadFile, File()],
    county: PlaceSegment | None = None,
) -> ImportResult:
    chosen = county_of(actor, county)
    if not chosen:
        raise InvalidInput("name the county the ledger belongs to (county=)", fact="county")
    report = import_ledger(ledger, file.file.read(), file_name=file.filename or "upload.xlsx",
                           county=chosen)
    read_model.catch_up(ledger)
    return ImportResult(**report.as_dict())
