"""Ledger files in and out (API.md "The monthly ledger file").

Import records every readable row of a person who holds no placement here **as reported** —
each on the ``LegacyPlacement`` of its person, post and onboarding date, marked with its file,
sheet and row — even where it breaks a rule: nothing is refused or silently dropped, and an
unreadable row is answered with its number and reason. The findings then audit it like any
other history. A row of a placement this service holds (the person's placement at the row's
place) is that placement's monthly attendance and payment, taken with every domain check of
the service commands; a refused step is answered like an unreadable row, with its rule
(src/workflows/ledger_bulk.py). All rows of a file are saved together, in one transaction up to
``CHUNK_EVENTS`` events (any township's or county's month); a larger file in parts of that size.

Export writes a township-month of the ledger read model, with each person's resident id and
phone read back from the event store (the read model holds only their hashes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from postledger.domain.legacy_ledger import LegacyPlacement, legacy_placement_id
from postledger.domain.post import jurisdiction_path, place_name_problem, place_name_problem_zh
from postledger.domain.values import parse_month
from postledger.workflows.ledger_bulk import Aggregates, NativeMonths, save_in_chunks
from postledger.workflows.ledger_file import (
    HEADER_ZH,
    LedgerLine,
    Unreadable,
    read_ledger,
    write_ledger,
)
from postledger.workflows.permissions import authorize, authorize_read, covers


@dataclass
class ImportReport:
    rows: int
    imported: int
    unreadable: list[Unreadable] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "imported": self.imported,
                "unreadable": [{"row": u.row, "reason": u.reason, "reason_zh": u.reason_zh}
                               for u in self.unreadable]}


def import_ledger(app: Any, data: bytes, *, file_name: str, county: str) -> ImportReport:
    who = authorize("import_ledger", county)
    sheet = read_ledger(data)
    unreadable = list(sheet.unreadable)
    placed: list[tuple[LedgerLine, str]] = []
    for line in sheet.lines:
        path = jurisdiction_path(county, line.township, line.village)
        refused = _place_refused(line)
        if refused is None and not covers(who, path):
            refused = Unreadable(row=line.row, reason=f"{path} is outside {who.jurisdiction}",
                                 reason_zh=f"{path} 不在 {who.jurisdiction} 的辖区内")
        if refused:
            unreadable.append(refused)
        else:
            placed.append((line, path))
    touched: dict[UUID, LegacyPlacement] = {}
    native = NativeMonths(app)
    native.preload((line for line, _ in placed), (
        legacy_placement_id(path, line.resident_id, line.post, line.onboarded_on)
        for line, path in placed))
    imported = 0
    for line, path in placed:
        source = {"file": file_name, "sheet": sheet.sheet, "row": line.row}
        held = native.placement_of(line, path)
        if held is not None:
            refused = native.record(line, held, source)
            if refused:
                unreadable.append(refused)
            else:
                imported += 1
            continue
        placement = _legacy_placement(native.aggregates, touched, county, line, source)
        signatures = {"secretary": line.secretary, "member": line.member, "worker": line.worker}
        reported = {"days_worked": line.days_worked, "signatures": signatures,
                    "amount_fen": line.amount_fen, "source": source}
        if placement.months.get(line.month) == reported:
            imported += 1  # this very row of this file, recorded by an earlier import
            continue
        placement.report_month(
            month=line.month, first_day=parse_month(line.month), days_worked=line.days_worked,
            signatures=signatures, amount_fen=line.amount_fen, source=source)
        if line.exited_on is not None:
            placement.report_exit(exited_on=line.exited_on, source=source)
        imported += 1
    save_in_chunks(app, [*native.touched.values(), *touched.values()])
    unreadable.sort(key=lambda u: u.row)
    return ImportReport(rows=sheet.rows, imported=imported, unreadable=unreadable)


def _place_refused(line: LedgerLine) -> Unreadable | None:
    """The row refused for its township's or village's name (it becomes part of a path); a
    row without a village is a township's (the village is no required column)."""
    for name, place in (("township", line.township), ("village", line.village)):
        if place is None:
            continue
        problem = place_name_problem(place)
        if problem:
            problem_zh = place_name_problem_zh(place) or problem
            return Unreadable(row=line.row, reason=f"{name} {place!r} {problem}",
                              reason_zh=f"{HEADER_ZH[name]} {place!r} {problem_zh}")
    return None


def _legacy_placement(aggregates: Aggregates, touched: dict[UUID, LegacyPlacement],
                      county: str, line: LedgerLine, source: dict[str, Any]) -> LegacyPlacement:
    path = jurisdiction_path(county, line.township, line.village)
    key = legacy_placement_id(path, line.resident_id, line.post, line.onboarded_on)
    if key in touched:
        return touched[key]
    found = aggregates.get(key)
    if found is not None:
        assert isinstance(found, LegacyPlacement)
        touched[key] = found
        return found
    touched[key] = LegacyPlacement(
        county=county, township=line.township, village=line.village, name=line.name,
        resident_id=line.resident_id, phone=line.phone, post=line.post, kind=line.kind,
        date=line.onboarded_on, source=source)
    return touched[key]


def export_ledger(app: Any, rows: list[dict[str, Any]], *, full_ids: bool = True) -> bytes:
    """The .xlsx of ledger read-model rows (``ledger_rows``), resident ids and phones in full,
    or masked as the read model holds them (``full_ids=False``; src/api/ledger_export.py)."""
    lines = []
    for row in rows:
        authorize_read(row["path"])
        person: dict[str, Any] = {"resident_id": row["resident_id_masked"],
                                  "phone": row["phone_masked"]}
        if full_ids:
            subject: Any = app.repository.get(UUID(row["subject_id"]))
            person = (subject.applicant if row["subject_kind"] == "placement"
                      else {"resident_id": subject.resident_id, "phone": subject.phone})
        lines.append({
            **row, "resident_id": person["resident_id"], "phone": person.get("phone") or None,
            "post": row["post_title"], "kind": row["post_kind"],
            "amount_fen": row["net_paid_fen"] if row["paid_fen"] else None,
        })
    return write_ledger(lines)
