"""The subsidy-claim service (RULES.md §6): thin commands over ``PostLedger``'s event store.

Each command gets the claim, checks who may take the step (``authorize``), asks the domain to
take it, and saves everything it touched in one ``save``. Cross-claim limits are
``ClaimLimit`` aggregates (uuid5 ids, src/domain/subsidies/limits.py) recorded **at approval** and
saved in the same transaction as the approved claim: of two concurrent approvals under one
limit, the store commits one and the other gets ``ConcurrentChange`` (409); one that comes after
is refused with ``LimitReached`` (409) naming the claim type's rule. Submission checks the same
limits against what was approved so far, without holding anything, and refuses a claim over
one as invalid input (422) naming the fact.

Every date a command states is on or before today (Asia/Shanghai, from the ledger's one clock;
R-INPUT-2): premiums not yet paid, a business not yet a year old or a payment not yet made
cannot be claimed or recorded, and a "once a year" limit cannot be spent on a year to come.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from postledger.domain.errors import InvalidInput
from postledger.domain.post import jurisdiction_path
from postledger.domain.subsidies.base import Retirement
from postledger.domain.subsidies.claim import SubsidyClaim
from postledger.domain.subsidies.limits import ClaimLimit, claim_limit_id
from postledger.domain.subsidies.registry import find_claim_type
from postledger.workflows.application import PostLedger
from postledger.workflows.history import HistoryEntry
from postledger.workflows.permissions import authorize, authorize_read
from postledger.workflows.store import created_with_id


class ClaimsService:
    def __init__(self, ledger: PostLedger) -> None:
        self.ledger = ledger

    # ------------------------------------------------------------------ submission
    def submit(
        self,
        *,
        claim_type: str,
        county: str,
        date: date,
        claimant: dict[str, Any],
        facts: dict[str, Any],
    ) -> SubsidyClaim:
        claim = self.quote(claim_type=claim_type, county=county, date=date, claimant=claimant,
                           facts=facts)
        self.ledger._save(claim)
        return claim

    def quote(
        self,
        *,
        claim_type: str,
        county: str,
        date: date,
        claimant: dict[str, Any],
        facts: dict[str, Any],
    ) -> SubsidyClaim:
        """The claim as it would be submitted: computed by the county's tables in force on its
        date and checked against what was already approved; nothing is recorded."""
        kind = find_claim_type(claim_type)
        if not isinstance(claimant, dict):
            raise InvalidInput("claimant must be an object", fact="claimant", zh="申请人须为对象")
        township = claimant.get("township")
        authorize("submit_claim", jurisdiction_path(
            county, township if isinstance(township, str) and township.strip() else None
        ))
        self.ledger.not_after_today(date)  # R-INPUT-2
        # The county's tables in force on the claim's own date (src/domain/policy.py).
        terms = self.ledger.terms(county, date)
        claim = SubsidyClaim.submit(
            claim_type=kind.name,
            county=county,
            date=date,
            claimant=claimant,
            facts=facts,
            tables=terms.subsidies,
            retirement=Retirement(male=terms.retirement_age_male,
                                  female=terms.retirement_age_female),
            limit_for=self.limit,
        )
        return claim

    # ------------------------------------------------------------------ steps
    def review(
        self, claim_id: UUID, *, date: date, approve: bool, reason: str | None
    ) -> SubsidyClaim:
        claim = self._claim(claim_id)
        reviewer = authorize("review_claim", claim.path)
        self.ledger.not_after_today(date)  # R-INPUT-2
        limits = [self.limit(limit.key) for limit in claim.typed_limits] if approve else []
        claim.review_by(date=date, approve=approve, reason=reason, reviewer=reviewer,
                        limits=limits)
        self.ledger._save(claim, *limits)
        return claim

    def pay(self, claim_id: UUID, *, date: date) -> SubsidyClaim:
        claim = self._claim(claim_id)
        authorize("pay_claim", claim.path)
        self.ledger.not_after_today(date)  # R-INPUT-2
        claim.pay(date=date)
        self.ledger._save(claim)
        return claim

    def claw_back(
        self, claim_id: UUID, *, date: date, amount_fen: int, reason: str
    ) -> SubsidyClaim:
        claim = self._claim(claim_id)
        authorize("claw_back", claim.path)
        self.ledger.not_after_today(date)  # R-INPUT-2
        claim.claw_back(date=date, amount_fen=amount_fen, reason=reason)
        self.ledger._save(claim)
        return claim

    def withdraw(self, claim_id: UUID, *, date: date) -> SubsidyClaim:
        """Withdrawal before review, by whoever may submit claims there (the clerk)."""
        claim = self._claim(claim_id)
        authorize("submit_claim", claim.path)
        self.ledger.not_after_today(date)  # R-INPUT-2
        claim.withdraw(date=date)
        self.ledger._save(claim)
        return claim

    # ------------------------------------------------------------------ reading
    def get(self, claim_id: UUID) -> SubsidyClaim:
        claim = self._claim(claim_id)
        authorize_read(claim.path)
        return claim

    def history(self, claim_id: UUID) -> list[HistoryEntry]:
        self.get(claim_id)  # 404 and jurisdiction
        return self.ledger.history(claim_id)

    def limit(self, key: str) -> ClaimLimit:
        """The limit aggregate for ``key``: stored, or a new (unsaved) empty one."""
        limit_id = claim_limit_id(key, self.ledger.person_key)
        found = self.ledger._get_or_none(limit_id)
        if isinstance(found, ClaimLimit):
            return found
        return created_with_id(ClaimLimit, limit_id, key=key)

    def _claim(self, claim_id: UUID) -> SubsidyClaim:
        return self.ledger._get(SubsidyClaim, claim_id, "claim")
