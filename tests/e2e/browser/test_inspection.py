"""An inspector at work: planted findings opening their evidence, the monthly ledger downloaded
as .xlsx and read back, the tamper check; the county uploads a ledger file."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.e2e.browser.conftest import shoot, sign_in


def test_an_inspector_opens_a_planted_finding_and_reaches_its_evidence(page: Page,
                                                                        server: str) -> None:
    sign_in(page, server, "inspector", "520524")
    expect(page.locator("#chart-findings svg")).to_be_visible()
    shoot(page, "inspect-findings-zh")
    page.click("a[href='/web/findings']")
    planted = page.locator("tr.finding[data-rule='R-FRAUD-7']").first
    expect(planted).to_contain_text("考勤完全相同")
    shoot(page, "findings-zh")
    planted.locator("a.evidence").first.click()
    expect(page.locator("h1")).to_contain_text("证据")
    marked = page.locator("table.timeline tr.marked")
    assert marked.count() >= 12  # a year of identical attendance, each month cited
    expect(marked.first).to_contain_text("考勤签字")
    shoot(page, "evidence-zh")


def test_the_monthly_ledger_downloads_as_a_workbook_with_the_real_names(
        page: Page, server: str, tmp_path: Path) -> None:
    sign_in(page, server, "inspector", "520524")
    page.goto(f"{server}/web/ledger?township=520524/chengguan")
    names = page.locator("table.ledger tr td:first-child").all_inner_texts()
    assert names, "the demo county has a ledger for last month"
    with page.expect_download() as download:
        page.click("#download")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    sheet = load_workbook(saved).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert "姓名" in str(rows[0][2])
    assert sorted(str(r[2]) for r in rows[1:]) == sorted(names)
    shoot(page, "ledger-zh")


def test_the_county_uploads_a_ledger_file_and_sees_what_was_read(page: Page, server: str,
                                                                  tmp_path: Path) -> None:
    sign_in(page, server, "county", "520524")
    page.goto(f"{server}/web/ledger?township=520524/shuangyan")
    with page.expect_download() as download:
        page.click("#download")
    saved = tmp_path / "back.xlsx"
    download.value.save_as(saved)
    page.set_input_files("#upload input[type=file]", str(saved))
    page.click("#upload button[type=submit]")
    expect(page.locator("#import-report .ok-box")).to_contain_text("已导入")
    shoot(page, "ledger-import-zh")


def test_the_tamper_check_finds_the_event_the_demo_changed(page: Page, server: str) -> None:
    """The demo changes one stored event after loading (R-FRAUD-8); the check names it."""
    sign_in(page, server, "inspector", "520524")
    page.click("#verify button[type=submit]")
    found = page.locator("#verify-result [data-ok=false]")
    expect(found).to_contain_text("R-FRAUD-8")
    expect(found).to_contain_text("changed")
    shoot(page, "verify-zh")
    found.locator("a").first.click()
    expect(page.locator("h1")).to_contain_text("证据")
    expect(page.locator("table.timeline tr.marked").first).to_contain_text("考勤签字")
