"""Personal data at rest (API.md "Production mode"): events encrypted with the library's
AES-GCM cipher under POSTLEDGER_DATA_KEY, read back in clear; person lookups by a keyed hash;
key rotation keeps old events readable. On both stores."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from uuid import NAMESPACE_URL, uuid5

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from postledger.api.deps import Services
from postledger.domain.actor import Actor, acting_as
from postledger.domain.errors import LimitReached
from postledger.domain.subsidies.limits import claim_limit_id
from postledger.infrastructure.keys import SecuritySettings, new_key
from postledger.infrastructure.schema_lock import schema_lock
from postledger.infrastructure.settings import Settings
from postledger.workflows.application import PostLedger, open_application
from postledger.workflows.claims import ClaimsService
from tests.conftest import POSTGRES_URL
from tests.e2e.test_findings_api import Clock, Town, clock, ledger_file, legacy, someone
from tests.e2e.test_placements_api import COUNTY
from tests.scenario import ADMIN, CLERK, County, person

__all__ = ["clock"]  # the fixture, shared

ADDRESS = "织金县城关镇东门村三组"


def opened(settings: Settings) -> PostLedger:
    with schema_lock(settings):
        return open_application(settings)


def with_keys(settings: Settings, data_key: str, *old: str) -> Settings:
    return replace(settings, security=SecuritySettings(data_key=data_key, old_data_keys=old,
                                                       chain_key=new_key()))


def stored_bytes(settings: Settings) -> bytes:
    """Every byte the event store holds: the SQLite file and its WAL, or every row of every
    table of the test's PostgreSQL schema that is not a read model."""
    if settings.store == "sqlite":
        files = [settings.sqlite_path, Path(f"{settings.sqlite_path}-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    schema = settings.postgres_schema
    dumped = []
    with psycopg.connect(POSTGRES_URL) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (schema,))]
        for table in tables:
            if table.startswith("rm_") or table == "idempotency_keys":
                continue  # read models (derived, rebuilt from the events): not the event store
            for (row,) in conn.execute(f'SELECT t::text FROM "{schema}"."{table}" t'):
                dumped.append(row.encode("utf-8"))
    return b"\n".join(dumped)


@pytest.fixture
def data_key() -> str:
    return new_key()


@pytest.fixture
def encrypted(settings: Settings, data_key: str) -> Iterator[PostLedger]:
    ledger = opened(with_keys(settings, data_key))
    yield ledger
    ledger.close()


def test_the_store_holds_no_name_resident_id_phone_or_address_in_clear(
    settings: Settings, encrypted: PostLedger
) -> None:
    county = County(encrypted)
    applicant = {**person(7), "address": ADDRESS}
    with acting_as(CLERK):
        placement = encrypted.apply(county.post_id, date=date(2024, 1, 5), applicant=applicant)
    raw = stored_bytes(settings)
    assert raw  # the store was read
    for secret in (applicant["resident_id"], applicant["name"], applicant["phone"], ADDRESS):
        assert secret.encode("utf-8") not in raw, secret
    assert applicant["resident_id"][:14].encode() not in raw  # not even its prefix
    # ... and the person index id is not the plain uuid5 of the resident id
    plain = uuid5(NAMESPACE_URL, f"postledger:person:{applicant['resident_id']}")
    assert str(plain).encode() not in raw and plain.hex.encode() not in raw
    # Read back in clear by those entitled to it
    with acting_as(ADMIN):
        again = encrypted.get_placement(placement.id)
    assert again.applicant["resident_id"] == applicant["resident_id"]
    assert again.applicant["address"] == ADDRESS


def test_the_keyed_person_index_still_holds_one_placement_per_person(
    encrypted: PostLedger,
) -> None:
    county = County(encrypted)
    second_post = county.new_post()
    county.placement_in("applied", n=3)
    with acting_as(CLERK), pytest.raises(LimitReached) as refused:
        encrypted.apply(second_post, date=date(2024, 1, 5), applicant=person(3))
    assert refused.value.rule == "R-ELIG-4"


def test_a_rotated_key_still_reads_old_events_and_writes_under_the_new_one(
    settings: Settings, data_key: str
) -> None:
    before = opened(with_keys(settings, data_key))
    county = County(before)
    first = county.placement_in("township_approved", n=1)
    before.close()

    rotated_key = new_key()
    rotated = opened(with_keys(settings, rotated_key, data_key))
    county = County(rotated)
    assert county.get(first.id).state.value == "township_approved"
    second = county.placement_in("applied", n=2)
    with acting_as(CLERK), pytest.raises(LimitReached):  # the index did not move with the key
        rotated.apply(county.post_id, date=date(2024, 1, 9), applicant=person(1))
    rotated.close()

    # Without the old key, the old events are unreadable (so it was the key that read them);
    # events written since the rotation read under the new key alone.
    new_only = opened(with_keys(settings, rotated_key))
    with acting_as(ADMIN):
        assert new_only.get_placement(second.id).state.value == "applied"
        with pytest.raises(ValueError, match="Invalid cipher tag"):
            new_only.get_placement(first.id)
    new_only.close()


def test_claim_limits_are_found_by_a_keyed_hash_and_still_hold(
    settings: Settings, encrypted: PostLedger
) -> None:
    claims = ClaimsService(encrypted)
    claimant = {"name": "王芳", "resident_id": "34052419800101001X", "category": "lifted"}
    ticket = {"destination": "other_province", "ticket_price_fen": 80_000, "months_stable": 4,
              "real_name_ticket": True}
    with acting_as(Actor("clerk", "520524", "li")):
        first = claims.submit(claim_type="transport", county="520524", date=date(2024, 6, 1),
                              claimant=claimant, facts=ticket)
        second = claims.submit(claim_type="transport", county="520524", date=date(2024, 6, 1),
                               claimant=claimant, facts=ticket)
    with acting_as(Actor("county", "520524", "zhang")):
        claims.review(first.id, date=date(2024, 6, 2), approve=True, reason=None)
        with pytest.raises(LimitReached):
            claims.review(second.id, date=date(2024, 6, 2), approve=True, reason=None)
    raw = stored_bytes(settings)
    assert first.limits
    for limit in first.limits:
        assert str(claim_limit_id(limit["key"])).encode() not in raw
        assert claim_limit_id(limit["key"], encrypted.person_key) == claims.limit(limit["key"]).id
    assert claimant["resident_id"].encode() not in raw


# ---------------------------------------------------------------- read models and the log
# Where a name may stand in clear outside the event store: the columns a list shows it from.
# The real-name ledger (实名台账, R-ATT-2) and the worker's own signature on it, the work queue
# and the placement list (whose task or row is whose), the claims to review, the officials
# register. Resident ids, phones, household ids and addresses stand nowhere in clear: the
# lists show ``520524********001X`` and ``138****0001`` and match on keyed hashes.
# The findings' steps keep each month's signatures, which R-FRAUD-5 compares with each other
# and with the officials register (checked below: a name stands there only as a signature or
# an actor).
NAME_COLUMNS = {
    ("rm_placements_v4", "name"), ("rm_ledger_subjects_v1", "name"),
    ("rm_ledger_months_v1", "worker"), ("rm_ledger_months_v1", "secretary"),
    ("rm_ledger_months_v1", "member"), ("rm_claims_v3", "claimant_name"),
    ("rm_officials_v2", "name"), ("rm_audit_steps_v2", "step"),
}
HOUSEHOLD = "HH-520524-0077"


def outside_the_event_store(services: Services) -> dict[tuple[str, str], str]:
    """Every value of every column of every table the read models' database holds (the read
    models, the access log, the idempotency keys), as text, by (table, column)."""
    engine = services.read_model.engine
    found: dict[tuple[str, str], str] = {}
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            if not table.startswith(("rm_", "access_log", "idempotency")):
                continue
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                for column, value in row._mapping.items():
                    found[(table, column)] = found.get((table, column), "") + f"\n{value}"
    return found


def test_read_models_and_the_access_log_hold_no_resident_id_phone_or_address_in_clear(
    client: TestClient, services: Services, clock: Clock,
) -> None:
    town = Town(client, clock)
    applicant = {**someone(7), "address": ADDRESS, "household_id": HOUSEHOLD}
    pid = town.placement(town.new_post(), applicant)
    town.work(pid, ["2024-01"])
    official = {"county": "520524", "name": "罗书记", "role": "village",
                "jurisdiction": "520524/chengguan/dongmen", "resident_id": someone(8)["resident_id"],
                "household_id": "HH-520524-0088", "address": "织金县城关镇西门村一组"}
    assert client.post("/officials", json=official, headers=COUNTY).status_code == 201
    imported = legacy(9, "2024-01")
    assert client.post("/ledger/import", headers=COUNTY,
                       files={"file": ("x.xlsx", ledger_file([imported]))}).status_code == 200
    claimant = {"name": "王芳", "resident_id": "34052419800101001X", "category": "lifted"}
    clerk_of_the_county = {"Authorization": "Bearer dev:clerk:520524:qian"}
    assert client.post("/claims", headers=clerk_of_the_county, json={
        "type": "transport", "county": "520524", "date": "2024-06-01", "claimant": claimant,
        "facts": {"destination": "other_province", "ticket_price_fen": 80000,
                  "months_stable": 4, "real_name_ticket": True}}).status_code == 201
    for read in (f"/placements/{pid}", "/placements", "/claims", "/work-queue",
                 "/ledger?township=chengguan&month=2024-01", "/officials"):
        assert client.get(read, headers=COUNTY).status_code == 200, read
    services.read_model.catch_up(services.ledger)

    stored = outside_the_event_store(services)
    assert ("rm_placements_v4", "person_hash") in stored  # the tables were read
    everything = "\n".join(stored.values())
    secrets = [applicant["resident_id"], applicant["resident_id"][:14], applicant["phone"],
               ADDRESS, HOUSEHOLD, official["resident_id"], official["household_id"],
               official["address"], imported["resident_id"], imported["phone"],
               claimant["resident_id"]]
    assert [s for s in secrets if s in everything] == []
    names = {applicant["name"], imported["name"], claimant["name"], official["name"]}
    holding_names = {where for where, values in stored.items()
                     if any(name in values for name in names)}
    assert holding_names <= NAME_COLUMNS, holding_names - NAME_COLUMNS
    with services.read_model.engine.connect() as conn:
        steps = [json.loads(s) for s in conn.execute(
            text("SELECT step FROM rm_audit_steps_v2")).scalars()]
    assert steps
    for entry in steps:
        beside = json.dumps({**entry, "a": None, "x": {**entry["x"], "sig": None}},
                            ensure_ascii=False)
        assert not [name for name in names if name in beside], entry
