"""Posts with their headcount used, and placements by county, township, village, post, state
and person — with each placement's state over time, for the county as of any instant.

Folded event by event: each event changes the columns it is about, nothing is replayed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from postledger.domain.placement_flow import PlacementState, next_state, resolution_trigger
from postledger.domain.placement_rules import review_due
from postledger.domain.post import jurisdiction_path
from postledger.domain.values import mask_resident_id
from postledger.projections.follower import Applied, ReadModelTables, Rows
from postledger.projections.people import PersonKeys

metadata = MetaData()

posts = Table(
    "rm_posts_v3",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("county", Text, nullable=False, index=True),
    Column("township", Text, nullable=False, index=True),
    Column("village", Text),
    Column("path", Text, nullable=False, index=True),
    Column("department", Text, nullable=False),
    Column("kind", String(32), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("headcount", Integer, nullable=False),
    Column("occupied", Integer, nullable=False),
    Column("monthly_subsidy_fen", BigInteger),
    Column("full_time", Boolean, nullable=False),
    Column("notice_published_on", Date),
    Column("notice_closes_on", Date),
    Column("version", Integer, nullable=False),
)

placements = Table(
    "rm_placements_v4",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("post_id", String(36), nullable=False, index=True),
    Column("county", Text, nullable=False, index=True),
    Column("township", Text, nullable=False, index=True),
    Column("village", Text),
    Column("path", Text, nullable=False, index=True),
    Column("state", String(32), nullable=False, index=True),
    Column("person_hash", String(64), nullable=False, index=True),
    Column("resident_id_masked", String(32), nullable=False),
    Column("name", Text, nullable=False),
    Column("category", String(16), nullable=False),
    Column("applied_on", Date, nullable=False),
    Column("onboarded_on", Date),
    Column("agreement_end", Date),
    Column("reviewed_years", Text, nullable=False),  # "2025,2026": R-REV-1's reviews
    Column("review_due_on", Date),  # the first anniversary of onboarding without one
    Column("exited_on", Date),
    Column("exit_reason", String(32)),
    Column("publicity_ends_on", Date),
    Column("open_objections", Integer, nullable=False),
    Column("last_attended_month", String(7)),
    Column("last_paid_month", String(7)),
    Column("unpaid_months", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)

# One row per state a placement was in, from the instant it was recorded until the next.
placement_states = Table(
    "rm_placement_states_v1",
    metadata,
    Column("placement_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("state", String(32), nullable=False),
    Column("since", DateTime(timezone=True), nullable=False, index=True),
    Column("until", DateTime(timezone=True), index=True),
)

# Placement events that move the state, and the trigger of the step they record.
_TRIGGERS = {
    "approved": "approve", "trained": "train", "onboarded": "onboard", "exited": "exit",
    "ended_automatically": "end_automatically", "withdrawn": "withdraw",
    "publicity_started": "start_publicity", "objection_raised": "raise_objection",
}


class PlacementsReadModel(ReadModelTables):
    name = "placements_v4"
    tables = (posts, placements, placement_states)
    topic_prefixes = ("postledger:post:", "postledger:placement:")

    def __init__(self, keys: PersonKeys) -> None:
        self.keys = keys

    def fold(self, conn: Connection, events: Sequence[Applied]) -> None:
        post_ids = {e.stream for e in events if e.topic.startswith("postledger:post:")}
        placement_ids = {e.stream for e in events if e.topic.startswith("postledger:placement:")}
        post_rows = Rows(conn, posts, "id", ["id"], post_ids)
        placement_rows = Rows(conn, placements, "id", ["id"], placement_ids)
        state_rows = Rows(conn, placement_states, "placement_id", ["placement_id", "version"],
                          placement_ids)
        open_states = {r["placement_id"]: r for r in state_rows.rows.values() if r["until"] is None}
        for applied in events:
            if applied.topic.startswith("postledger:post:"):
                self._fold_post(post_rows, applied)
                continue
            row = self._fold_placement(placement_rows, applied)
            if row is None:
                continue
            current = open_states.get(row["id"])
            if current is not None and current["state"] == row["state"]:
                continue
            if current is not None:
                current["until"] = applied.recorded_at
            open_states[row["id"]] = state_rows.put({
                "placement_id": row["id"], "version": applied.version, "state": row["state"],
                "since": applied.recorded_at, "until": None})
        for rows in (post_rows, placement_rows, state_rows):
            rows.write()

    # ------------------------------------------------------------------ posts
    @staticmethod
    def _fold_post(rows: Rows, applied: Applied) -> None:
        e, pid, kind = applied.event, applied.stream, applied.kind
        if kind == "created":
            rows.put({
                "id": pid, "county": e.county, "township": e.township, "village": e.village,
                "path": jurisdiction_path(e.county, e.township, e.village),
                "department": e.department, "kind": e.kind, "title": e.title,
                "headcount": e.headcount, "occupied": 0,
                "monthly_subsidy_fen": e.monthly_subsidy_fen, "full_time": e.full_time,
                "notice_published_on": None, "notice_closes_on": None, "version": 0,
            })
        row = rows.get(pid)
        if row is None:
            return
        if kind == "notice_published":
            row["notice_published_on"], row["notice_closes_on"] = e.date, e.closes_on
        elif kind == "seat_taken":
            row["occupied"] += 1
        elif kind == "seat_released":
            row["occupied"] = max(0, row["occupied"] - 1)
        row["version"] = applied.version

    # ------------------------------------------------------------------ placements
    def _fold_placement(self, rows: Rows, applied: Applied) -> dict[str, Any] | None:
        e, pid, kind = applied.event, applied.stream, applied.kind
        if kind == "applied":
            person = e.applicant
            rows.put({
                "id": pid, "post_id": str(e.post_id), "county": e.county,
                "township": e.township, "village": e.village,
                "path": jurisdiction_path(e.county, e.township, e.village),
                "state": PlacementState.APPLIED.value,
                "person_hash": self.keys.hash(person["resident_id"]),
                "resident_id_masked": mask_resident_id(person["resident_id"]),
                "name": person["name"], "category": person["category"], "applied_on": e.date,
                "onboarded_on": None, "agreement_end": None, "reviewed_years": "",
                "review_due_on": None,
                "exited_on": None, "exit_reason": None, "publicity_ends_on": None,
                "open_objections": 0, "last_attended_month": None, "last_paid_month": None,
                "unpaid_months": 0, "version": 0,
            })
        row = rows.get(pid)
        if row is None:
            return None
        trigger = _trigger(kind, e, row)
        if trigger is not None:
            dest = next_state(PlacementState(row["state"]), trigger)
            if dest is not None:
                row["state"] = dest.value
        _fold_facts(row, kind, e)
        row["version"] = applied.version
        return row


def _trigger(kind: str, e: Any, row: dict[str, Any]) -> str | None:
    if kind in ("village_reviewed", "township_reviewed"):
        return f"{kind.split('_')[0]}_{'approve' if e.approve else 'reject'}"
    if kind == "objection_resolved":
        return resolution_trigger(e.upheld, others_open=row["open_objections"] > 1)
    if kind == "annually_reviewed":
        return "pass_review" if e.passed else "fail_review"
    if kind == "selected":  # R-FLOW-4: a failed selection rejects
        return "select_pass" if e.passed else "select_fail"
    return _TRIGGERS.get(kind)


def _fold_facts(row: dict[str, Any], kind: str, e: Any) -> None:
    if kind == "publicity_started":
        row["publicity_ends_on"] = e.ends_on
    elif kind == "objection_raised":
        row["open_objections"] += 1
    elif kind == "objection_resolved":
        row["open_objections"] = max(0, row["open_objections"] - 1)
    elif kind == "onboarded":
        row["onboarded_on"], row["agreement_end"] = e.date, e.agreement_end
        row["review_due_on"] = review_due(e.date, set())
    elif kind == "extended":
        row["agreement_end"] = e.until
    elif kind == "attendance_recorded":
        row["last_attended_month"] = max(row["last_attended_month"] or "", e.month)
        row["unpaid_months"] += 1
    elif kind == "paid":
        row["last_paid_month"] = max(row["last_paid_month"] or "", e.month)
        row["unpaid_months"] = max(0, row["unpaid_months"] - 1)
    elif kind == "annually_reviewed":
        years = {int(y) for y in row["reviewed_years"].split(",") if y} | {int(e.year)}
        row["reviewed_years"] = ",".join(str(y) for y in sorted(years))
        if row["onboarded_on"] is not None:
            row["review_due_on"] = review_due(row["onboarded_on"], years)
        if not e.passed:
            row["exited_on"], row["exit_reason"] = e.date, "review_failed"
    elif kind in ("exited", "ended_automatically"):
        row["exited_on"], row["exit_reason"] = e.date, e.reason
    elif kind == "withdrawn":
        row["exited_on"] = e.date

