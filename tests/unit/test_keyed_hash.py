"""One keyed hash of resident ids (src/domain/keyed_hash.py): index ids, read models and the
access log share it, and index ids keep the meaning earlier releases gave them."""

from __future__ import annotations

import base64
import hashlib
import hmac
from uuid import UUID

from postledger.domain.indexes import person_index_id
from postledger.domain.keyed_hash import PersonKeys, keyed_hash
from postledger.domain.subsidies.limits import claim_limit_id
from postledger.infrastructure.keys import SecuritySettings, new_key

KEY = bytes(range(32))
RESIDENT_ID = "52052419800101001X"


def test_index_ids_are_those_earlier_releases_wrote() -> None:
    # Pinned from the formulas of the release before the hashes were merged: a store written
    # then finds its person indexes and claim limits under the same ids.
    assert person_index_id(RESIDENT_ID, KEY) == UUID("a76007a0-6b6c-5503-8df8-efd750bf7260")
    assert person_index_id(RESIDENT_ID) == UUID("b08ace74-5863-5d4a-a981-7369b1b802b3")
    limit = f"transport:{RESIDENT_ID}"
    assert claim_limit_id(limit, KEY) == UUID("4543b594-3990-5c8b-a38e-444b96b19290")
    assert claim_limit_id(limit) == UUID("055bfa0c-70ed-5d94-9260-adfa84d53256")


def test_the_read_model_hash_is_the_index_hash_of_a_stored_resident_id() -> None:
    keys = PersonKeys(KEY)
    expected = hmac.new(KEY, RESIDENT_ID.encode(), hashlib.sha256).hexdigest()
    assert keys.hash(RESIDENT_ID) == keys.subject(RESIDENT_ID) == expected
    # however it was typed: lower-case x, full-width digits, spaces
    assert keys.hash(" 52052419800101001x ") == expected
    assert keys.hash("５２０５２４19800101001X") == expected
    assert keys.hash("") is None and keys.hash(None) is None
    assert PersonKeys(new_key().encode()).hash(RESIDENT_ID) != expected  # another key


def test_a_store_without_keys_hashes_unkeyed_and_keeps_plain_index_ids() -> None:
    plain = PersonKeys(None)
    assert plain.subject(RESIDENT_ID) == RESIDENT_ID
    assert plain.hash(RESIDENT_ID) == keyed_hash(RESIDENT_ID, b"")
    assert RESIDENT_ID not in (plain.hash(RESIDENT_ID) or "")


def test_the_key_comes_from_configuration_and_its_fingerprint_names_it() -> None:
    data_key = new_key()
    settings = SecuritySettings(data_key=data_key)
    keys = settings.person_keys()
    assert keys.key == settings.person_index_key() and keys.key is not None
    assert keys.key != base64.b64decode(data_key)  # derived, never the data key itself
    rotated = SecuritySettings(data_key=new_key(), old_data_keys=(data_key,))
    assert rotated.person_keys() == keys  # rotating the data key moves no hash
    pinned = SecuritySettings(data_key=data_key, index_key=new_key())
    assert pinned.person_keys() != keys
    assert keys.fingerprint != pinned.person_keys().fingerprint != PersonKeys().fingerprint
    assert keys.fingerprint == settings.person_keys().fingerprint
    assert SecuritySettings().person_keys() == PersonKeys(None)
