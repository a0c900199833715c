"""``Idempotency-Key`` as API.md v1.1 states it, on both stores."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from postledger.api.deps import Services
from postledger.infrastructure.idempotency import IdempotencyStore, canonical_digest, idempotency_keys
from postledger.workflows.store import ConcurrentChange
from tests.e2e.test_placements_api import CLERK, VILLAGE, a_post, an_application, ok, problem
from tests.scenario import person


def stored_rows(services: Services) -> list[dict[str, Any]]:
    with services.read_model.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(idempotency_keys))]


def test_a_key_on_an_unauthenticated_request_stores_nothing(
    client: TestClient, services: Services
) -> None:
    body = {"post_id": a_post(client), "date": "2024-01-05", "applicant": person(1)}
    for _ in range(2):
        problem(client.post("/placements", json=body, headers={"Idempotency-Key": "k1"}),
                401, None)
    assert stored_rows(services) == []


def test_the_same_body_in_another_spelling_replays_and_another_body_is_422(
    client: TestClient, services: Services
) -> None:
    post = a_post(client)
    body = {"post_id": post, "date": "2024-01-05", "applicant": person(2)}
    keyed = {**CLERK, "Idempotency-Key": "apply-2", "Content-Type": "application/json"}
    first = client.post("/placements", headers=keyed, content=json.dumps(body))
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2)
    again = client.post("/placements", headers=keyed, content=reordered)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    problem(client.post("/placements", headers=keyed,
                        content=json.dumps({**body, "date": "2024-01-06"})), 422, None)
    # Another actor's same key is another key (scoped to the actor and the route): the command
    # runs again, and finds the person already applied (R-ELIG-4) instead of a replay.
    other_clerk = {"Authorization": "Bearer dev:clerk:520524/chengguan/dongmen:sun",
                   "Idempotency-Key": "apply-2"}
    problem(client.post("/placements", headers=other_clerk, json=body), 409, "R-ELIG-4")
    assert len(ok(client.get("/placements", headers=VILLAGE))) == 1


def test_stored_rows_hold_no_personal_data_beyond_the_response(
    client: TestClient, services: Services
) -> None:
    applicant = person(3)
    body = {"post_id": a_post(client), "date": "2024-01-05", "applicant": applicant}
    ok(client.post("/placements", headers={**CLERK, "Idempotency-Key": "apply-3"}, json=body),
       201)
    [row] = stored_rows(services)
    beside_response = json.dumps({k: v for k, v in row.items() if k != "response"}, default=str)
    for personal in (applicant["resident_id"], applicant["phone"], applicant["name"], "qian",
                     "apply-3"):
        assert personal not in beside_response


def test_a_transient_409_is_not_kept_under_the_key(
    client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = an_application(client, a_post(client))
    real_save = services.ledger._save
    calls: list[int] = []

    def lose_the_race_once(*aggregates: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise ConcurrentChange("another request changed this placement first")
        real_save(*aggregates)

    monkeypatch.setattr(services.ledger, "_save", lose_the_race_once)
    keyed = {**VILLAGE, "Idempotency-Key": "review-1"}
    review = {"date": "2024-01-06", "approve": True}
    lost = client.post(f"/placements/{pid}/village-review", headers=keyed, json=review)
    assert lost.status_code == 409 and lost.json()["type"].endswith("/concurrent-change")
    retried = client.post(f"/placements/{pid}/village-review", headers=keyed, json=review)
    assert retried.status_code == 200, retried.text
    assert "Idempotent-Replayed" not in retried.headers
    assert retried.json()["state"] == "village_approved"


def test_a_claim_never_finished_is_released_after_the_in_flight_time(services: Services) -> None:
    now = [1_000_000.0]
    store = IdempotencyStore(services.read_model.engine, inflight_seconds=60,
                             now=lambda: now[0])
    digest = canonical_digest(b'{"a": 1}')
    assert store.claim("scope-1", digest).ours  # its request then crashed
    now[0] += 30
    busy = store.claim("scope-1", digest)
    assert (busy.ours, busy.status) == (False, None)  # still in flight: 409, retry
    now[0] += 31
    assert store.claim("scope-1", digest).ours  # released: the retry proceeds
    assert not store.claim("scope-1", digest).ours  # ... once


def test_records_expire_after_24_hours(services: Services) -> None:
    now = [1_000_000.0]
    store = IdempotencyStore(services.read_model.engine, inflight_seconds=60,
                             now=lambda: now[0])
    digest = canonical_digest(b"{}")
    assert store.claim("scope-2", digest).ours
    store.remember("scope-2", 201, "application/json", "{}")
    now[0] += 23 * 3600
    assert store.claim("scope-2", digest).status == 201
    now[0] += 2 * 3600
    assert store.claim("scope-2", digest).ours
    assert len(stored_rows(services)) == 1
