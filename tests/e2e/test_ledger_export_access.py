"""Exports and list reads in the access log (API.md "Production mode"): the ledger file — by
HTTP, by the ledger page and by ``postledger ledger export`` — is logged (who, when, what, from
where: ``cli`` for the command line) and shows masked resident ids and phones unless the
reader's role needs them (county, admin: src/api/ledger_export.py). A query by resident id
finds reads made through unfiltered lists, whose rows showed only masked ids: the access log
and the read models share the one keyed person hash (src/domain/keyed_hash.py). On both
stores."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from postledger.api.cli import main
from postledger.api.deps import Services
from postledger.api.main import create_app
from tests.e2e.test_findings_api import Clock, clock, someone
from tests.e2e.test_ledger_api import XLSX, a_worked_township, cells
from tests.e2e.test_pages_http import sign_in
from tests.e2e.test_placements_api import COUNTY, INSPECTOR, TOWNSHIP, ok

__all__ = ["clock"]  # the fixture, shared

ADMIN = {"Authorization": "Bearer dev:admin::root"}
ID_COLUMN, PHONE_COLUMN = 3, 4  # 身份证号, 联系电话 (API.md "The monthly ledger file")


def access(client: TestClient, subject: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ok(client.get("/audit/access", params={"subject": subject},
                                                headers=INSPECTOR))
    return found


def id_and_phone_cells(data: bytes) -> list[tuple[str, str]]:
    return [(str(row[ID_COLUMN]), str(row[PHONE_COLUMN])) for row in cells(data)[1:]]


def test_the_ledger_file_is_masked_for_the_inspector_and_full_for_the_county(
    client: TestClient, clock: Clock
) -> None:
    paid, _ = a_worked_township(client, clock)
    resident_id, phone = someone(1)["resident_id"], someone(1)["phone"]
    query = "/ledger?township=chengguan&month=2024-01"
    masked = client.get(query, headers={**INSPECTOR, "Accept": XLSX})
    assert masked.status_code == 200
    shown = id_and_phone_cells(masked.content)
    assert len(shown) == 2
    assert all(rid.count("*") == 8 and "*" in tel for rid, tel in shown)
    assert resident_id.encode() not in masked.content and phone.encode() not in masked.content
    township = client.get(query, headers={**TOWNSHIP, "Accept": XLSX})
    assert township.status_code == 200, township.text
    assert all("*" in rid for rid, _ in id_and_phone_cells(township.content))

    full = client.get(query, headers={**COUNTY, "Accept": XLSX})
    assert (resident_id, phone) in id_and_phone_cells(full.content)
    admin = client.get(f"{query}&county=520524", headers={**ADMIN, "Accept": XLSX})
    assert admin.status_code == 200, admin.text
    assert id_and_phone_cells(admin.content) == id_and_phone_cells(full.content)

    # Each export logged by the person it showed, found by resident id and by placement.
    reads = [(e["actor"]["role"], e["what"], e["subject"]) for e in access(client, resident_id)]
    assert reads == [("inspector", "ledger.xlsx", paid), ("township", "ledger.xlsx", paid),
                     ("county", "ledger.xlsx", paid), ("admin", "ledger.xlsx", paid)]
    assert [e["what"] for e in access(client, paid)] == ["ledger.xlsx"] * 4


def test_unfiltered_list_reads_are_found_by_the_resident_id_they_showed_masked(
    client: TestClient, clock: Clock
) -> None:
    paid, left = a_worked_township(client, clock)
    resident_id = someone(2)["resident_id"]
    listed = ok(client.get("/placements", headers=TOWNSHIP))  # no person filter
    assert {r["id"] for r in listed} == {paid, left}
    assert all(resident_id not in str(r) for r in listed)  # the list showed it masked
    ok(client.get("/ledger?township=chengguan&month=2024-01", headers=COUNTY))
    found = [(e["actor"]["name"], e["what"], e["subject"]) for e in access(client, resident_id)]
    assert found == [("wang", "placements.list", left), ("li", "ledger", left)]
    assert access(client, someone(9)["resident_id"]) == []  # nobody else's reads


def test_the_command_line_export_is_logged_from_cli_and_masked_unless_asked_as_county(
    client: TestClient, clock: Clock, services: Services, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paid, _ = a_worked_township(client, clock)
    resident_id, phone = someone(1)["resident_id"], someone(1)["phone"]
    monkeypatch.setenv("POSTLEDGER_DATABASE_URL", services.settings.database_url)
    monkeypatch.setenv("POSTLEDGER_MODE", services.settings.mode)
    args = ["ledger", "export", "--township", "520524/chengguan", "--month", "2024-01"]

    assert main([*args, str(tmp_path / "masked.xlsx")]) == 0
    masked = (tmp_path / "masked.xlsx").read_bytes()
    assert all(rid.count("*") == 8 for rid, _ in id_and_phone_cells(masked))
    assert resident_id.encode() not in masked and phone.encode() not in masked

    assert main([*args, "--role", "county", "--name", "zhao", str(tmp_path / "full.xlsx")]) == 0
    assert (resident_id, phone) in id_and_phone_cells((tmp_path / "full.xlsx").read_bytes())

    logged = access(client, resident_id)
    assert [(e["actor"], e["what"], e["subject"], e["client"]) for e in logged] == [
        ({"role": "inspector", "jurisdiction": "520524", "name": f"cli:{getpass.getuser()}"},
         "ledger.xlsx", paid, "cli"),
        ({"role": "county", "jurisdiction": "520524", "name": "zhao"}, "ledger.xlsx", paid,
         "cli"),
    ]


def test_the_ledger_page_download_is_logged_and_masked_alike(
    client: TestClient, clock: Clock, services: Services
) -> None:
    paid, _ = a_worked_township(client, clock)
    resident_id = someone(1)["resident_id"]
    download = "/web/ledger.xlsx?township=520524/chengguan&month=2024-01"
    with TestClient(create_app(services=services), follow_redirects=False) as pages:
        sign_in(pages, "inspector", "520524", "督查 赵")
        masked = pages.get(download)
        assert masked.status_code == 200
        assert all(rid.count("*") == 8 for rid, _ in id_and_phone_cells(masked.content))
        sign_in(pages, "county", "520524", "县 李")
        full = pages.get(download)
        assert resident_id in [rid for rid, _ in id_and_phone_cells(full.content)]
    logged = [(e["actor"]["name"], e["what"], e["subject"]) for e in access(client, resident_id)]
    assert logged == [("督查 赵", "ledger.xlsx", paid), ("县 李", "ledger.xlsx", paid)]
