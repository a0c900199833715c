"""An ``Idempotency-Key`` whose command is done while the database is away (API.md v1.1
"Idempotency-Key"): the answer is kept under the key once the database is back, so the
client's retry replays it instead of running the command a second time — a post created once,
not twice, across a PostgreSQL restart (tests/integration/test_postgres_restart.py). On both
stores."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from postledger.infrastructure.idempotency import IdempotencyStore
from tests.e2e.test_placements_api import COUNTY, ok

POST = {"county": "520524", "township": "chengguan", "village": "dongmen", "department": "交通局",
        "kind": "road", "title": "护路员", "headcount": 1, "full_time": False}


def test_an_answer_the_database_could_not_keep_at_once_is_kept_and_replayed(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    remember = IdempotencyStore.remember
    refused: list[str] = []

    def away_twice(self: IdempotencyStore, scope: str, *args: Any) -> None:
        if len(refused) < 2:  # the server is restarting: the connection is gone
            refused.append(scope)
            raise OperationalError("UPDATE idempotency_keys", {}, Exception("server closed"))
        remember(self, scope, *args)

    monkeypatch.setattr(IdempotencyStore, "remember", away_twice)
    headers = {**COUNTY, "Idempotency-Key": "post-during-restart"}
    first = client.post("/posts", json=POST, headers=headers)
    assert first.status_code == 201, first.text
    assert len(refused) == 2  # it waited for the database rather than give up
    again = client.post("/posts", json=POST, headers=headers)
    assert again.status_code == 201 and again.headers.get("idempotent-replayed") == "true"
    assert again.json()["id"] == first.json()["id"]
    assert [p["id"] for p in ok(client.get("/posts", headers=COUNTY))] == [first.json()["id"]]
