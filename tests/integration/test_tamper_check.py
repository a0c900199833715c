"""The tamper check (R-FRAUD-8): rows changed, inserted and deleted directly in the database —
the newest event included — are caught on both stores, by ``GET /audit/verify``'s service and
by ``postledger verify`` (exit 1)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import psycopg
import pytest

from postledger.api.cli import main
from postledger.api.deps import Services
from postledger.domain.actor import acting_as
from postledger.infrastructure.settings import Settings
from postledger.workflows.verify import verify_chains
from tests.conftest import POSTGRES_URL
from tests.scenario import ADMIN, SIGNED, County


class RawEvents:
    """The events table of one stream, reached around the application, as a forger would."""

    def __init__(self, settings: Settings, stream: UUID) -> None:
        self.settings, self.stream = settings, stream
        self.sqlite = settings.store == "sqlite"
        schema = parse_qs(urlsplit(settings.database_url).query).get("schema", [""])[0]
        self.table = "stored_events" if self.sqlite else f'"{schema}".postledger_events'
        self.heads = "chain_heads" if self.sqlite else f'"{schema}".chain_heads'
        self.key: Any = stream.hex if self.sqlite else stream
        self.mark = "?" if self.sqlite else "%s"

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        if self.sqlite:
            conn = sqlite3.connect(self.settings.sqlite_path)
            try:
                yield conn.cursor()
                conn.commit()
            finally:
                conn.close()
        else:
            with psycopg.connect(POSTGRES_URL, autocommit=True) as pg, pg.cursor() as cur:
                yield cur

    def run(self, sql: str, *params: Any) -> list[Any]:
        with self._cursor() as cur:
            cur.execute(sql.replace("?", self.mark), params)
            return list(cur.fetchall()) if cur.description else []

    def versions(self) -> list[int]:
        return [r[0] for r in self.run(f"SELECT originator_version FROM {self.table} WHERE "
                                       "originator_id=? ORDER BY originator_version", self.key)]

    def state(self, version: int) -> tuple[str, dict[str, Any]]:
        topic, state = self.run(f"SELECT topic, state FROM {self.table} WHERE originator_id=? "
                                "AND originator_version=?", self.key, version)[0]
        return topic, json.loads(bytes(state))

    def rewrite(self, version: int, change: Callable[[dict[str, Any]], None]) -> None:
        _, state = self.state(version)
        change(state)
        self.run(f"UPDATE {self.table} SET state=? WHERE originator_id=? AND originator_version=?",
                 json.dumps(state).encode(), self.key, version)

    def delete(self, version: int) -> None:
        self.run(f"DELETE FROM {self.table} WHERE originator_id=? AND originator_version=?",
                 self.key, version)

    def insert(self, version: int, topic: str, state: dict[str, Any]) -> None:
        self.run(f"INSERT INTO {self.table} (originator_id, originator_version, topic, state) "
                 "VALUES (?,?,?,?)", self.key, version, topic, json.dumps(state).encode())

    def shift_up(self, from_version: int) -> None:
        for version in reversed([v for v in self.versions() if v >= from_version]):
            self.run(f"UPDATE {self.table} SET originator_version=? WHERE originator_id=? AND "
                     "originator_version=?", version + 1, self.key, version)


@pytest.fixture
def worked(services: Services) -> tuple[County, UUID]:
    """A placement onboarded, with two months of signed attendance, the first one paid."""
    county = County(services.ledger)
    placement = county.placement_in("active")
    with acting_as(ADMIN):
        for month, signed_on in (("2024-01", date(2024, 2, 2)), ("2024-02", date(2024, 3, 2))):
            services.ledger.record_attendance(placement.id, date=signed_on, month=month,
                                              days_worked=20, signatures=SIGNED)
        services.ledger.pay(placement.id, date=date(2024, 3, 3), month="2024-01", amount_fen=None)
    return county, placement.id


def broken(services: Services) -> list[tuple[str, int, str]]:
    report = verify_chains(services.ledger)
    return [(b.stream_id, b.version, b.problem) for b in report.broken]


def forged_after(services: Services, raw: RawEvents, version: int) -> dict[str, Any]:
    """A well-formed attendance event chained to ``version``, as one who knows the format
    (but not the chain key) would write it."""
    _, state = raw.state(8)  # the first attendance
    state["month"], state["days_worked"] = "2023-12", 31
    state["previous_hash"] = services.ledger.history(raw.stream)[version - 1].hash
    return state


def test_an_untouched_store_verifies(services: Services, worked: tuple[County, UUID]) -> None:
    report = verify_chains(services.ledger)
    assert report.ok and report.broken == []
    assert report.checked_events == services.ledger.recorder.max_notification_id()
    assert report.checked_streams == 3  # the post, the placement, the person index


def test_a_changed_event_in_the_middle_is_caught(
    services: Services, settings: Settings, worked: tuple[County, UUID]
) -> None:
    raw = RawEvents(settings, worked[1])
    raw.rewrite(8, lambda s: s.update(days_worked=25))
    assert broken(services) == [(str(worked[1]), 8, "changed")]


def test_a_changed_newest_event_is_caught_by_its_anchored_head(
    services: Services, settings: Settings, worked: tuple[County, UUID]
) -> None:
    raw = RawEvents(settings, worked[1])
    newest = raw.versions()[-1]
    raw.rewrite(newest, lambda s: s.update(amount_fen=90000))
    assert broken(services) == [(str(worked[1]), newest, "changed")]


def test_deleted_events_are_caught_the_newest_included(
    services: Services, settings: Settings, worked: tuple[County, UUID]
) -> None:
    raw = RawEvents(settings, worked[1])
    newest = raw.versions()[-1]
    raw.delete(newest)
    assert broken(services) == [(str(worked[1]), newest, "missing")]
    raw.delete(5)
    assert broken(services) == [(str(worked[1]), 5, "missing"), (str(worked[1]), newest, "missing")]


def test_inserted_events_are_caught_at_the_end_and_in_the_middle(
    services: Services, settings: Settings, worked: tuple[County, UUID]
) -> None:
    raw = RawEvents(settings, worked[1])
    newest = raw.versions()[-1]
    topic, _ = raw.state(8)
    raw.insert(newest + 1, topic, forged_after(services, raw, newest))
    assert broken(services) == [(str(worked[1]), newest + 1, "inserted")]
    raw.delete(newest + 1)
    assert broken(services) == []

    forged = forged_after(services, raw, 7)
    raw.shift_up(8)  # make room before the first attendance, then slip a forged one in
    raw.insert(8, topic, forged)
    # Each event's version is part of its hash: those pushed up a place no longer match.
    assert broken(services) == [(str(worked[1]), 8, "inserted")] + [
        (str(worked[1]), v, "changed") for v in range(9, newest + 1)]


def test_a_forged_head_is_caught(
    services: Services, settings: Settings, worked: tuple[County, UUID]
) -> None:
    raw = RawEvents(settings, worked[1])
    newest = raw.versions()[-1]
    raw.rewrite(newest, lambda s: s.update(amount_fen=1))
    raw.run(f"UPDATE {raw.heads} SET digest=? WHERE stream_id=?", "0" * 64, worked[1].hex)
    assert broken(services) == [(str(worked[1]), newest, "head_mismatch")]


def test_postledger_verify_exits_1_and_the_inspector_sees_an_r_fraud_8_finding(
    services: Services, settings: Settings, worked: tuple[County, UUID],
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("POSTLEDGER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("POSTLEDGER_MODE", settings.mode)
    assert main(["verify"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True

    RawEvents(settings, worked[1]).rewrite(8, lambda s: s.update(days_worked=25))
    assert main(["verify", "--county", "520524"]) == 1
    printed = json.loads(capsys.readouterr().out)
    assert printed["ok"] is False
    assert printed["broken"] == [{"stream_id": str(worked[1]), "version": 8, "problem": "changed"}]
    findings = services.read_model.findings(county="520524", rule="R-FRAUD-8")
    assert [(f["subject_kind"], f["events"]) for f in findings] == [
        ("placement", [{"stream_id": str(worked[1]), "version": 8}])]
