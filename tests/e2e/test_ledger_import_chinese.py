"""A ledger import answers every row it did not record in Chinese too (``reason_zh``), for the
county staff who keep the file, beside the English ``reason`` clients already read."""

from __future__ import annotations

import json
import re
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from postledger.api.cli import main
from postledger.api.deps import Services
from tests.e2e.test_findings_api import Clock, clock, ledger_file, legacy
from tests.e2e.test_ledger_api import a_worked_township
from tests.e2e.test_placements_api import COUNTY

__all__ = ["clock"]  # the fixture, shared

CHINESE = re.compile(r"[\u4e00-\u9fff]")
RULE_ID = re.compile(r"R-[A-Z]+-[0-9]+")


def held_row(month: str, **extra: object) -> dict[str, object]:
    """A row of the placement ``a_worked_township`` holds here (person 1 at
    chengguan/dongmen): that placement's month, not history."""
    return legacy(1, month, village="dongmen", post="护路员", kind="road", **extra)


def test_every_row_not_recorded_says_why_in_chinese_too(
    client: TestClient, clock: Clock
) -> None:
    # Given a placement held here, and a county file whose rows fail for different reasons
    a_worked_township(client, clock)
    clock.on(date(2024, 4, 2))
    rows = [
        legacy(2, "2024-13"),  # row 2: no such month
        legacy(3, "2024-03", amount_yuan="五百"),  # row 3: not an amount
        legacy(4, "2024-03", name=None),  # row 4: an empty required cell
        legacy(5, "2024-03", township="a/b"),  # row 5: a township name with '/'
        held_row("2024-03", days_worked=0),  # row 6: 0 days worked is not paid (R-PAY-2)
        legacy(6, "2024-03"),  # row 7: readable, recorded as reported
    ]
    # when the county imports it
    response = client.post("/ledger/import", headers=COUNTY,
                           files={"file": ("march.xlsx", ledger_file(rows))})
    # then each row not recorded has its English reason as before and a Chinese one beside it
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["rows"], answer["imported"]) == (6, 1)
    by_row = {u["row"]: u for u in answer["unreadable"]}
    assert sorted(by_row) == [2, 3, 4, 5, 6]
    for item in answer["unreadable"]:
        assert CHINESE.search(item["reason_zh"]), item
        assert RULE_ID.findall(item["reason_zh"]) == RULE_ID.findall(item["reason"]), item
    assert by_row[2]["reason"].startswith("month: ") and by_row[2]["reason_zh"] == (
        "月份：须为月份 YYYY-MM")
    assert "amount_yuan" in by_row[3]["reason"] and by_row[3]["reason_zh"].startswith("发放金额：")
    assert by_row[4]["reason"] == "name is empty" and by_row[4]["reason_zh"] == "姓名：未填写"
    assert "township" in by_row[5]["reason"] and by_row[5]["reason_zh"].startswith("乡镇：")
    refused = by_row[6]
    assert refused["reason"].startswith("payment refused (R-PAY-2): ")
    assert refused["reason"].endswith("; attendance recorded")
    assert refused["reason_zh"] == "发放被拒绝（R-PAY-2）：2024-03 考勤出勤 0 天：当月不发补贴；已记录考勤"


def test_a_refused_attendance_and_a_place_outside_the_county_say_so_in_chinese(
    client: TestClient, clock: Clock
) -> None:
    # Given a placement held here, already paid for February
    a_worked_township(client, clock)
    clock.on(date(2024, 4, 2))
    # when a file gives February again (R-ATT-1: a month's attendance is signed once), a row
    # without days worked, a row whose village is no place name, and a row that ends the
    # placement (R-EXIT-3: it leaves by its exit step)
    rows = [held_row("2024-02"), held_row("2024-03", days_worked=None),
            legacy(7, "2024-03", village="西门"), held_row("2024-03", exited_on="2024-03-20")]
    answer = client.post("/ledger/import", headers=COUNTY,
                         files={"file": ("again.xlsx", ledger_file(rows))}).json()
    # then each refusal says it in Chinese with the rule its English names
    by_row = {u["row"]: u for u in answer["unreadable"]}
    assert sorted(by_row) == [2, 3, 4, 5], answer
    assert by_row[2]["reason"].startswith("attendance refused (R-")
    assert by_row[2]["reason_zh"].startswith("考勤被拒绝（R-")
    assert by_row[2]["reason_zh"].endswith("；未记录任何内容")
    assert by_row[3]["reason_zh"].startswith("出勤天数未填写") and "（R-ATT-1）" in by_row[3][
        "reason_zh"]
    assert by_row[4]["reason_zh"].startswith("村：须为区划代码")
    assert by_row[5]["reason_zh"].startswith("退出日期 2024-03-20：")
    assert by_row[5]["reason_zh"].endswith("；未记录任何内容")
    for item in answer["unreadable"]:
        assert RULE_ID.findall(item["reason_zh"]) == RULE_ID.findall(item["reason"]), item


def test_a_whole_file_refused_says_why_in_chinese(client: TestClient) -> None:
    # Given a file that is no workbook, and a workbook without the required headers
    for data, wording in ((b"not a workbook", "不是可读取的 .xlsx 文件"),
                          (_headerless(), "第一行缺少表头")):
        # when the county imports it, preferring Chinese
        response = client.post("/ledger/import", headers={**COUNTY, "Accept-Language": "zh"},
                               files={"file": ("x.xlsx", data)})
        # then the 422 says why in Chinese
        assert response.status_code == 422, response.text
        problem = response.json()
        assert wording in problem["errors"][0]["problem_zh"]
        assert wording in problem["detail"]


def _headerless() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["甲", "乙"])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_command_line_prints_the_chinese_reasons(
    client: TestClient, clock: Clock, services: Services, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a file with an unreadable month
    monkeypatch.setenv("POSTLEDGER_DATABASE_URL", services.settings.database_url)
    monkeypatch.setenv("POSTLEDGER_MODE", services.settings.mode)
    (tmp_path / "in.xlsx").write_bytes(ledger_file([legacy(1, "2024-13")]))
    # when it is imported by the command line
    assert main(["ledger", "import", str(tmp_path / "in.xlsx"), "--county", "520524"]) == 0
    # then the printout gives the row's reason in both languages, the Chinese as characters
    printed = capsys.readouterr().out
    assert "月份：须为月份 YYYY-MM" in printed
    answer = json.loads(printed[printed.index("{"):])
    assert answer["unreadable"] == [{"row": 2, "reason": "month: must be a month YYYY-MM",
                                     "reason_zh": "月份：须为月份 YYYY-MM"}]
