"""The county at its registers in a real browser: officials registered (a second registration
of the same person refused in place, naming R-FRAUD-5) and an agreement ending soon extended
from the extensions page (refused naming R-EXIT-2 until hardship is shown), in Chinese and
English."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Page, expect

from postledger.domain.resident_id import ResidentId
from tests.e2e.browser.conftest import shoot, sign_in


def test_the_county_registers_an_official_and_a_second_registration_names_its_rule(
        page: Page, server: str) -> None:
    sign_in(page, server, "county", "520524", "李科长")
    page.click("header nav a[href='/web/officials']")
    expect(page.locator("h1")).to_contain_text("人员登记")
    expect(page.locator("#officials")).to_contain_text("村党支部书记")
    form = page.locator("#register")
    form.locator("input[name=name]").fill("吴村长")
    form.locator("select[name=role]").select_option("director")
    form.locator("select[name=jurisdiction]").select_option("520524/chengguan/dongmen")
    form.locator("input[name=resident_id]").fill(
        ResidentId.compose("520524", date(1968, 8, 8), 31).value)
    form.locator("input[name=household_id]").fill("dongmen-HH-77")
    form.locator("input[name=address]").fill("城关镇东门村7组")
    form.locator("button[type=submit]").click()
    expect(page.locator("#officials")).to_contain_text("吴村长")
    shoot(page, "officials-register-zh")

    form = page.locator("#register")
    form.locator("input[name=name]").fill("吴村长")
    form.locator("select[name=jurisdiction]").select_option("520524/chengguan/dongmen")
    form.locator("input[name=resident_id]").fill(
        ResidentId.compose("520524", date(1968, 8, 8), 31).value)
    form.locator("button[type=submit]").click()
    problem = page.locator("#register-outcome .problem")
    expect(problem).to_have_attribute("data-rule", "R-FRAUD-5")
    expect(problem).to_contain_text("R-FRAUD-5")
    shoot(page, "officials-refused-zh")

    page.click("header a.lang")
    expect(page.locator("h1")).to_contain_text("Register of officials")
    expect(page.locator("#officials")).to_contain_text("committee director")
    shoot(page, "officials-register-en")


def test_the_county_extends_an_agreement_ending_soon(page: Page, server: str) -> None:
    sign_in(page, server, "county", "520524", "李科长")
    page.click("header nav a[href='/web/extensions']")
    expect(page.locator("h1")).to_contain_text("协议到期与延期")
    row = page.locator("#extensions tr.task").first
    row_id = row.get_attribute("id")
    assert row_id
    shoot(page, "extensions-zh")
    row.locator("select[name=basis]").select_option("near_retirement")
    row.locator("input[name=still_unemployed]").check()
    row.locator("button[type=submit]").click()
    problem = page.locator(f"#{row_id} .problem")
    expect(problem).to_have_attribute("data-rule", "R-EXIT-2")
    expect(problem).to_contain_text("R-EXIT-2")
    shoot(page, "extension-refused-zh")

    row = page.locator(f"#{row_id}")
    row.locator("input[name=hardship]").check()
    row.locator("input[name=evidence]").fill("低保证 520524-0042")
    row.locator("button[type=submit]").click()
    done = page.locator("#extensions tr.done").first
    expect(done).to_contain_text("在岗")
    done.locator("a").click()
    expect(page.locator("table.timeline")).to_contain_text("延期")
    shoot(page, "extension-granted-zh")

    page.goto(f"{server}/web/extensions?lang=en")
    expect(page.locator("h1")).to_contain_text("Agreements ending and extensions")
    shoot(page, "extensions-en")
