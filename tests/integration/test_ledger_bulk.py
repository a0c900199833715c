"""The monthly ledger file of placements this service holds (src/workflows/ledger_bulk.py), on
both stores: a file records exactly what the two service commands of each row record
(attendance, then payment), with the same refusals (R-ATT-1, R-PAY-1, R-PAY-2), all of it saved
together; a file larger than a transaction's bound is saved in parts; a file whose placement
another request changed meanwhile records nothing; a legacy row is never recorded twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from postledger.api.deps import Services
from postledger.api.main import open_services
from postledger.domain.actor import acting_as
from postledger.domain.errors import PostLedgerError
from postledger.domain.indexes import person_index_id
from postledger.infrastructure import streams
from postledger.infrastructure.clock import BusinessClock
from postledger.infrastructure.settings import Settings
from postledger.workflows import ledger_bulk
from postledger.workflows.application import PostLedger
from postledger.workflows.ledger_bulk import Aggregates, chunks
from postledger.workflows.ledger_file import write_ledger
from postledger.workflows.ledger_io import import_ledger
from postledger.workflows.store import ConcurrentChange
from tests.scenario import ADMIN, COUNTY, COUNTY_STAFF, SIGNED, TOWNSHIP, VILLAGE, County, person

IMPORT_DAY = date(2024, 4, 3)

# (days_worked, amount_fen, signatures): what each placement's row of the month says.
CASES: list[tuple[int, int | None, dict[str, str]]] = [
    (20, 50_000, SIGNED),                      # clean: attendance and payment
    (21, None, SIGNED),                        # no amount: attendance only
    (0, 50_000, SIGNED),                       # 0 days: attendance, payment refused (R-PAY-2)
    (20, 60_000, SIGNED),                      # over the standard: payment refused (R-PAY-1)
    (20, 50_000, {**SIGNED, "member": ""}),    # one signature missing: refused (R-ATT-1)
    (40, 50_000, SIGNED),                      # more days than the month: refused (R-ATT-1)
    (20, 50_000, SIGNED),                      # the month already recorded: refused (R-ATT-1)
]
MONTH = "2024-03"


@pytest.fixture
def ledger(services: Services) -> PostLedger:
    services.ledger.clock = BusinessClock.fixed(IMPORT_DAY)
    return services.ledger


def placements(ledger: PostLedger, first: int, count: int) -> list[Any]:
    county = County(ledger, headcount=count)
    made = [county.placement_in("active", n=first + i) for i in range(count)]
    with acting_as(ADMIN):  # the last case's month is on record already
        ledger.record_attendance(made[-1].id, date=IMPORT_DAY, month=MONTH, days_worked=20,
                                 signatures=SIGNED)
    return [county.get(p.id) for p in made]


def row(p: Any, days: int | None, amount: int | None, signed: dict[str, str]) -> dict[str, Any]:
    return {"township": TOWNSHIP, "village": VILLAGE, "name": p.applicant["name"],
            "resident_id": p.applicant["resident_id"], "phone": p.applicant["phone"],
            "post": "护路员", "kind": "road", "onboarded_on": p.onboarded_on, "month": MONTH,
            "days_worked": days, "amount_fen": amount, **signed}


def row_by_row(ledger: PostLedger, p: Any, days: int, amount: int | None,
               signed: dict[str, str]) -> None:
    """The same month through the two service commands, each in its own transaction."""
    with acting_as(ADMIN):
        try:
            ledger.record_attendance(p.id, date=IMPORT_DAY, month=MONTH,
                                     days_worked=days, signatures=signed)
            if amount is not None:
                ledger.pay(p.id, date=IMPORT_DAY, month=MONTH, amount_fen=amount)
        except PostLedgerError:
            pass


def recorded(ledger: PostLedger, placement_id: UUID) -> list[tuple[Any, ...]]:
    """A placement's events as the store holds them, less when, by whom and from which file."""
    with acting_as(ADMIN):
        return [(e.version, e.type, e.date, {k: v for k, v in e.data.items() if k != "source"})
                for e in ledger.history(placement_id)]


def sources(ledger: PostLedger, placement_id: UUID, since: int) -> list[Any]:
    with acting_as(ADMIN):
        return [e.data.get("source") for e in ledger.history(placement_id)[since:]]


def test_a_file_records_exactly_what_the_service_commands_record(ledger: PostLedger) -> None:
    # Given two alike sets of active placements, one month's rows for each
    by_commands = placements(ledger, 1, len(CASES))
    by_file = placements(ledger, 20, len(CASES))
    before = {p.id: p.version for p in by_commands + by_file}
    # when one set takes its month through the commands and the other through a ledger file
    for p, case in zip(by_commands, CASES, strict=True):
        row_by_row(ledger, p, *case)
    data = write_ledger([row(p, *case) for p, case in zip(by_file, CASES, strict=True)])
    with acting_as(ADMIN):
        report = import_ledger(ledger, data, file_name="march.xlsx", county=COUNTY)

    # then each placement holds the same events, step for step
    for a, b in zip(by_commands, by_file, strict=True):
        assert before[a.id] == before[b.id]
        assert recorded(ledger, a.id)[before[a.id]:] == recorded(ledger, b.id)[before[b.id]:]
    added = [[t for _, t, _, _ in recorded(ledger, p.id)[before[p.id]:]] for p in by_file]
    assert added == [["AttendanceRecorded", "Paid"], ["AttendanceRecorded"],
                     ["AttendanceRecorded"], ["AttendanceRecorded"], [], [], []]
    # and the file's events say where they were read (API.md v1.1), the commands' do not
    first = {"file": "march.xlsx", "sheet": "实名台账", "row": 2}
    assert sources(ledger, by_file[0].id, before[by_file[0].id]) == [first, first]
    assert sources(ledger, by_file[1].id, before[by_file[1].id])[0]["row"] == 3
    assert sources(ledger, by_commands[0].id, before[by_commands[0].id]) == [None, None]
    # and the answer names each refused step's rule on its row (rows start at 2)
    assert (report.rows, report.imported) == (7, 2)
    reasons = {u.row: u.reason for u in report.unreadable}
    assert sorted(reasons) == [4, 5, 6, 7, 8]
    assert "(R-PAY-2)" in reasons[4] and "attendance recorded" in reasons[4]
    assert "(R-PAY-1)" in reasons[5] and "attendance recorded" in reasons[5]
    assert all("(R-ATT-1)" in reasons[r] and "nothing recorded" in reasons[r] for r in (6, 7, 8))
    # and each stream's hash chain runs on unbroken through the new events (R-FRAUD-8)
    with acting_as(ADMIN):
        for p in by_file:
            history = ledger.history(p.id)
            assert [e.previous_hash for e in history] == ["", *(e.hash for e in history[:-1])]


def test_aggregates_read_in_bulk_are_those_the_repository_replays(ledger: PostLedger) -> None:
    # Given placements with attendance and a warning, their posts and their people's indexes
    made = placements(ledger, 1, 3)
    with acting_as(ADMIN):
        ledger.warn(made[0].id, date=IMPORT_DAY, reason="缺勤")
    ids = [*(p.id for p in made), made[0].post_id,
           *(person_index_id(p.applicant["resident_id"], ledger.person_key) for p in made)]
    # when they are read a page at a time and folded (with a page of 2: several queries)
    bulk = Aggregates(ledger)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(streams, "PAGE", 2)
        bulk.load([*ids, UUID(int=7)])
    # then each is the aggregate the repository replays, to its chain's last hash
    for aggregate_id in ids:
        replayed = ledger.repository.get(aggregate_id)
        assert vars(bulk.get(aggregate_id)) == vars(replayed)
        assert bulk.get(aggregate_id).last_event_hash == replayed.last_event_hash != ""
    assert bulk.get(UUID(int=7)) is None  # no such stream


def counted_saves(ledger: PostLedger) -> list[int]:
    """From now on, the number of events each ``save`` of ``ledger`` takes, in order."""
    saves: list[int] = []
    original = ledger.save

    def counting_save(*aggregates: Any, **kwargs: Any) -> Any:
        saves.append(sum(len(a.pending_events) for a in aggregates if a is not None))
        return original(*aggregates, **kwargs)

    ledger.save = counting_save  # type: ignore[method-assign]
    return saves


def test_the_whole_file_is_one_transaction_within_the_bound(ledger: PostLedger) -> None:
    # Given a file of three clean rows
    made = placements(ledger, 1, 4)[:3]
    data = write_ledger([row(p, 20, 50_000, SIGNED) for p in made])
    first = ledger.recorder.max_notification_id() or 0
    saves = counted_saves(ledger)
    with acting_as(COUNTY_STAFF):
        report = import_ledger(ledger, data, file_name="m.xlsx", county=COUNTY)
    # then its six events went to the store in one save
    assert report.imported == 3 and saves == [6]
    assert (ledger.recorder.max_notification_id() or 0) - first == 6


def test_a_file_over_the_bound_is_saved_in_parts_and_records_the_same(
    ledger: PostLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a bound of 3 events a transaction and a file of three clean rows (6 events)
    monkeypatch.setattr(ledger_bulk, "CHUNK_EVENTS", 3)
    made = placements(ledger, 1, 4)[:3]
    before = {p.id: p.version for p in made}
    data = write_ledger([row(p, 20, 50_000, SIGNED) for p in made])
    saves = counted_saves(ledger)
    with acting_as(COUNTY_STAFF):
        report = import_ledger(ledger, data, file_name="m.xlsx", county=COUNTY)
    # then each part holds whole placements within the bound, and every row is recorded
    assert report.imported == 3 and saves == [2, 2, 2]
    for p in made:
        assert [t for _, t, _, _ in recorded(ledger, p.id)[before[p.id]:]] == [
            "AttendanceRecorded", "Paid"]


def test_parts_never_split_an_aggregate_and_keep_within_the_bound() -> None:
    class Pending:
        def __init__(self, n: int) -> None:
            self.pending_events = [object()] * n

    sizes = [2, 0, 3, 1, 5, 2, 2]
    parts = chunks([Pending(n) for n in sizes], limit=4)  # type: ignore[list-item]
    assert [[len(a.pending_events) for a in part] for part in parts] == [
        [2], [3, 1], [5], [2, 2]]  # one aggregate over the bound is a part of its own


@pytest.fixture
def other_process(settings: Settings, services: Services) -> Iterator[Services]:
    opened = open_services(settings)
    yield opened
    opened.close()


def test_a_file_whose_placement_changed_meanwhile_records_nothing(
    ledger: PostLedger, other_process: Services
) -> None:
    # Given a file of three rows, read and checked
    made = placements(ledger, 1, 4)[:3]
    data = write_ledger([row(p, 20, 50_000, SIGNED) for p in made])
    original = ledger.save

    def save_after_another_request(*aggregates: Any, **kwargs: Any) -> Any:
        # when another process warns the second placement before the file is saved
        with acting_as(ADMIN):
            other_process.ledger.warn(made[1].id, date=IMPORT_DAY, reason="缺勤")
        ledger.save = original  # type: ignore[method-assign]
        return original(*aggregates, **kwargs)

    ledger.save = save_after_another_request  # type: ignore[method-assign]
    versions = {p.id: p.version for p in made}
    with acting_as(COUNTY_STAFF), pytest.raises(ConcurrentChange, match="nothing was recorded"):
        import_ledger(ledger, data, file_name="m.xlsx", county=COUNTY)
    # then no row of the file is recorded; the warning is
    for p in made:
        types = [t for _, t, _, _ in recorded(ledger, p.id)[versions[p.id]:]]
        assert types == (["Warned"] if p.id == made[1].id else [])


def test_a_legacy_row_is_recorded_once_however_often_its_file_is_imported(
    ledger: PostLedger,
) -> None:
    # Given a row of a person who holds no placement here (history kept as reported)
    who = person(90)
    line = {"township": TOWNSHIP, "village": "ximen", "name": who["name"],
            "resident_id": who["resident_id"], "post": "护林员", "kind": "forest",
            "onboarded_on": date(2023, 6, 1), "month": "2024-01", "days_worked": 40,
            "amount_fen": 50_000, **SIGNED}
    data = write_ledger([line])
    first = ledger.recorder.max_notification_id() or 0
    # when its file is imported twice
    with acting_as(COUNTY_STAFF):
        reports = [import_ledger(ledger, data, file_name="old.xlsx", county=COUNTY)
                   for _ in range(2)]
    # then both answers say it is imported, and it is recorded once, as reported
    assert [(r.imported, r.unreadable) for r in reports] == [(1, []), (1, [])]
    assert (ledger.recorder.max_notification_id() or 0) - first == 2  # Imported, MonthReported
