"""The monthly real-name ledger (R-ATT-2, API.md "The monthly ledger file") through HTTP and
the command line: JSON and .xlsx, as of an instant, imported as reported, round trip equal."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from postledger.api.cli import main
from postledger.api.deps import Services
from postledger.workflows.ledger_file import COLUMNS
from tests.e2e.test_findings_api import Clock, Town, clock, ledger_file, legacy, someone
from tests.e2e.test_placements_api import COUNTY, INSPECTOR, TOWNSHIP

__all__ = ["clock"]  # the fixture, shared

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cells(data: bytes) -> list[list[Any]]:
    sheet = load_workbook(BytesIO(data)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def a_worked_township(client: TestClient, clock: Clock) -> tuple[str, str]:
    town = Town(client, clock)
    road = town.new_post()
    paid = town.placement(road, someone(1))
    town.work(paid, ["2024-01", "2024-02"], days=[20, 18])
    left = town.placement(road, someone(2))
    town.work(left, ["2024-01"], days=[11], pay=False)
    town.post(f"/placements/{left}/exit", TOWNSHIP, {"date": "2024-02-10", "reason": "resigned"})
    return paid, left


def test_the_ledger_of_a_township_month_in_json_and_as_it_stood(
    client: TestClient, clock: Clock
) -> None:
    paid, left = a_worked_township(client, clock)
    rows = client.get("/ledger?township=chengguan&month=2024-01", headers=INSPECTOR).json()
    by_id = {r["subject_id"]: r for r in rows}
    assert by_id[paid]["days_worked"] == 20 and by_id[paid]["amount_fen"] == 50000
    assert by_id[paid]["secretary"] == "罗书记" and by_id[paid]["post"] == "护路员"
    assert by_id[paid]["resident_id"].count("*") == 8  # masked, never in plain
    assert by_id[left]["amount_fen"] == 0 and by_id[left]["exited_on"] == "2024-02-10"
    # A clawback (R-PAY-3) is netted: paid 500 yuan, 120 recovered.
    Town(client, clock).post(f"/placements/{paid}/clawback", COUNTY, {
        "date": "2024-03-10", "month": "2024-01", "amount_fen": 12000, "reason": "缺勤未扣"})
    rows = client.get("/ledger?township=chengguan&month=2024-01", headers=INSPECTOR).json()
    netted = {r["subject_id"]: r for r in rows}[paid]
    assert (netted["paid_fen"], netted["clawed_back_fen"], netted["amount_fen"]) == (
        50000, 12000, 38000)
    # Attendance of January was signed on 2 February and paid on the 3rd (the clock's days).
    then = client.get("/ledger", headers=INSPECTOR, params={
        "township": "chengguan", "month": "2024-01", "as_of": "2024-02-02T12:00:00+08:00"}).json()
    by_id = {r["subject_id"]: r for r in then}
    assert by_id[paid]["days_worked"] == 20 and by_id[paid]["amount_fen"] == 0
    assert by_id[left]["exited_on"] is None
    before = client.get("/ledger", headers=INSPECTOR, params={
        "township": "chengguan", "month": "2024-01", "as_of": "2024-01-20T00:00:00+08:00"})
    assert before.json() == []
    assert client.get("/ledger?township=shuangyan&month=2024-01",
                      headers=TOWNSHIP).status_code == 403


def test_the_county_as_it_was_at_an_instant(client: TestClient, clock: Clock) -> None:
    paid, left = a_worked_township(client, clock)
    def states(instant: str) -> dict[str, str]:
        rows = client.get("/placements", headers=COUNTY, params={"as_of": instant}).json()
        return {r["id"]: r["state"] for r in rows}
    assert states("2024-01-05T12:00:00+08:00") == {paid: "applied", left: "applied"}
    assert states("2024-02-01T00:00:00+08:00") == {paid: "active", left: "active"}
    assert states("2024-03-01T00:00:00+08:00") == {paid: "active", left: "exited"}
    assert states("2023-12-31T00:00:00+08:00") == {}
    exited = client.get("/placements", headers=COUNTY, params={
        "as_of": "2024-03-01T00:00:00+08:00", "state": "exited"}).json()
    assert [r["id"] for r in exited] == [left]
    assert client.get("/placements?as_of=2024-03-01T00:00:00", headers=COUNTY).status_code == 422


def test_export_then_import_then_export_gives_the_same_file(
    client: TestClient, clock: Clock, services: Services, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a_worked_township(client, clock)
    # The county takes the ledger with full numbers (src/api/ledger_export.py): a file to import.
    first = client.get("/ledger?township=chengguan&month=2024-01",
                       headers={**COUNTY, "Accept": XLSX})
    assert first.status_code == 200 and first.headers["content-type"] == XLSX
    assert cells(first.content)[0] == [chinese for _, chinese, _ in COLUMNS]
    assert len(cells(first.content)) == 3

    # Into another county of the same store, by the command line, and out again.
    monkeypatch.setenv("POSTLEDGER_DATABASE_URL", services.settings.database_url)
    monkeypatch.setenv("POSTLEDGER_MODE", services.settings.mode)
    (tmp_path / "in.xlsx").write_bytes(first.content)
    assert main(["ledger", "import", str(tmp_path / "in.xlsx"), "--county", "520525"]) == 0
    assert main(["ledger", "export", "--township", "520525/chengguan", "--month", "2024-01",
                 "--role", "county", str(tmp_path / "out.xlsx")]) == 0
    assert cells((tmp_path / "out.xlsx").read_bytes()) == cells(first.content)


def test_an_imported_file_is_recorded_as_reported_row_by_row(
    client: TestClient, clock: Clock
) -> None:
    clock.on(date(2024, 7, 1))
    rows = [
        legacy(1, "2024-01"),
        legacy(2, "２０２４-01"),  # full-width digits: never read as another month
        legacy(3, "2024-01", days_worked="二十"),
        legacy(4, "2024-01", amount_yuan="500.001"),
        legacy(5, "2024-01", name=None),
        legacy(6, "2024-01", days_worked=40, member=None),  # breaks rules, still recorded
        legacy(7, "2024-01", township="a/b"),
    ]
    answer = client.post("/ledger/import", headers=COUNTY,
                         files={"file": ("ximen.xlsx", ledger_file(rows))}).json()
    assert answer["rows"] == 7 and answer["imported"] == 2
    assert [u["row"] for u in answer["unreadable"]] == [3, 4, 5, 6, 8]
    reasons = " ".join(u["reason"] for u in answer["unreadable"])
    for named in ("month", "days_worked", "amount_yuan", "name", "township"):
        assert named in reasons
    ledger = client.get("/ledger?township=chengguan&month=2024-01", headers=INSPECTOR).json()
    assert sorted((r["days_worked"], r["member"]) for r in ledger) == [(21, "杨委员"), (40, None)]
    history = client.get(f"/placements/{ledger[0]['subject_id']}/history", headers=INSPECTOR)
    assert history.status_code == 200, history.text
    sources = [e["source"] for e in history.json()]
    assert {"file": "ximen.xlsx", "sheet": "Sheet", "row": sources[0]["row"]} == sources[0]
    assert client.post("/ledger/import", headers=TOWNSHIP,
                       files={"file": ("x.xlsx", ledger_file(rows))}).status_code == 403
    assert client.post("/ledger/import", headers=COUNTY,
                       files={"file": ("x.xlsx", b"not a workbook")}).status_code == 422


def test_english_headers_are_accepted(client: TestClient, clock: Clock) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([english for _, _, english in COLUMNS])
    row = legacy(1, "2024-03")
    sheet.append([row.get(name) for name, _, _ in COLUMNS])
    out = BytesIO()
    book.save(out)
    answer = client.post("/ledger/import", headers=COUNTY,
                         files={"file": ("en.xlsx", out.getvalue())}).json()
    assert answer == {"rows": 1, "imported": 1, "unreadable": []}


def test_each_ledger_row_read_is_in_the_access_log(client: TestClient, clock: Clock) -> None:
    # Given a township month with two placements on the ledger
    paid, left = a_worked_township(client, clock)
    # when an inspector reads it as JSON and downloads it as .xlsx
    client.get("/ledger?township=chengguan&month=2024-01", headers=INSPECTOR)
    client.get("/ledger?township=chengguan&month=2024-01", headers={
        **INSPECTOR, "Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    # then the access log names both reads for each placement on it
    for subject in (paid, left):
        reads = client.get("/audit/access", params={"subject": subject}, headers=INSPECTOR).json()
        assert [r["what"] for r in reads if r["what"].startswith("ledger")] == [
            "ledger", "ledger.xlsx"]


def test_a_month_of_a_placement_held_here_read_from_a_file_says_where_it_was_read(
    client: TestClient, clock: Clock
) -> None:
    # Given a placement worked in January and February, and the county's ledger of February
    paid, _ = a_worked_township(client, clock)
    february = client.get("/ledger?township=chengguan&month=2024-02",
                          headers={**COUNTY, "Accept": XLSX})
    book = load_workbook(BytesIO(february.content))
    sheet = book.worksheets[0]
    month_column = [c.value for c in sheet[1]].index("月份") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=month_column, value="2024-03")
    march = BytesIO()
    book.save(march)
    # when March comes in as a file, its rows that of the placement held here
    clock.on(date(2024, 4, 2))
    answer = client.post("/ledger/import", headers=COUNTY,
                         files={"file": ("march.xlsx", march.getvalue())})
    assert answer.status_code == 200 and answer.json()["imported"] == 1, answer.text
    # then its attendance and payment are the placement's own steps, each marked with the file,
    # sheet and row it was read from (API.md v1.1), and so is its row of the ledger
    history = client.get(f"/placements/{paid}/history", headers=INSPECTOR).json()
    march_steps = [e for e in history if e["data"].get("month") == "2024-03"]
    assert [e["type"] for e in march_steps] == ["AttendanceRecorded", "Paid"]
    assert all(e["source"] == {"file": "march.xlsx", "sheet": sheet.title, "row": 2}
               for e in march_steps)
    assert all(e["source"] is None for e in history if e["data"].get("month") == "2024-02")
    rows = client.get("/ledger?township=chengguan&month=2024-03", headers=INSPECTOR).json()
    assert [(r["subject_id"], r["source"]) for r in rows] == [
        (paid, {"file": "march.xlsx", "sheet": sheet.title, "row": 2})]


def test_a_row_without_a_village_is_a_township_row_recorded_as_reported(
    client: TestClient, clock: Clock
) -> None:
    # Given a file with a row that names its township only (the village is no required column)
    clock.on(date(2024, 7, 1))
    rows = [legacy(1, "2024-01", village=None)]
    # when the county imports it
    answer = client.post("/ledger/import", headers=COUNTY,
                         files={"file": ("chengguan.xlsx", ledger_file(rows))}).json()
    # then it is recorded, not refused for a village it does not name
    assert answer == {"rows": 1, "imported": 1, "unreadable": []}
    ledger = client.get("/ledger?township=chengguan&month=2024-01", headers=INSPECTOR).json()
    assert [(r["village"], r["days_worked"]) for r in ledger] == [(None, 21)]
