"""Village, township and county staff and inspectors at work in a real browser, in Chinese
and in English, on the demo county."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from playwright.sync_api import Page, expect

from postledger.domain.resident_id import ResidentId
from tests.e2e.browser.conftest import shoot, sign_in

TOWNSHIP = "520524/chengguan"

def test_the_front_page_answers_without_signing_in_in_chinese(page: Page, server: str) -> None:
    page.goto(server)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_contain_text("公益性岗位")
    shoot(page, "front-zh")
    page.goto(f"{server}/?lang=en")
    expect(page.locator("h1")).to_contain_text("public-welfare posts")
    shoot(page, "front-en")

def test_a_township_reviewer_approves_a_placement_from_the_work_queue(page: Page,
                                                                     server: str) -> None:
    sign_in(page, server, "township", TOWNSHIP)
    expect(page.locator("h1")).to_contain_text("待办事项")
    shoot(page, "queue-township-zh")
    row = page.locator("#sec-township-review tr.task").first
    name = row.locator("td.who a").inner_text()
    row.locator("select[name=approve]").select_option("true")
    row.locator("button[type=submit]").click()
    done = page.locator("#sec-township-review tr.done").first
    expect(done).to_contain_text("乡镇审核通过")
    done.locator("a").click()
    expect(page.locator("h1")).to_contain_text(name)
    expect(page.locator("ol.steps li.current")).to_have_text(re.compile("乡镇审核通过"))
    expect(page.locator("table.timeline")).to_contain_text("乡镇审核")
    shoot(page, "placement-zh")

    # As of one second before the review was recorded, the placement was still at the village.
    recorded = page.locator("table.timeline tr").last.locator("td").nth(3).inner_text()
    before = datetime.fromisoformat(recorded) - timedelta(seconds=1)
    page.fill("input[name=as_of]", before.strftime("%Y-%m-%dT%H:%M:%S"))
    page.click("form.asof button[type=submit]")
    expect(page.locator("ol.steps li.current")).to_have_text(re.compile("村审核通过"))
    expect(page.locator("table.timeline")).not_to_contain_text("乡镇审核")
    expect(page.locator("section.actions")).to_have_count(0)  # history is read, not acted on
    shoot(page, "placement-as-of-zh")

def test_a_refusal_is_shown_in_place_naming_its_rule(page: Page, server: str) -> None:
    sign_in(page, server, "township", TOWNSHIP)
    running = page.locator("#sec-approval tr.task", has=page.locator(".tag"))
    running.first.locator("button[type=submit]").click()
    problem = running.first.locator(".problem")
    expect(problem).to_contain_text("R-PUB-1")
    expect(problem).to_contain_text("公示不少于5天")
    expect(problem).to_have_attribute("data-status", "409")
    shoot(page, "refusal-zh")

def test_an_unknown_placement_is_an_error_page_in_words(page: Page, server: str) -> None:
    sign_in(page, server, "township", TOWNSHIP)
    response = page.goto(f"{server}/web/placements/00000000-0000-4000-8000-000000000000")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_contain_text("未能办理")

def test_a_county_clerk_pays_a_month_and_a_claim(page: Page, server: str) -> None:
    sign_in(page, server, "county", "520524")
    shoot(page, "queue-county-zh")
    row = page.locator("#sec-payments tr.task").first
    month = row.locator("td.note").inner_text().strip()
    placement = row.locator("td.who a").get_attribute("href")
    row.locator("button[type=submit]").click()
    expect(page.locator("#sec-payments tr.done").first).to_contain_text("在岗")
    claim = page.locator("#sec-claim-payment tr.task").first
    claim.locator("button[type=submit]").click()
    expect(page.locator("#sec-claim-payment tr.done").first).to_contain_text("已发放")
    page.goto(f"{server}{placement}")
    paid = page.locator("table.compact tr", has=page.locator(f"td:text-is('{month}')"))
    expect(paid).to_contain_text("500.00")

def test_a_claim_is_computed_as_it_is_filled_then_reviewed_paid_and_clawed_back(
        page: Page, server: str) -> None:
    sign_in(page, server, "clerk", TOWNSHIP, "罗文书")
    page.goto(f"{server}/web/claims/new?type=transport")
    page.fill("input[name='claimant.name']", "罗大勇")
    page.fill("input[name='claimant.resident_id']",
              ResidentId.compose("520524", date(1990, 1, 1), 123).value)
    page.select_option("select[name='claimant.category']", "lifted")
    page.select_option("select[name='facts.destination']", "other_province")
    page.fill("input[name='facts.ticket_price_fen']", "455.50")
    page.fill("input[name='facts.months_stable']", "2")
    page.check("input[name='facts.real_name_ticket']")
    expect(page.locator("#quote .problem")).to_contain_text("R-SUB-TRANSPORT")
    page.fill("input[name='facts.months_stable']", "4")
    expect(page.locator("#quote .amount")).to_have_text("¥455.50")
    shoot(page, "claim-new-zh")
    page.click("#claim > button[type=submit]")

    expect(page.locator("h1")).to_contain_text("已提交")
    claim_url = page.url

    sign_in(page, server, "county", "520524", "李科长")
    page.goto(claim_url)
    page.locator("form[data-step=claim-review] button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("已批准")
    page.locator("form[data-step=payment] button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("已发放")
    clawback = page.locator("form[data-step=clawback]")
    clawback.locator("input[name=amount]").fill("100")
    clawback.locator("input[name=reason]").fill("车票金额虚报")
    clawback.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("部分追回")
    expect(page.locator("table.timeline")).to_contain_text("追回")
    shoot(page, "claim-zh")


def test_a_village_clerk_files_an_application_and_the_village_reviews_it(page: Page,
                                                                        server: str) -> None:
    sign_in(page, server, "clerk", "520524/chengguan/dongmen", "罗文书")
    page.click("header nav a[href='/web/apply']")
    page.fill("input[name=name]", "龙春花")
    page.fill("input[name=resident_id]", ResidentId.compose("520524", date(1976, 5, 9), 222).value)
    page.fill("input[name=phone]", "13912345678")
    page.fill("input[name=address]", "城关镇东门村3组")
    shoot(page, "apply-zh")
    page.click("#apply button[type=submit]")
    expect(page.locator("h1")).to_contain_text("龙春花")
    expect(page.locator("ol.steps li.current")).to_have_text(re.compile("已申请"))
    placement = page.url.rsplit("/", 1)[1]

    sign_in(page, server, "village", "520524/chengguan/dongmen", "村委 杨")
    row = page.locator(f"#row-village-review-{placement}")
    row.locator("button[type=submit]").click()
    expect(page.locator("#sec-village-review tr.done").first).to_contain_text("村审核通过")
