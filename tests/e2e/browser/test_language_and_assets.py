"""The same pages in Chinese and in English, on a phone-sized screen, with every asset — the API
docs included — served by the service itself."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.e2e.browser.conftest import hosts_asked, shoot, sign_in

MAIN_PAGES = {
    "queue": "/web/queue",
    "placements": "/web/placements",
    "claims": "/web/claims",
    "claim-new": "/web/claims/new?type=social_insurance",
    "apply": "/web/apply",
    "posts": "/web/posts",
    "policy": "/web/policy",
    "inspect": "/web/inspect",
    "findings": "/web/findings",
    "ledger": "/web/ledger",
    "officials": "/web/officials",
    "extensions": "/web/extensions",
}


def test_switching_language_shows_the_same_page_in_english_and_remembers_it(
        page: Page, server: str) -> None:
    sign_in(page, server, "township", "520524/chengguan")
    chinese = page.locator("#sec-township-review tr.task td.who a").all_inner_texts()
    page.click("header a.lang")
    expect(page.locator("h1")).to_contain_text("Work queue")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.locator("#sec-township-review tr.task td.who a").all_inner_texts() == chinese
    page.goto(f"{server}/web/placements")
    expect(page.locator("h1")).to_contain_text("Placements")
    page.click("header a.lang")
    expect(page.locator("h1")).to_contain_text("岗位人员")


def test_every_main_page_in_both_languages_from_the_service_alone(page: Page,
                                                                 server: str) -> None:
    hosts = hosts_asked(page)
    sign_in(page, server, "admin", "520524")
    for lang in ("zh", "en"):
        for name, path in MAIN_PAGES.items():
            joiner = "&" if "?" in path else "?"
            response = page.goto(f"{server}{path}{joiner}lang={lang}")
            assert response is not None and response.status == 200, (name, lang)
            expect(page.locator("html")).to_have_attribute("lang", "zh-CN" if lang == "zh" else "en")
            if name == "inspect":
                expect(page.locator("#chart-active svg")).to_be_visible()
            shoot(page, f"{name}-{lang}")
        placement = page.locator("a[href^='/web/placements/']")
        page.goto(f"{server}/web/placements?state=active&lang={lang}")
        placement.first.click()
        expect(page.locator("ol.steps li.current")).to_have_count(1)
        shoot(page, f"placement-active-{lang}")
    assert hosts == {urlsplit(server).netloc}


def test_the_inspector_sees_charts_drawn_by_the_services_own_echarts(page: Page,
                                                                      server: str) -> None:
    sign_in(page, server, "inspector", "520524")
    expect(page).to_have_url(f"{server}/web/inspect")
    for chart in ("#chart-active", "#chart-paid", "#chart-townships"):
        expect(page.locator(f"{chart} svg")).to_be_visible()
    assert page.locator("header nav a", has_text="待办").count() == 0


def test_the_api_docs_work_offline(page: Page, server: str) -> None:
    hosts = hosts_asked(page)
    page.goto(f"{server}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("postledger")
    expect(page.locator(".opblock-tag", has_text="placements")).to_be_visible()
    shoot(page, "docs")
    assert hosts == {urlsplit(server).netloc}


def test_the_work_queue_fits_a_phone(page: Page, server: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, server, "village", "520524/chengguan/dongmen")
    expect(page.locator("h1")).to_contain_text("待办事项")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    shoot(page, "queue-village-phone-zh")
