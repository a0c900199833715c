"""Read models keep one person key (src/projections/people.py): a store whose read models were
filled under another key — by an earlier release, which keyed them from POSTLEDGER_CHAIN_KEY,
or before POSTLEDGER_INDEX_KEY was set — is emptied and refilled on open, so no table mixes two
keys, lookups by resident id find every placement again, and the events and index ids are
untouched. On both stores."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import delete, select, text, update

from postledger.domain.actor import acting_as
from postledger.domain.errors import LimitReached
from postledger.infrastructure.keys import SecuritySettings, new_key
from postledger.infrastructure.schema_lock import schema_lock
from postledger.infrastructure.settings import Settings
from postledger.projections.follower import tracking
from postledger.projections.people import keep_keyed, person_key_marker
from postledger.projections.placements_rm import placements
from postledger.projections.readmodel import ReadModel
from postledger.workflows.application import open_application
from tests.scenario import CLERK, County, person


def keyed(settings: Settings, data_key: str, index_key: str | None = None) -> Settings:
    return replace(settings, security=SecuritySettings(
        data_key=data_key, chain_key=new_key(), index_key=index_key))


def hashes(read_model: ReadModel) -> set[str]:
    with read_model.engine.connect() as conn:
        return {r[0] for r in conn.execute(select(placements.c.person_hash))}


def test_a_new_person_key_empties_and_refills_the_read_models(settings: Settings) -> None:
    first = keyed(settings, new_key())
    with schema_lock(first):
        ledger = open_application(first)
        read_model = ReadModel.open(first)
    county = County(ledger)
    one, two = county.placement_in("applied", n=1), county.placement_in("applied", n=2)
    read_model.catch_up(ledger)
    keys = first.security.person_keys()
    assert hashes(read_model) == {keys.hash(person(1)["resident_id"]),
                                  keys.hash(person(2)["resident_id"])}
    assert not keep_keyed(read_model.engine, read_model.follower.read_models, keys)  # same key
    read_model.engine.dispose()

    # POSTLEDGER_INDEX_KEY set: every person hash moves, so every read model is refilled.
    second = replace(first, security=replace(first.security, index_key=new_key()))
    with schema_lock(second):
        reopened = ReadModel.open(second)
    with reopened.engine.connect() as conn:
        assert set(conn.execute(select(tracking.c.position)).scalars()) == {0}
        assert conn.execute(select(placements.c.id)).first() is None
    reopened.catch_up(ledger)
    new_keys = second.security.person_keys()
    assert hashes(reopened) == {new_keys.hash(person(1)["resident_id"]),
                                new_keys.hash(person(2)["resident_id"])}
    found = reopened.list_placements(within="", person=person(2)["resident_id"])
    assert [r["id"] for r in found] == [str(two.id)]
    assert {r["id"] for r in reopened.list_placements(within="")} == {str(one.id), str(two.id)}
    reopened.engine.dispose()
    ledger.close()


def test_read_models_filled_by_an_earlier_release_are_refilled_and_indexes_still_hold(
    settings: Settings,
) -> None:
    chosen = keyed(settings, new_key())
    with schema_lock(chosen):
        ledger = open_application(chosen)
        read_model = ReadModel.open(chosen)
    county = County(ledger)
    county.placement_in("applied", n=3)
    read_model.catch_up(ledger)
    # As an earlier release left them: no marker, hashes under another key in narrower columns.
    with read_model.engine.begin() as conn:
        conn.execute(delete(person_key_marker))
        conn.execute(update(placements).values(person_hash="0" * 40))
        if read_model.engine.dialect.name == "postgresql":
            conn.execute(text(f"ALTER TABLE {placements.name} "
                              "ALTER COLUMN person_hash TYPE varchar(40)"))
    read_model.engine.dispose()

    with schema_lock(chosen):
        reopened = ReadModel.open(chosen)
    reopened.catch_up(ledger)
    keys = chosen.security.person_keys()
    assert hashes(reopened) == {keys.hash(person(3)["resident_id"])}
    assert keys.hash(person(3)["resident_id"]) == keys.subject(person(3)["resident_id"])
    # The person index (R-ELIG-4), keyed by the same hash, was never moved.
    with acting_as(CLERK), pytest.raises(LimitReached):
        ledger.apply(county.new_post(), date=date(2024, 1, 6), applicant=person(3))
    reopened.engine.dispose()
    ledger.close()
