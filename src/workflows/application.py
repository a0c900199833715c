"""The application service: thin commands over the event store.

Each command gets its aggregates, asks the domain to take the step, and saves everything it
touched in one atomic ``save``. Index aggregates (person, edge quota) and the post's seats are
saved in the same transaction as the placement, so two concurrent requests cannot both pass a
uniqueness or capacity rule: the store commits one and refuses the other (ConcurrentChange).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import Aggregate

from postledger.domain.base import LedgerAggregate
from postledger.domain.errors import InvalidInput, NotFound
from postledger.domain.indexes import EdgeQuota, PersonIndex, edge_quota_id, person_index_id
from postledger.domain.placement import Placement
from postledger.domain.policy import Policy, compose, policy_id, terms_as_of
from postledger.domain.policy_terms import PolicyTerms
from postledger.domain.post import Post
from postledger.domain.presets import DEFAULT_TERMS
from postledger.domain.values import parse_month
from postledger.infrastructure.clock import BusinessClock
from postledger.infrastructure.settings import Settings
from postledger.workflows.permissions import authorize, authorize_read
from postledger.workflows.store import LedgerApplication, created_with_id


class PostLedger(LedgerApplication):
    name = "postledger"
    # Key of the resident-id hash behind person index ids (src/domain/keyed_hash.py); set from
    # configuration by ``open_application``, None in a demo store without keys.
    person_key: bytes | None = None

    # ------------------------------------------------------------------ policy
    def policy(self, county: str) -> Policy | None:
        found = self._get_or_none(policy_id(county))
        return found if isinstance(found, Policy) else None

    def terms(self, county: str, day: date) -> PolicyTerms:
        return terms_as_of(self.policy(county), day)

    def set_policy(
        self, county: str, effective_from: date, terms: dict[str, Any], preset: str | None = None
    ) -> Policy:
        """A new version from ``effective_from``: ``preset`` (or the default policy) with the
        fields of ``terms`` over it, checked whole before it is recorded."""
        authorize("set_policy", county)
        complete = compose(DEFAULT_TERMS, terms, preset)
        policy = self.policy(county) or Policy(county=county)
        policy.set_terms(effective_from, complete)
        self._save(policy)
        return policy

    # ------------------------------------------------------------------ posts
    def create_post(self, **fields: Any) -> Post:
        # A post has no business date of its own: the policy in force today decides (R-POST-2).
        terms = self.terms(str(fields.get("county")), self.clock.today())
        post = Post.create(**fields, standard_fen=terms.monthly_subsidy_fen,
                           minimum_wage_fen=terms.minimum_wage_fen)
        authorize("create_post", post.path)
        self._save(post)
        return post

    def get_post(self, post_id: UUID) -> Post:
        post = self._get(Post, post_id, "post")
        authorize_read(post.path)
        return post

    def publish_notice(
        self, post_id: UUID, *, date: date, closes_on: date, conditions: str, duties: str,
        subsidy_fen: int | None = None,
    ) -> Post:
        self.not_after_today(date)
        post = self._get(Post, post_id, "post")
        authorize("publish_notice", post.path)
        terms = self.terms(post.county, date)
        post.publish_notice(
            date=date,
            closes_on=closes_on,
            conditions=conditions,
            duties=duties,
            notice_days=terms.notice_days,
            # R-POST-3: the standard the notice states, by default what the post pays.
            subsidy_fen=subsidy_fen or post.monthly_subsidy_fen or terms.monthly_subsidy_fen,
            minimum_wage_fen=terms.minimum_wage_fen,
        )
        self._save(post)
        return post

    # ------------------------------------------------------------------ placements
    def apply(self, post_id: UUID, *, date: date, applicant: dict[str, Any]) -> Placement:
        self.not_after_today(date)
        post = self._get(Post, post_id, "post")
        authorize("apply", post.path)
        terms = self.terms(post.county, date)
        placement = Placement.apply_for(post=post, date=date, applicant=applicant, terms=terms)
        if placement.category == "edge":  # R-ELIG-3: no application beyond the cap
            quota = self._edge_quota(placement.county, placement.township)
            if not quota.has_room_for(placement.household, terms.edge_cap_per_township):
                raise InvalidInput(quota.refusal(placement.household,
                                                 terms.edge_cap_per_township),
                                   rule="R-ELIG-3", zh=quota.refusal_zh(
                                       terms.edge_cap_per_township))
        index = self._person_index(placement.resident_id.value)
        index.claim(date=date, placement_id=placement.id)  # R-ELIG-4
        self._save(placement, index)
        return placement

    def get_placement(self, placement_id: UUID, as_of: datetime | None = None) -> Placement:
        placement = self._get(Placement, placement_id, "placement")
        authorize_read(placement.path)
        if as_of is None:
            return placement
        version = None
        for stored in self.events.get(placement_id):
            if cast(Aggregate.Event, stored).timestamp <= as_of:
                version = stored.originator_version
        if version is None:
            raise NotFound(f"placement {placement_id} did not exist at {as_of.isoformat()}",
                           zh=f"安置 {placement_id} 在 {as_of.isoformat()} 时尚不存在")
        historic: Any = self.repository.get(placement_id, version=version)
        assert isinstance(historic, Placement)
        return historic

    def village_review(
        self, placement_id: UUID, *, date: date, approve: bool, reason: str | None
    ) -> Placement:
        return self._step(
            placement_id, "village_review", date,
            lambda p: p.village_review(date=date, approve=approve, reason=reason),
        )

    def township_review(
        self, placement_id: UUID, *, date: date, approve: bool, reason: str | None
    ) -> Placement:
        return self._step(
            placement_id, "township_review", date,
            lambda p: p.township_review(date=date, approve=approve, reason=reason),
        )

    def select(
        self, placement_id: UUID, *, date: date, method: str, passed: bool, score: int | None
    ) -> Placement:
        return self._step(
            placement_id, "select", date,
            lambda p: p.select(date=date, method=method, passed=passed, score=score),
        )

    def start_publicity(self, placement_id: UUID, *, date: date, ends_on: date | None) -> Placement:
        return self._step(
            placement_id, "start_publicity", date,
            lambda p: p.start_publicity(
                date=date, ends_on=ends_on, terms=self.terms(p.county, date)
            ),
        )

    def raise_objection(
        self, placement_id: UUID, *, date: date, raised_by: str, text: str
    ) -> tuple[Placement, str]:
        raised: list[str] = []
        placement = self._step(
            placement_id, "raise_objection", date,
            lambda p: raised.append(p.raise_objection(date=date, raised_by=raised_by, text=text)),
        )
        return placement, raised[0]

    def resolve_objection(
        self, placement_id: UUID, objection_id: str, *, date: date, upheld: bool, reason: str
    ) -> Placement:
        return self._step(
            placement_id, "resolve_objection", date,
            lambda p: p.resolve_objection(
                date=date, objection_id=objection_id, upheld=upheld, reason=reason
            ),
        )

    def approve(self, placement_id: UUID, *, date: date) -> Placement:
        self.not_after_today(date)
        placement = self._get(Placement, placement_id, "placement")
        authorize("approve", placement.path)
        post = self._get(Post, placement.post_id, "post")
        terms = self.terms(placement.county, date)
        placement.approve(date=date, post=post, terms=terms)
        quota = None
        if placement.category == "edge":  # R-ELIG-3
            quota = self._edge_quota(placement.county, placement.township)
            quota.reserve(date=date, placement_id=placement.id, household=placement.household,
                          cap=terms.edge_cap_per_township)
        self._save(placement, quota)
        return placement

    def train(
        self, placement_id: UUID, *, date: date, hours: int | None, topic: str | None
    ) -> Placement:
        return self._step(
            placement_id, "train", date, lambda p: p.train(date=date, hours=hours, topic=topic)
        )

    def onboard(self, placement_id: UUID, *, date: date, agreement_end: date | None) -> Placement:
        self.not_after_today(date)
        placement = self._get(Placement, placement_id, "placement")
        authorize("onboard", placement.path)
        post = self._get(Post, placement.post_id, "post")
        placement.onboard(
            date=date, agreement_end=agreement_end, terms=self.terms(placement.county, date)
        )
        post.take_seat(date=date, placement_id=placement.id)  # R-POST-4
        self._save(placement, post)
        return placement

    def record_attendance(
        self,
        placement_id: UUID,
        *,
        date: date,
        month: str,
        days_worked: int,
        signatures: dict[str, str],
    ) -> Placement:
        return self._step(
            placement_id, "record_attendance", date,
            lambda p: p.record_attendance(
                date=date, month=month, days_worked=days_worked, signatures=signatures,
                ends=p.automatic_end(self.terms(p.county, date)),
            ),
        )

    def pay(
        self, placement_id: UUID, *, date: date, month: str, amount_fen: int | None
    ) -> Placement:
        def pay(p: Placement) -> None:
            post = self._get(Post, p.post_id, "post")
            terms = self.terms(p.county, parse_month(month))
            standard = post.monthly_subsidy_fen or terms.monthly_subsidy_fen  # R-PAY-1
            p.pay(date=date, month=month, amount_fen=amount_fen, standard_fen=standard,
                  terms=terms, ends=p.automatic_end(self.terms(p.county, date)))

        return self._step(placement_id, "pay", date, pay)

    def claw_back(
        self, placement_id: UUID, *, date: date, month: str, amount_fen: int, reason: str,
        ground: str | None = None, evidence: str | None = None,
    ) -> Placement:
        """R-PAY-3: recover a paid month's post subsidy obtained on false grounds."""
        return self._step(
            placement_id, "claw_back", date,
            lambda p: p.claw_back(date=date, month=month, amount_fen=amount_fen, reason=reason,
                                  ground=ground, evidence=evidence),
        )

    def warn(self, placement_id: UUID, *, date: date, reason: str) -> Placement:
        return self._step(placement_id, "warn", date, lambda p: p.warn(date=date, reason=reason))

    def annual_review(
        self, placement_id: UUID, *, date: date, year: int, passed: bool, worker_signed: bool
    ) -> Placement:
        return self._step(
            placement_id, "annual_review", date,
            lambda p: p.annual_review(
                date=date, year=year, passed=passed, worker_signed=worker_signed
            ),
        )

    def extend(
        self, placement_id: UUID, *, date: date, basis: str, until: date, evidence: str,
        hardship: bool, still_unemployed: bool, publicity_started_on: date,
        publicity_ended_on: date,
    ) -> Placement:
        """R-EXIT-2: the county employment service centre extends, when its conditions hold."""
        def extend(p: Placement) -> None:
            post = self._get(Post, p.post_id, "post")
            p.extend(date=date, basis=basis, until=until, evidence=evidence, hardship=hardship,
                     still_unemployed=still_unemployed,
                     publicity=(publicity_started_on, publicity_ended_on),
                     terms=self.terms(p.county, date), cadre=post.cadre)

        return self._step(placement_id, "extend", date, extend)

    def leave(
        self, placement_id: UUID, *, date: date, reason: str, ground: int | None
    ) -> Placement:
        return self._step(
            placement_id, "exit", date, lambda p: p.leave(date=date, reason=reason, ground=ground)
        )

    def withdraw(self, placement_id: UUID, *, date: date) -> Placement:
        return self._step(placement_id, "withdraw", date, lambda p: p.withdraw(date=date))

    def end_automatically(self, placement_id: UUID, *, day: date, reason: str) -> Placement:
        return self._step(
            placement_id, "end_automatically", day,
            lambda p: p.end_automatically(day=day, reason=reason),
        )

    def _step(
        self, placement_id: UUID, step: str, day: date, command: Callable[[Placement], Any]
    ) -> Placement:
        self.not_after_today(day)
        placement = self._get(Placement, placement_id, "placement")
        authorize(step, placement.path)
        command(placement)
        self._save(placement, *self._releases(placement, day))
        return placement

    def _releases(self, placement: Placement, day: date) -> list[LedgerAggregate]:
        """When a placement ends, free what it held: the person, the seat, the edge quota."""
        if not placement.is_ended:
            return []
        touched: list[LedgerAggregate] = []
        index = self._person_index(placement.resident_id.value)
        index.release(date=day, placement_id=placement.id)
        touched.append(index)
        post = self._get(Post, placement.post_id, "post")
        post.release_seat(date=day, placement_id=placement.id)
        touched.append(post)
        quota = self._get_or_none(edge_quota_id(placement.county, placement.township))
        if isinstance(quota, EdgeQuota) and placement.id in quota.holders:
            quota.release(date=day, placement_id=placement.id)
            touched.append(quota)
        return touched

    def _person_index(self, resident_id: str) -> PersonIndex:
        index_id = person_index_id(resident_id, self.person_key)
        found = self._get_or_none(index_id)
        if isinstance(found, PersonIndex):
            return found
        return created_with_id(PersonIndex, index_id, resident_id=resident_id)

    def _edge_quota(self, county: str, township: str) -> EdgeQuota:
        found = self._get_or_none(edge_quota_id(county, township))
        return found if isinstance(found, EdgeQuota) else EdgeQuota(county=county, township=township)


def open_application(settings: Settings, clock: BusinessClock | None = None) -> PostLedger:
    """The application on the configured store; its events encrypted when a data key is set."""
    env = {**settings.eventsourcing_env(), **settings.security.cipher_env()}
    if settings.store == "postgresql":
        # A pooled connection the server dropped (restart, failover) is checked and replaced
        # before use; the library's retries then carry a command through (tests/integration/
        # test_faults.py).
        env.setdefault("POSTGRES_PRE_PING", "y")
    ledger = PostLedger(env=env, clock=clock)
    ledger.person_key = settings.security.person_index_key()
    return ledger
