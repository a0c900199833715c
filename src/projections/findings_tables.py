"""The findings read model's tables (src/projections/findings_rm.py folds them,
src/projections/findings_compute.py settles them, src/projections/audit_queries.py reads them)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, MetaData, String, Table, Text

metadata = MetaData()

audit_subjects = Table(
    "rm_audit_subjects_v2",
    metadata,
    Column("subject_id", String(36), primary_key=True),
    Column("imported", Boolean, nullable=False),
    Column("county", Text, nullable=False, index=True),
    Column("township", Text, nullable=False),
    Column("path", Text, nullable=False),
    Column("post_key", Text, nullable=False, index=True),
    Column("person_hash", String(64), index=True),
    Column("phone_hash", String(64), index=True),
    Column("household_hash", String(64)),
    Column("address_hash", String(64)),
    Column("birth_date", Date),
    Column("paid_months", Integer, nullable=False),  # for the empty-post signal (R-FRAUD-7)
    Column("attended_months", Integer, nullable=False),
    Column("dirty", Boolean, nullable=False, index=True),  # findings to settle
)

# Each subject's history as the rules read it, one row per event: appended, never rewritten.
audit_steps = Table(
    "rm_audit_steps_v2",
    metadata,
    Column("subject_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("step", Text, nullable=False),
)

# Each county's policy versions as recorded: [effective_from, terms, recorded_at], in order.
audit_policies = Table(
    "rm_audit_policies_v2",
    metadata,
    Column("county", String(200), primary_key=True),
    Column("versions", Text, nullable=False),
)

# Which county a policy or post stream belongs to (their later events do not repeat it).
audit_streams = Table(
    "rm_audit_streams_v2",
    metadata,
    Column("stream_id", String(36), primary_key=True),
    Column("county", String(200), nullable=False),
)

# Each post's recruitment notices: [date, closes_on, post_id, version, recorded_at].
audit_notices = Table(
    "rm_audit_notices_v2",
    metadata,
    Column("post_id", String(36), primary_key=True),
    Column("notices", Text, nullable=False),
)

officials = Table(
    "rm_officials_v2",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("county", String(200), nullable=False, index=True),
    Column("jurisdiction", Text, nullable=False),
    Column("role", String(32), nullable=False),
    Column("name", Text, nullable=False),
    Column("person_hash", String(64)),
    Column("resident_id_masked", String(32), nullable=False),
    Column("household_hash", String(64)),
    Column("address_hash", String(64)),
    Column("version", Integer, nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
)

findings = Table(
    "rm_findings_v2",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("group_key", Text, nullable=False, index=True),
    Column("rule", String(16), nullable=False, index=True),
    Column("subject_id", Text, nullable=False),
    Column("subject_kind", String(16), nullable=False),
    Column("county", String(200), nullable=False, index=True),
    Column("township", Text),
    Column("detail", Text, nullable=False),
    Column("detail_zh", Text, nullable=False),
    Column("events", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)
