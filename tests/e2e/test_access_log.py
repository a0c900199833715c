"""Every read of a person's record is logged — who, when, what, from where — and auditors ask
``GET /audit/access?subject=`` (API.md "Production mode"); the log is kept six months. On both
stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from postledger.api.access_log import AccessLog, Read, access_log
from postledger.api.deps import Services
from postledger.domain.actor import Actor
from tests.e2e.test_pages_http import sign_in
from tests.e2e.test_placements_api import (
    CLERK,
    COUNTY,
    INSPECTOR,
    OTHER_TOWNSHIP,
    TOWNSHIP,
    a_post,
    an_application,
    ok,
)
from tests.scenario import person

ADMIN = {"Authorization": "Bearer dev:admin::root"}
OTHER_INSPECTOR = {"Authorization": "Bearer dev:inspector:520525:audit2"}


def access(client: TestClient, subject: str, headers: dict[str, str] = INSPECTOR) -> Any:
    return ok(client.get("/audit/access", params={"subject": subject}, headers=headers))


def test_reads_of_a_placement_are_logged_and_found_by_resident_id_or_placement(
    client: TestClient,
) -> None:
    pid = an_application(client, a_post(client), n=4)
    resident_id = person(4)["resident_id"]
    ok(client.get(f"/placements/{pid}", headers=TOWNSHIP))
    ok(client.get(f"/placements/{pid}/history", headers=COUNTY))
    ok(client.get("/placements", params={"person": resident_id}, headers=TOWNSHIP))
    assert client.get(f"/placements/{pid}", headers=OTHER_TOWNSHIP).status_code == 403

    by_person = access(client, resident_id)
    assert [(e["actor"]["name"], e["what"], e["subject"]) for e in by_person] == [
        ("wang", "placement", pid), ("li", "placement.history", pid),
        ("wang", "placements.list", pid)]
    first = by_person[0]
    assert first["actor"] == {"role": "township", "jurisdiction": "520524/chengguan",
                              "name": "wang"}
    assert first["client"] == "testclient"  # the client address Starlette's test client uses
    assert datetime.fromisoformat(first["at"]) > datetime.now(UTC) - timedelta(minutes=5)
    assert access(client, pid) == by_person
    assert access(client, resident_id.lower()) == by_person  # a trailing x reads as X
    assert access(client, resident_id, headers=ADMIN) == by_person
    assert access(client, resident_id, headers=OTHER_INSPECTOR) == []  # another county's


def test_reads_of_a_claim_are_logged(client: TestClient) -> None:
    claimant = {"name": "王芳", "resident_id": "34052419800101001X", "category": "lifted"}
    claim = ok(client.post("/claims", headers={"Authorization": "Bearer dev:clerk:520524:qian"},
                           json={"type": "transport", "county": "520524", "date": "2024-06-01",
                                 "claimant": claimant, "facts": {
                                     "destination": "other_province",
                                     "ticket_price_fen": 80000, "months_stable": 4,
                                     "real_name_ticket": True}}), 201)
    ok(client.get(f"/claims/{claim['id']}", headers=COUNTY))
    ok(client.get(f"/claims/{claim['id']}/history", headers=INSPECTOR))
    ok(client.get("/claims", headers=COUNTY))
    logged = [(e["what"], e["actor"]["name"]) for e in access(client, claim["id"])]
    assert logged == [("claim", "li"), ("claim.history", "audit"), ("claims.list", "li")]
    by_person = [e["what"] for e in access(client, claimant["resident_id"])]
    # the list row showed a name, not the id: found by the claimant's keyed hash all the same
    assert by_person == ["claim", "claim.history", "claims.list"]


@pytest.mark.parametrize("who", [CLERK, TOWNSHIP, COUNTY])
def test_only_inspectors_and_admins_read_the_access_log(
    client: TestClient, who: dict[str, str]
) -> None:
    refused = client.get("/audit/access", params={"subject": "34052419800101001X"}, headers=who)
    assert refused.status_code == 403, refused.text


def test_the_log_holds_no_resident_id(client: TestClient, services: Services) -> None:
    pid = an_application(client, a_post(client), n=5)
    ok(client.get(f"/placements/{pid}", headers=TOWNSHIP))
    with services.read_model.engine.connect() as conn:
        rows = [str(tuple(r)) for r in conn.execute(select(access_log))]
    assert rows and not any(person(5)["resident_id"] in row for row in rows)


def test_rows_are_kept_six_months_and_never_changed(services: Services) -> None:
    log = AccessLog(services.read_model.engine, services.ledger.person_key)
    reader = Actor("county", "520524", "li")
    now = datetime.now(UTC)
    log.record(reader, "10.0.0.7", "placement", [Read("old", "520524")],
               at=now - timedelta(days=200))
    log.record(reader, "10.0.0.7", "placement", [Read("recent", "520524")],
               at=now - timedelta(days=170))
    engine = services.read_model.engine
    with pytest.raises(DBAPIError, match="kept 183 days"), engine.begin() as conn:
        conn.execute(delete(access_log))
    with pytest.raises(DBAPIError, match="never changed"), engine.begin() as conn:
        conn.execute(update(access_log).values(actor_name="nobody"))
    assert log.prune() == 1
    with engine.connect() as conn:
        left = [r.subject for r in conn.execute(select(access_log.c.subject))]
        assert left == ["recent"]
        assert conn.execute(text("SELECT count(*) FROM access_log")).scalar_one() == 1


def test_reads_through_the_pages_are_logged_as_over_the_api(client: TestClient) -> None:
    """A person's record read on a page is a read like any other (PIPL): the placement page,
    the placement list and the claims list each leave their row."""
    pid = an_application(client, a_post(client), n=5)
    resident_id = person(5)["resident_id"]
    with TestClient(client.app, follow_redirects=False) as browser:
        sign_in(browser, "township", "520524/chengguan", "wang")
        assert browser.get(f"/web/placements/{pid}").status_code == 200
        assert browser.get("/web/placements").status_code == 200
        assert browser.get("/web/claims").status_code == 200
    read = [(e["actor"]["name"], e["what"], e["subject"]) for e in access(client, resident_id)]
    assert read == [("wang", "page.placement", pid), ("wang", "page.placements", pid)]
