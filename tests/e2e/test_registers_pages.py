"""The officials register and the extensions page over HTTP, on both stores: the demo's
officials listed and a new one registered (a second registration refused naming R-FRAUD-5); the
agreement ending soon listed, an extension refused naming R-EXIT-2, then granted."""

from __future__ import annotations

import re
from datetime import date, timedelta

from fastapi.testclient import TestClient

from postledger.domain.resident_id import ResidentId
from tests.e2e.test_pages_http import demo, sign_in

__all__ = ["demo"]  # the fixture, used by name


def test_the_county_registers_an_official_once(demo: TestClient) -> None:
    token = sign_in(demo, "county", "520524", "李科长")
    page = demo.get("/web/officials")
    assert page.status_code == 200 and "村支书 罗" in page.text and "村党支部书记" in page.text
    official = {"csrf": token, "name": "杨村长", "role": "director",
                "jurisdiction": "520524/chengguan/dongmen",
                "resident_id": ResidentId.compose("520524", date(1970, 3, 3), 11).value,
                "household_id": "dongmen-HH-1", "address": "城关镇东门村2组"}
    assert demo.post("/web/officials", data=official).status_code == 303
    listed = demo.get("/web/officials").text
    assert "杨村长" in listed and "村委会主任" in listed
    again = demo.post("/web/officials", data=official)
    assert again.status_code == 409 or again.status_code == 422
    assert "R-FRAUD-5" in again.text
    english = demo.get("/web/officials?lang=en").text
    assert "Register of officials" in english and "committee director" in english


def test_a_village_clerk_reads_the_register_but_does_not_register(demo: TestClient) -> None:
    token = sign_in(demo, "clerk", "520524/chengguan/dongmen", "罗文书")
    page = demo.get("/web/officials").text
    assert "村支书 罗" in page and 'id="register"' not in page
    refused = demo.post("/web/officials", data={
        "csrf": token, "name": "某人", "role": "member", "jurisdiction": "520524/chengguan/dongmen",
        "resident_id": ResidentId.compose("520524", date(1970, 3, 3), 13).value})
    assert refused.status_code == 403


def test_the_county_extends_an_agreement_ending_soon_under_r_exit_2(demo: TestClient) -> None:
    token = sign_in(demo, "county", "520524", "李科长")
    page = demo.get("/web/extensions")
    assert page.status_code == 200
    found = re.search(r'id="row-extension-([0-9a-f-]+)"', page.text)
    assert found, "the demo has an agreement ending within 60 days"
    pid = found.group(1)
    ends = re.search(r"协议截止 ([0-9-]+)", page.text)
    assert ends
    agreement_end = date.fromisoformat(ends.group(1))
    offered = demo.get(f"/web/placements/{pid}").text  # the placement page offers it too
    assert 'data-step="extension"' in offered and "延期（R-EXIT-2）" in offered
    # Decided in the 60 days up to the agreement end, and not after today (R-INPUT-2).
    on = min(date.today(), agreement_end - timedelta(days=10))
    form = {"csrf": token, "date": on.isoformat(), "basis": "near_retirement",
            "until": (agreement_end + timedelta(days=300)).isoformat(),
            "evidence": "", "publicity_started_on": (on - timedelta(days=8)).isoformat(),
            "publicity_ended_on": (on - timedelta(days=1)).isoformat(),
            "still_unemployed": "on"}
    refused = demo.post(f"/web/placements/{pid}/extension", data=form)
    assert refused.status_code == 422 and "R-EXIT-2" in refused.text
    granted = demo.post(f"/web/placements/{pid}/extension",
                        data={**form, "hardship": "on", "evidence": "低保证 520524-0042"})
    assert granted.status_code == 303, granted.text
    placement = demo.get(f"/web/placements/{pid}").text
    assert "延期" in placement and form["until"] in placement
