"""A county with planted fraud, built through the API and an imported ledger file, beside clean
placements — tricky ones included. Every planted case is found with the events that prove it;
no clean placement is cited by any finding (R-FRAUD-1…9), on both stores.

History is entered on the day it happened (a test clock stands in for the recording instant),
as a county using the service would, except where backdating is the fraud planted.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from io import BytesIO
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from postledger.api.deps import Services
from postledger.domain.resident_id import ResidentId
from postledger.infrastructure.clock import BUSINESS_TZ
from postledger.workflows.ledger_file import COLUMNS
from tests.e2e.test_placements_api import ADMIN, CLERK, COUNTY, INSPECTOR, SIGNED, TOWNSHIP, VILLAGE
from tests.integration.test_tamper_check import RawEvents
from tests.scenario import person


class Clock:
    """The instant the store records each event: the business day of the step, at 10:00."""

    def __init__(self) -> None:
        self.now = datetime(2024, 1, 1, 10, tzinfo=BUSINESS_TZ)

    def on(self, day: date, late_by_days: int = 0) -> None:
        self.now = datetime.combine(day + timedelta(days=late_by_days), time(10),
                                    tzinfo=BUSINESS_TZ)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    chosen = Clock()
    monkeypatch.setattr("eventsourcing.domain.datetime_now_with_tzinfo", lambda: chosen.now)
    yield chosen


class Town:
    """The county through HTTP, each step recorded on its own date."""

    def __init__(self, client: TestClient, clock: Clock) -> None:
        self.client, self.clock = client, clock

    def post(self, path: str, headers: dict[str, str], body: dict[str, Any], status: int = 200,
             late_by_days: int = 0) -> Any:
        if "date" in body:
            self.clock.on(date.fromisoformat(body["date"]), late_by_days)
        response = self.client.post(path, headers=headers, json=body)
        assert response.status_code == status, response.text
        return response.json()

    def put_policy(self, body: dict[str, Any]) -> None:
        response = self.client.put("/policies/520524", headers=ADMIN, json=body)
        assert response.status_code == 200, response.text

    def new_post(self, village: str = "dongmen", title: str = "护路员", headcount: int = 9) -> str:
        self.clock.on(date(2024, 1, 1))
        post = self.post("/posts", COUNTY, {
            "county": "520524", "township": "chengguan", "village": village,
            "department": "交通局", "kind": "road", "title": title, "headcount": headcount,
            "full_time": False}, 201)
        self.post(f"/posts/{post['id']}/notice", COUNTY, {
            "date": "2024-01-01", "closes_on": "2024-01-10", "conditions": "脱贫劳动力",
            "duties": "道路养护"})
        return str(post["id"])

    def placement(self, post_id: str, who: dict[str, Any], applied: date = date(2024, 1, 5),
                  publicity_days: int = 5, until: str = "active") -> str:
        day = applied
        pid = str(self.post("/placements", CLERK, {
            "post_id": post_id, "date": day.isoformat(), "applicant": who}, 201)["id"])
        steps = [(VILLAGE, "village-review", {"approve": True}, 1),
                 (TOWNSHIP, "township-review", {"approve": True}, 1),
                 (TOWNSHIP, "publicity", {}, 1),
                 (TOWNSHIP, "approval", {}, publicity_days),
                 (TOWNSHIP, "training", {"hours": 8, "topic": "安全"}, 1),
                 (TOWNSHIP, "onboarding", {}, 2)]
        for headers, step, extra, after in steps:
            day += timedelta(days=after)
            self.post(f"/placements/{pid}/{step}", headers, {"date": day.isoformat(), **extra})
            if step == until:
                break
        return pid

    def work(self, pid: str, months: list[str], days: int | list[int] = 20, pay: bool = True,
             signatures: dict[str, str] = SIGNED, late_by_days: int = 0) -> None:
        for i, month in enumerate(months):
            signed_on = date.fromisoformat(f"{month}-01") + timedelta(days=33)
            signed_on = signed_on.replace(day=2)
            worked = days if isinstance(days, int) else days[i]
            self.post(f"/placements/{pid}/attendance", VILLAGE, {
                "date": signed_on.isoformat(), "month": month, "days_worked": worked,
                "signatures": signatures}, late_by_days=late_by_days)
            if pay:
                self.post(f"/placements/{pid}/payments", COUNTY, {
                    "date": (signed_on + timedelta(days=1)).isoformat(), "month": month})


def someone(n: int, birth: date = date(1980, 1, 1), **extra: Any) -> dict[str, Any]:
    return {**person(n, birth=birth), **extra}


def ledger_file(rows: list[dict[str, Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([chinese for _, chinese, _ in COLUMNS])
    for row in rows:
        sheet.append([row.get(name) for name, _, _ in COLUMNS])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def legacy(n: int, month: str, **extra: Any) -> dict[str, Any]:
    """A ledger row as a township reports it: clean unless ``extra`` says otherwise."""
    who = person(n)
    return {"township": "chengguan", "village": "ximen", "name": who["name"],
            "resident_id": who["resident_id"], "phone": who["phone"], "post": "护林员",
            "kind": "forest", "onboarded_on": "2023-06-01", "month": month, "days_worked": 21,
            "secretary": "石书记", "member": "杨委员", "worker": who["name"],
            "amount_yuan": "500.00", **extra}


MONTHS_2024 = [f"2024-{m:02d}" for m in range(1, 13)]


def test_every_planted_fraud_is_found_and_no_clean_placement_is_flagged(
    client: TestClient, clock: Clock, services: Services
) -> None:
    town = Town(client, clock)
    road = town.new_post()
    clean: dict[str, str] = {}
    planted: dict[str, tuple[str, str]] = {}  # case → (rule, stream id)

    # ---------------------------------------------------------------- clean placements
    clean["ordinary"] = town.placement(road, someone(1))
    town.work(clean["ordinary"], ["2024-01", "2024-02", "2024-03"], days=[18, 22, 20])
    # A person who left one post and later took another.
    clean["first post"] = town.placement(road, someone(2))
    town.work(clean["first post"], ["2024-01", "2024-02"], days=[19, 21])
    town.post(f"/placements/{clean['first post']}/exit", TOWNSHIP,
              {"date": "2024-03-05", "reason": "resigned"})
    forest = town.new_post(title="护林员")
    clean["second post"] = town.placement(forest, someone(2), applied=date(2024, 3, 10))
    town.work(clean["second post"], ["2024-04", "2024-05"], days=[20, 23])
    # Two people of the same name in one village.
    namesake = {"name": "张伟"}
    clean["zhang wei 1"] = town.placement(road, someone(3, **namesake))
    clean["zhang wei 2"] = town.placement(road, someone(4, **namesake))
    for pid in (clean["zhang wei 1"], clean["zhang wei 2"]):
        town.work(pid, ["2024-01", "2024-02"], days=[20, 21])
    # A month paid, then clawed back in full (R-PAY-3): the ledger nets it, nothing is flagged.
    clean["clawed back"] = town.placement(road, someone(6))
    town.work(clean["clawed back"], ["2024-01", "2024-02"], days=[20, 19])
    town.post(f"/placements/{clean['clawed back']}/clawback", COUNTY, {
        "date": "2024-03-10", "month": "2024-01", "amount_fen": 50000,
        "reason": "病假未扣，全额追回"})
    # A worker applying on their 16th birthday (R-ELIG-1 includes 16).
    clean["sixteen"] = town.placement(road, someone(5, birth=date(2008, 1, 5)))
    town.work(clean["sixteen"], ["2024-01"], days=[15])

    # ---------------------------------------------------------------- planted through the API
    # R-FRAUD-3: one phone given by two different people.
    shared = town.placement(road, someone(11, phone="13999990000"), until="village-review")
    sharer = town.placement(road, someone(12, phone="13999990000"), until="village-review")
    planted["shared phone a"] = ("R-FRAUD-3", shared)
    planted["shared phone b"] = ("R-FRAUD-3", sharer)
    # R-FRAUD-4: the county lowers publicity to 2 days, approves, then restores R-PUB-1's 5.
    town.put_policy({"effective_from": "2024-02-01", "publicity_days": 2})
    rushed = town.placement(road, someone(13), applied=date(2024, 2, 5), publicity_days=2,
                            until="approval")
    town.put_policy({"effective_from": "2024-02-01", "publicity_days": 5})
    planted["rushed approval"] = ("R-FRAUD-4", rushed)
    # R-FRAUD-5: the village secretary signs the attendance of someone at their own address,
    # and the township reviewer is the applicant's own household.
    home = {"address": "东门村三组12号"}
    town.post("/officials", COUNTY, {
        "county": "520524", "name": SIGNED["secretary"], "role": "secretary",
        "jurisdiction": "520524/chengguan/dongmen",
        "resident_id": ResidentId.compose("520524", date(1970, 5, 5), 301).value, **home}, 201)
    relative = town.placement(road, someone(14, **home))
    town.work(relative, ["2024-01"], days=[20])
    planted["secretary's neighbour"] = ("R-FRAUD-5", relative)
    # R-FRAUD-7: identical attendance for twelve months, never reviewed (挂岗).
    ghost = town.placement(road, someone(15))
    town.work(ghost, MONTHS_2024, days=22, pay=False)
    planted["same sheet all year"] = ("R-FRAUD-7", ghost)
    # R-FRAUD-9: attendance entered 90 days after its date.
    late = town.placement(road, someone(16))
    town.work(late, ["2024-01"], days=[17], late_by_days=90)
    planted["backdated attendance"] = ("R-FRAUD-9", late)
    # R-FRAUD-3: the same resident id, active here and (below) in an imported placement.
    twice = town.placement(road, someone(17))
    town.work(twice, ["2024-02"], days=[19])
    planted["two posts at once"] = ("R-FRAUD-3", twice)

    # ---------------------------------------------------------------- planted through a ledger
    bad_id = person(21)["resident_id"][:-1] + ("0" if person(21)["resident_id"][-1] != "0" else "1")
    child = ResidentId.compose("520524", date(2010, 3, 1), 221).value
    rows = [
        legacy(31, "2024-01"),  # clean imported history
        legacy(31, "2024-02", days_worked=19),
        legacy(22, "2024-01", days_worked=None, secretary=None, member=None, worker=None),
        legacy(23, "2024-01", member=None),
        legacy(24, "2024-05", exited_on="2024-03-10"),
        legacy(25, "2024-04", onboarded_on="2024-06-01"),
        legacy(26, "2024-01", worker="石书记"),
        legacy(21, "2024-01", resident_id=bad_id),
        legacy(27, "2024-01", resident_id=child, onboarded_on="2024-01-01"),
        legacy(17, "2024-03", township="chengguan", village="beimen", onboarded_on="2024-02-01"),
        legacy(28, "2024-01", post="护河员", days_worked=None, secretary=None, member=None,
               worker=None),
        legacy(28, "2024-13"),  # unreadable: no such month
        # Both turn 66 on 2024-06-15 (R-ELIG-1: "over 65" from that day): June is still paid
        # rightly, July is not.
        legacy(32, "2024-06", resident_id=sixty_six(321), post="护路员"),
        legacy(33, "2024-07", resident_id=sixty_six(331), post="护路员"),
    ]
    clock.on(date(2024, 7, 1))
    answer = client.post("/ledger/import", headers=COUNTY,
                         files={"file": ("chengguan-2024.xlsx", ledger_file(rows))})
    assert answer.status_code == 200, answer.text
    (unreadable,) = answer.json()["unreadable"]
    assert answer.json() == {"rows": 14, "imported": 13, "unreadable": [unreadable]}
    assert unreadable["row"] == 13 and unreadable["reason"].startswith("month")
    assert unreadable["reason_zh"].startswith("月份")
    imported = imported_ids(client)
    clean["imported clean"] = imported[person(31)["name"]]
    clean["paid the month of the 66th birthday"] = imported[person(32)["name"]]
    for n, rule, case in ((22, "R-FRAUD-1", "paid, no attendance"),
                          (23, "R-FRAUD-1", "two signatures"),
                          (24, "R-FRAUD-2", "paid after exit"),
                          (25, "R-FRAUD-2", "paid before onboarding"),
                          (33, "R-FRAUD-2", "paid past the age limit"),
                          (26, "R-FRAUD-5", "worker signs as secretary"),
                          (21, "R-FRAUD-6", "invalid id"),
                          (27, "R-FRAUD-6", "aged 13"),
                          (17, "R-FRAUD-3", "two posts at once (imported)"),
                          (28, "R-FRAUD-7", "empty post")):
        planted[case] = (rule, imported[person(n)["name"]])

    # R-FRAUD-8: an event of a planted placement altered in the database, then the check run.
    RawEvents(services.settings, _uuid(late)).rewrite(8, lambda s: s.update(days_worked=30))
    assert client.get("/audit/verify", headers=INSPECTOR).json()["ok"] is False
    planted["altered history"] = ("R-FRAUD-8", late)

    # ---------------------------------------------------------------- what the inspector sees
    found = client.get("/audit/findings?county=520524", headers=INSPECTOR)
    assert found.status_code == 200, found.text
    findings = found.json()
    for finding in findings:
        assert finding["events"], finding
        assert finding["detail"] and finding["detail_zh"]
        assert finding["subject_kind"] in ("placement", "claim", "post", "person")
    cited = {(f["rule"], _hex(e["stream_id"])) for f in findings for e in f["events"]}
    missed = {case: rule for case, (rule, stream) in planted.items()
              if (rule, _hex(stream)) not in cited}
    assert missed == {}, findings
    flagged = {case: [f["detail"] for f in findings
                      if _hex(stream) in {_hex(e["stream_id"]) for e in f["events"]}]
               for case, stream in clean.items()}
    assert flagged == {case: [] for case in clean}
    assert {f["rule"] for f in findings} == {f"R-FRAUD-{n}" for n in range(1, 10)}
    # Imported history is late by nature: never R-FRAUD-9 (API.md v1.1).
    imported_streams = {_hex(s) for s in imported.values()}
    assert not [f for f in findings if f["rule"] == "R-FRAUD-9"
                and {_hex(e["stream_id"]) for e in f["events"]} & imported_streams]

    one_rule = client.get("/audit/findings?county=520524&rule=R-FRAUD-7", headers=INSPECTOR)
    assert {f["rule"] for f in one_rule.json()} == {"R-FRAUD-7"}
    before = client.get("/audit/findings", headers=INSPECTOR,
                        params={"county": "520524", "as_of": "2024-01-31T00:00:00+08:00"})
    assert {f["rule"] for f in before.json()} <= {"R-FRAUD-3", "R-FRAUD-8"}
    assert client.get("/audit/findings", headers=TOWNSHIP).status_code == 403


def sixty_six(sequence: int) -> str:
    return ResidentId.compose("520524", date(1958, 6, 15), sequence).value


def imported_ids(client: TestClient) -> dict[str, str]:
    ids: dict[str, str] = {}
    for month in ("2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06", "2024-07"):
        rows = client.get(f"/ledger?township=chengguan&month={month}", headers=INSPECTOR).json()
        ids.update({r["name"]: r["subject_id"] for r in rows if r["subject_kind"] == "imported"})
    return ids


def _hex(stream_id: str) -> str:
    return stream_id.replace("-", "")


def _uuid(stream_id: str) -> Any:
    from uuid import UUID

    return UUID(stream_id)
