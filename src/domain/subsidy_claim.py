"""One-off subsidy claims (RULES.md §6): computed from the county's table, reviewed, paid,
clawed back.

``calculate`` turns a claim's type, date, claimant and facts into an amount in fen, the facts as
understood, a breakdown, and the cross-claim limits the claim falls under; it refuses any
broken condition with ``InvalidInput`` naming the type's rule and the fact that failed (the
exception carries it as ``fact``; the detail begins with it too). Each type's numbers come from
``table`` (src/domain/subsidy_policy.py), never from code.

``SubsidyClaim`` is the aggregate. Its commands check the step against the claim flow
(src/workflows/claim_flow.py) and the rules, then call a private ``@event`` method that only
records.

Rounding (R-SUB-SOCIAL): each month's subsidy is ``premiums_paid_fen × 2 // 3`` — floored to the
fen, month by month — and the claim's amount is the sum of the months.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import event

from postledger.domain.actor import Actor
from postledger.domain.base import LedgerAggregate
from postledger.domain.claim_indexes import ClaimLimit
from postledger.domain.dates import add_months, month_index, month_of
from postledger.domain.errors import Forbidden, InvalidInput, LimitReached, StepNotAllowed
from postledger.domain.post import jurisdiction_path, place_name_problem
from postledger.domain.resident_id import ResidentId, birthday_at_age
from postledger.domain.subsidy_policy import CLAIM_TYPES, RULE_BY_TYPE, choose_tier
from postledger.domain.values import (
    COUNT_MAX,
    LIST_MAX,
    MONEY_MAX_FEN,
    Label,
    PlaceSegment,
    read,
    read_date,
    read_month,
    read_resident_id,
)
from postledger.workflows.claim_flow import ClaimState, allowed_steps, next_state

CLAIMANT_KINDS = ("person", "organisation")

# Bounds on what a claim may state, so that every accepted claim can be computed, stored and
# listed: amounts, counts and text as src/domain/values.py bounds them; dates of working lives.
FIRST_YEAR, LAST_YEAR = 1900, 2200


# What was already approved under a limit key (src/domain/claim_indexes.py).
Approved = Callable[[str], ClaimLimit]


def refused(rule: str | None, fact: str, message: str) -> InvalidInput:
    """A 422 naming the rule broken and the fact that failed (``exc.fact``)."""
    return InvalidInput(f"{fact}: {message}", rule=rule, fact=fact)


# ---------------------------------------------------------------------- reading facts
class _Facts:
    """Reads typed values out of a JSON object, refusing with the rule and the fact's path."""

    def __init__(self, raw: Any, rule: str, prefix: str = "") -> None:
        if not isinstance(raw, dict):
            raise refused(rule, prefix.rstrip(".") or "facts", "must be an object")
        self.raw: dict[str, Any] = raw
        self.rule = rule
        self.prefix = prefix

    def path(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def refuse(self, name: str, message: str) -> InvalidInput:
        return refused(self.rule, self.path(name), message)

    def _present(self, name: str) -> Any:
        if name not in self.raw or self.raw[name] is None:
            raise self.refuse(name, "is required")
        return self.raw[name]

    def whole(self, name: str, minimum: int = 0, maximum: int | None = None) -> int:
        # Within the value types' bounds (src/domain/values.py): money up to 100,000,000 fen,
        # counts up to 10,000.
        bound = MONEY_MAX_FEN if name.endswith("_fen") else COUNT_MAX
        maximum = bound if maximum is None else min(maximum, bound)
        value = self._present(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.refuse(name, f"must be a whole number, got {value!r}")
        if value < minimum:
            raise self.refuse(name, f"must be at least {minimum}, got {value}")
        if value > maximum:
            raise self.refuse(name, f"must be at most {maximum}, got {value}")
        return value

    def flag(self, name: str) -> bool:
        value = self._present(name)
        if not isinstance(value, bool):
            raise self.refuse(name, f"must be true or false, got {value!r}")
        return value

    def text(self, name: str) -> str:
        text: str = self._read(name, lambda value, field: read(Label, value, field))
        return text

    def place(self, name: str) -> str | None:
        if self.raw.get(name) is None:
            return None
        place: str = self._read(name, lambda value, field: read(PlaceSegment, value, field))
        return place

    def optional_text(self, name: str) -> str | None:
        if self.raw.get(name) is None:
            return None
        return self.text(name)

    def choice(self, name: str, options: Sequence[str]) -> str:
        value = self._present(name)
        if value not in options:
            raise self.refuse(name, f"must be one of {', '.join(options)}, got {value!r}")
        return str(value)

    def _read(self, name: str, reader: Callable[[Any, str], Any]) -> Any:
        """The fact read by its one reader (src/domain/values.py), refused under the claim
        type's rule unless the digits are not ASCII (R-INPUT-1)."""
        try:
            return reader(self._present(name), self.path(name))
        except InvalidInput as exc:
            rule = exc.rule if exc.rule == "R-INPUT-1" else self.rule
            raise refused(rule, self.path(name),
                          exc.detail.removeprefix(f"{self.path(name)}: ")) from None

    def day(self, name: str) -> date:
        day: date = self._read(name, read_date)
        return day

    def month(self, name: str) -> str:
        month: str = self._read(name, read_month)
        return month

    def resident_id(self, name: str) -> ResidentId:
        return ResidentId(self._read(name, read_resident_id))

    def items(self, name: str) -> list[_Facts]:
        value = self._present(name)
        if not isinstance(value, list) or not value:
            raise self.refuse(name, "must be a non-empty list")
        if len(value) > LIST_MAX:
            raise self.refuse(name, f"must hold at most {LIST_MAX} entries")
        return [_Facts(item, self.rule, f"{self.path(name)}[{i}].") for i, item in enumerate(value)]

    def object(self, name: str) -> _Facts:
        return _Facts(self._present(name), self.rule, f"{self.path(name)}.")

    def require(self, condition: bool, name: str, message: str) -> None:
        if not condition:
            raise self.refuse(name, message)


# ---------------------------------------------------------------------- the calculation
@dataclass
class Computed:
    amount_fen: int
    facts: dict[str, Any]
    breakdown: list[dict[str, Any]] = field(default_factory=list)
    limits: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Claimant:
    kind: str
    name: str
    resident_id: str | None
    category: str | None
    township: str | None
    village: str | None
    credit_code: str | None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v is not None}

    @property
    def key(self) -> str:
        """Who the claimant is, for limits: the resident id, else the organisation."""
        if self.resident_id:
            return self.resident_id
        return f"org:{self.credit_code or self.name}"


def parse_claimant(raw: Any, rule: str) -> Claimant:
    c = _Facts(raw, rule, "claimant.")
    resident = c.resident_id("resident_id").value if c.raw.get("resident_id") else None
    kind = c.raw.get("kind") or ("person" if resident else "organisation")
    if kind not in CLAIMANT_KINDS:
        raise c.refuse("kind", f"must be one of {', '.join(CLAIMANT_KINDS)}, got {kind!r}")
    if kind == "person" and resident is None:
        raise c.refuse("resident_id", "a person claims with their resident id")
    township = c.place("township")
    village = c.place("village")
    for name, value in (("township", township), ("village", village)):
        problem = place_name_problem(value) if value is not None else None
        if problem:
            raise c.refuse(name, problem)
    if village is not None and township is None:
        raise c.refuse("township", "a claimant who names a village names its township too")
    category = c.raw.get("category")
    return Claimant(
        kind=kind,
        name=c.text("name"),
        resident_id=resident,
        category=str(category) if category is not None else None,
        township=township,
        village=village,
        credit_code=c.optional_text("credit_code"),
    )


def _person(claimant: Claimant, rule: str) -> str:
    if claimant.resident_id is None:
        raise refused(rule, "claimant.resident_id", "this subsidy is claimed by the person")
    return claimant.resident_id


def _registered_poor(claimant: Claimant, table: dict[str, Any], rule: str) -> None:
    allowed = list(table.get("eligible_categories") or [])
    if claimant.category not in allowed:
        raise refused(
            rule,
            "claimant.category",
            f"only registered poor laborers ({', '.join(allowed)}) may claim, "
            f"got {claimant.category!r}",
        )


def _count_limit(key: str, what: str, fact: str, allowed: int = 1) -> dict[str, Any]:
    """A limit of ``allowed`` approvals under ``key``; ``fact`` is the claim's fact that a
    submission over it is refused for."""
    return {"key": key, "kind": "count", "max": allowed, "what": what, "fact": fact}


def _once_per_worker(kind: str, rid: str, fact: str) -> dict[str, Any]:
    """R-SUB-EXPORT, R-SUB-ABSORB: "一次性补贴", a one-off subsidy per worker, whoever claims it
    and in whatever year."""
    return _count_limit(f"{kind}/{rid}", f"{kind} subsidy for {rid} (one-off)", fact)


def calculate(
    claim_type: str, *, on: date, county: str, claimant: Claimant, facts: Any,
    table: dict[str, Any], approved: Approved,
) -> Computed:
    """The amount and limits of a claim of ``claim_type`` dated ``on``, by ``table``;
    ``approved(key)`` is what was already approved under a limit key (a tier that depends on
    a year's total, R-SUB-ABSORB, reads it)."""
    if claim_type not in CLAIM_TYPES:
        raise refused(None, "type", f"must be one of {', '.join(CLAIM_TYPES)}, got {claim_type!r}")
    rule = RULE_BY_TYPE[claim_type]
    f = _Facts(facts, rule, "facts.")
    try:
        return _CALCULATORS[claim_type](f, on, county, claimant, table, approved)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        # a county table of the wrong shape
        raise refused(
            rule, f"policy.subsidies.{claim_type}", f"the county's table is malformed ({exc!r})"
        ) from None


# R-SUB-TRANSPORT: min(ticket, cap by destination); once a person a year; ≥ 3 months stable;
# a real-name ticket.
def _transport(
    f: _Facts, on: date, county: str, claimant: Claimant, table: dict[str, Any],
    approved: Approved,
) -> Computed:
    rid = _person(claimant, f.rule)
    _registered_poor(claimant, table, f.rule)
    caps: dict[str, int | None] = table["caps_fen"]
    destination = f.choice("destination", list(caps))
    f.require(caps[destination] is not None, "destination",
              f"the county pays no transport subsidy for work {destination}")
    ticket = f.whole("ticket_price_fen", minimum=1)
    months = f.whole("months_stable")
    real_name = f.flag("real_name_ticket")
    f.require(
        months >= int(table["months_stable_min"]), "months_stable",
        f"stable work of at least {table['months_stable_min']} months is required, got {months}",
    )
    f.require(real_name, "real_name_ticket", "a real-name ticket is required")
    cap = int(caps[destination] or 0)
    amount = min(ticket, cap)
    return Computed(
        amount_fen=amount,
        facts={"destination": destination, "ticket_price_fen": ticket, "months_stable": months,
               "real_name_ticket": real_name},
        breakdown=[{"item": f"ticket to {destination}", "ticket_price_fen": ticket,
                    "cap_fen": cap, "amount_fen": amount}],
        limits=[_count_limit(
            f"transport/{rid}/{on.year}", f"transport subsidy of {rid} in {on.year}",
            "claimant.resident_id", int(table["claims_per_year"]),
        )],
    )


# R-SUB-CERT: by certificate; self-paid training; employed where the table says so.
def _certificate(
    f: _Facts, on: date, county: str, claimant: Claimant, table: dict[str, Any],
    approved: Approved,
) -> Computed:
    rid = _person(claimant, f.rule)
    _registered_poor(claimant, table, f.rule)
    amounts: dict[str, int] = table["amounts_fen"]
    certificate = f.choice("certificate", list(amounts))
    self_paid = f.flag("self_paid")
    employed = f.flag("employed")
    f.require(self_paid, "self_paid", "the subsidy repays self-paid training only")
    if certificate in table["employed_required_for"]:
        f.require(employed, "employed", f"a {certificate} certificate is subsidised once employed")
    amount = int(amounts[certificate])
    # One subsidy per group: a B2 licence and a later A2 are one "B2 or higher" licence.
    group = str((table.get("limit_groups") or {}).get(certificate, certificate))
    return Computed(
        amount_fen=amount,
        facts={"certificate": certificate, "self_paid": self_paid, "employed": employed},
        breakdown=[{"item": f"{certificate} certificate", "amount_fen": amount}],
        limits=[_count_limit(f"certificate/{rid}/{group}",
                             f"{group} certificate subsidy of {rid}", "facts.certificate")],
    )


# R-SUB-JOBTRAIN: by level; ≥ 1-year contract; trained within 1 year of signing.
def _job_training(
    f: _Facts, on: date, county: str, claimant: Claimant, table: dict[str, Any],
    approved: Approved,
) -> Computed:
    rid = _person(claimant, f.rule)
    amounts: dict[str, int] = table["amounts_fen"]
    level = f.choice("certificate_level", list(amounts))
    signed = f.day("contract_signed_on")
    contract_months = f.whole("contract_months")
    trained = f.day("trained_on")
    f.require(
        contract_months >= int(table["contract_months_min"]), "contract_months",
        f"a contract of at least {table['contract_months_min']} months is required, "
        f"got {contract_months}",
    )
    within = int(table["trained_within_months"])
    f.require(trained >= signed, "trained_on",
              f"training on {trained} came before the contract was signed on {signed}")
    f.require(trained <= add_months(signed, within), "trained_on",
              f"training must be within {within} months of signing ({signed}), not {trained}")
    f.require(trained <= on, "trained_on", f"training on {trained} is after the claim date {on}")
    amount = int(amounts[level])
    return Computed(
        amount_fen=amount,
        facts={"certificate_level": level, "contract_signed_on": signed.isoformat(),
               "contract_months": contract_months, "trained_on": trained.isoformat()},
        breakdown=[{"item": f"{level} certificate", "amount_fen": amount}],
        # Once per certificate level, and once per contract whatever the level: the same
        # training is not paid again under another certificate, nor under another contract date.
        limits=[_count_limit(f"job_training/{rid}/{level}", f"{level} training subsidy of {rid}",
                             "facts.certificate_level"),
                _count_limit(f"job_training/{rid}/{signed.isoformat()}",
                             f"post-hire training subsidy of {rid} for the contract signed "
                             f"{signed}", "facts.contract_signed_on")],
    )


def _distinct_workers(workers: list[_Facts]) -> list[str]:
    seen: list[str] = []
    for w in workers:
        rid = w.resident_id("resident_id").value
        w.require(rid not in seen, "resident_id", f"{rid} is listed twice")
        seen.append(rid)
    return seen


# R-SUB-EXPORT: per worker, flat (Zhijin) or by destination (Yunnan, Hekou, Huize); the
# organiser is a registered agency, village committee or broker.
def _labour_export(
    f: _Facts, on: date, county: str, claimant: Claimant, table: dict[str, Any],
    approved: Approved,
) -> Computed:
    organiser = f.object("organiser")
    kind = organiser.choice("kind", list(table["organiser_kinds"]))
    organiser_name = organiser.text("name")
    registered = organiser.flag("registered")
    organiser.require(registered, "registered", f"the organising {kind} must be registered")
    workers = f.items("workers")
    ids = _distinct_workers(workers)
    flat = table["mode"] == "flat"
    amounts: dict[str, int | None] = table["amounts_fen"]
    stable_min = int(table["months_stable_min"])
    follow_min = int(table["follow_up_months_min"])
    contract_min = int(table.get("contract_months_min") or 0)
    lines: list[dict[str, Any]] = []
    understood: list[dict[str, Any]] = []
    for rid, w in zip(ids, workers, strict=True):
        destination = w.choice("destination", list(amounts))
        stable = w.whole("months_stable")
        follow = w.whole("follow_up_months")
        w.require(stable >= stable_min, "months_stable",
                  f"{rid}: at least {stable_min} months of stable work, got {stable}")
        w.require(follow >= follow_min, "follow_up_months",
                  f"{rid}: at least {follow_min} months of follow-up, got {follow}")
        if contract_min:  # Yunnan, Hekou (002): a contract of at least a year
            contract = w.whole("contract_months", maximum=1200)
            w.require(contract >= contract_min, "contract_months",
                      f"{rid}: a contract of at least {contract_min} months, got {contract}")
        w.require(flat or amounts[destination] is not None, "destination",
                  f"{rid}: the county pays no labour-export subsidy for work {destination}")
        amount = int(table["flat_fen"]) if flat else int(amounts[destination] or 0)
        understood.append({"resident_id": rid, "destination": destination,
                           "months_stable": stable, "follow_up_months": follow})
        lines.append({"item": f"{rid} to {destination}", "amount_fen": amount})
    return Computed(
        amount_fen=sum(line["amount_fen"] for line in lines),
        facts={"organiser": {"kind": kind, "name": organiser_name, "registered": registered},
               "workers": understood},
        breakdown=lines,
        limits=[_once_per_worker("labour_export", rid, f"facts.workers[{i}].resident_id")
                for i, rid in enumerate(ids)],
    )


def _normalised_name(value: str) -> str:
    """One name however it is spaced or cased: "WS-1", "ws-1" and " ws- 1" are one."""
    return "".join(value.split()).upper()


# R-SUB-ABSORB: per worker, by the first tier of the county's table that fits the employer's
# intake of the worker's year of hire ("当年新吸纳", 004): the workers of that year already
# approved together with this claim's. A worker's hire is ``hired_on`` when given, else the claim
# date less the months of stable work claimed; a claim whose workers were hired in two years is
# priced year by year.
def _absorption(
    f: _Facts, on: date, county: str, claimant: Claimant, table: dict[str, Any],
    approved: Approved,
) -> Computed:
    employer = f.text("employer")
    # Where the tier counts an intake, the intake must be identified: the employer by its
    # unified social credit code, each worker's hire by its date (``intake_identified``).
    identified = bool(table.get("intake_identified"))
    if identified and not claimant.credit_code:
        raise refused(f.rule, "claimant.credit_code",
                      "the county counts each employer's yearly intake: the employer claims with "
                      "its unified social credit code")
    employer_key = _normalised_name(claimant.credit_code or employer)
    workers = f.items("workers")
    ids = _distinct_workers(workers)
    parsed: list[dict[str, Any]] = []
    for rid, w in zip(ids, workers, strict=True):
        months_stable = w.whole("months_stable", maximum=1200)
        hired = w.day("hired_on") if identified or w.raw.get("hired_on") is not None else None
        if hired is not None:
            w.require(add_months(hired, months_stable) <= on, "hired_on",
                      f"{rid}: hired on {hired}, {months_stable} months of stable work are "
                      f"reached on {add_months(hired, months_stable)}, after the claim date {on}")
        intake_year = (hired or add_months(on, -months_stable)).year
        parsed.append({"resident_id": rid, "months_stable": months_stable,
                       "contract_months": w.whole("contract_months", maximum=1200),
                       "relocated": w.flag("relocated"), "intake_year": intake_year,
                       **({"hired_on": hired.isoformat()} if hired else {})})
    limits: list[dict[str, Any]] = []
    per_worker: dict[str, tuple[int, int, int]] = {}  # resident id → (fen, tier, intake size)
    for year in sorted({p["intake_year"] for p in parsed}):
        group = [p for p in parsed if p["intake_year"] == year]
        key = f"absorption-employer/{county}/{employer_key}/{year}"
        earlier = approved(key).workers
        intake = earlier + [{"resident_id": p["resident_id"], "relocated": p["relocated"]}
                            for p in group]
        chosen = choose_tier(intake, table["tiers"])
        if chosen is None:
            raise f.refuse(
                "workers",
                f"no tier of the county's table fits {employer}'s intake of {year}: "
                f"{len(intake)} workers ({len(earlier)} already approved, {len(group)} in this "
                f"claim; {sum(1 for w in intake if w['relocated'])} relocated); "
                f"tiers: {table['tiers']}",
            )
        index, tier = chosen
        for p in group:
            w = workers[ids.index(p["resident_id"])]
            w.require(p["months_stable"] >= int(tier["months_stable_min"]), "months_stable",
                      f"{p['resident_id']}: at least {tier['months_stable_min']} months of "
                      f"stable work, got {p['months_stable']}")
            w.require(p["contract_months"] >= int(tier["contract_months_min"]),
                      "contract_months",
                      f"{p['resident_id']}: a contract of at least "
                      f"{tier['contract_months_min']} months, got {p['contract_months']}")
            per_worker[p["resident_id"]] = (int(tier["per_worker_fen"]), index, len(intake))
        limits.append({
            "key": key, "kind": "headcount", "fact": "facts.workers",
            "what": f"workers taken on by {employer} in {year}",
            "workers": intake[len(earlier):], "tiers": table["tiers"], "tier": index,
        })
    limits += [_once_per_worker("absorption", rid, f"facts.workers[{i}].resident_id")
               for i, rid in enumerate(ids)]
    return Computed(
        amount_fen=sum(fen for fen, _, _ in per_worker.values()),
        facts={"employer": employer, "workers": parsed},
        breakdown=[{"item": f"{p['resident_id']} absorbed", "amount_fen": per_worker[rid][0],
                    "intake_year": p["intake_year"], "tier": per_worker[rid][1],
                    "intake_size": per_worker[rid][2]}
                   for rid, p in zip(ids, parsed, strict=True)],
        limits=limits,
    )


# R-SUB-SOCIAL: 2/3 of premiums actually paid, floored to the fen month by month; 36 months
# in all (24 graduates, 12 small firms hiring graduates), or up to retirement when fewer than
# 5 years from it at the first approval.
def _social_insurance(
    f: _Facts, on: date, county: str, claimant: Claimant, table: dict[str, Any],
    approved: Approved,
) -> Computed:
    graduate = f.flag("graduate")
    small_firm = f.flag("small_firm")
    if f.raw.get("insured_resident_id") is not None:
        insured = f.resident_id("insured_resident_id")
    elif claimant.resident_id is not None:
        insured = ResidentId(claimant.resident_id)
    else:
        raise f.refuse("insured_resident_id", "name the insured person when a firm claims")
    numerator, denominator = int(table["share_numerator"]), int(table["share_denominator"])
    lines: list[dict[str, Any]] = []
    for m in f.items("months"):
        month = m.month("month")
        paid = m.whole("premiums_paid_fen", minimum=1)
        m.require(month not in [line["month"] for line in lines], "month",
                  f"{month} is listed twice")
        m.require(month_index(month) <= month_index(month_of(on)), "month",
                  f"{month} is after the claim date {on}: only premiums actually paid count")
        lines.append({"month": month, "premiums_paid_fen": paid,
                      "amount_fen": paid * numerator // denominator})
    if small_firm and graduate:
        scheme, max_months = "small_firm_graduate", int(table["small_firm_graduate_months"])
    elif graduate:
        scheme, max_months = "graduate", int(table["graduate_max_months"])
    else:
        scheme, max_months = "ordinary", int(table["max_months"])
    retirement_age = int(table["retirement_age"][insured.gender])
    retirement_on = birthday_at_age(insured.birth_date, retirement_age)
    months = sorted((line["month"] for line in lines), key=month_index)
    lines.sort(key=lambda line: month_index(line["month"]))
    limit = {
        "key": f"social_insurance/{insured.value}",
        "kind": "months",
        "what": f"social-insurance subsidy of {insured.value}",
        "fact": "facts.months",
        "months": months,
        "scheme": scheme,
        "max_months": max_months,
        "retirement_on": retirement_on.isoformat(),
        "retirement_month": month_of(retirement_on),
        "near_retirement_years": int(table["near_retirement_years"]),
    }
    return Computed(
        amount_fen=sum(line["amount_fen"] for line in lines),
        facts={"months": [{"month": x["month"], "premiums_paid_fen": x["premiums_paid_fen"]}
                          for x in lines],
               "graduate": graduate, "small_firm": small_firm,
               "insured_resident_id": insured.value},
        breakdown=lines,
        limits=[limit],
    )


# R-SUB-WORKSHOP: 1000 per poor laborer, ≥ 5 of them, ≥ 6-month contracts, wage ≥ minimum;
# capped per workshop across its claims (the claim is clipped to what remains, see submit()).
def _workshop(
    f: _Facts, on: date, county: str, claimant: Claimant, table: dict[str, Any],
    approved: Approved,
) -> Computed:
    workshop_id = _normalised_name(f.text("workshop_id"))
    named = _workshop_laborers(f, table)
    laborers = len(named) if named is not None else f.whole("poor_laborers")
    contract_months = f.whole("contract_months")
    wage_ok = f.flag("wage_at_least_minimum")
    f.require(laborers >= int(table["min_laborers"]), "poor_laborers",
              f"a workshop absorbs at least {table['min_laborers']} poor laborers, got {laborers}")
    f.require(contract_months >= int(table["contract_months_min"]), "contract_months",
              f"contracts of at least {table['contract_months_min']} months, "
              f"got {contract_months}")
    f.require(wage_ok, "wage_at_least_minimum", "wages must be at least the minimum wage")
    per = int(table["per_laborer_fen"])
    # A named laborer is subsidised once, whichever workshop claims them: the same people
    # claimed again, or by two workshops at once, is refused (R-SUB-WORKSHOP).
    each_once = [
        _count_limit(f"workshop-laborer/{rid}", f"workshop subsidy for laborer {rid}",
                     f"facts.poor_laborers[{i}]")
        for i, rid in enumerate(named or [])
    ]
    return Computed(
        amount_fen=per * laborers,
        facts={"workshop_id": workshop_id, "poor_laborers": named if named else laborers,
               "contract_months": contract_months, "wage_at_least_minimum": wage_ok},
        breakdown=[{"item": f"{laborers} poor laborers × {per}", "amount_fen": per * laborers}],
        limits=[{"key": f"workshop/{county}/{workshop_id}", "kind": "cap",
                 "cap_fen": int(table["cap_fen"]),
                 "what": f"workshop {workshop_id} of {county}", "fact": "facts.workshop_id"},
                *each_once],
    )


def _workshop_laborers(f: _Facts, table: dict[str, Any]) -> list[str] | None:
    """The laborers' resident ids when ``poor_laborers`` lists them, else None (a count)."""
    value = f.raw.get("poor_laborers")
    if not isinstance(value, list):
        f.require(not table.get("laborer_ids_required"), "poor_laborers",
                  "the county pays workshops for laborers named by resident id: "
                  "give poor_laborers as a list of resident ids")
        return None
    entries = [{"resident_id": item} if isinstance(item, str) else item for item in value]
    return _distinct_workers(_Facts({"poor_laborers": entries}, f.rule, f.prefix)
                             .items("poor_laborers"))


# R-SUB-TRAINDAY: min(daily cost, 100 yuan) per day, outside the home township, passed.
def _training_days(
    f: _Facts, on: date, county: str, claimant: Claimant, table: dict[str, Any],
    approved: Approved,
) -> Computed:
    rid = _person(claimant, f.rule)
    days = f.whole("days", minimum=1, maximum=366)
    daily = f.whole("daily_cost_fen")
    outside = f.flag("outside_home_township")
    passed = f.flag("passed")
    # Each course is paid once; a claim naming no course counts as the person's one unnamed
    # training of that year, so the same training filed twice is not paid twice.
    named = f.optional_text("course")
    course = _normalised_name(named) if named else f"unnamed-{on.year}"
    f.require(outside, "outside_home_township",
              "board and travel are paid for training outside the home township only")
    f.require(passed, "passed", "paid once the training is passed")
    limits = [_count_limit(f"training_days/{rid}/{course}",
                           f"training board and travel of {rid} for course {course}",
                           "facts.course")]
    understood: dict[str, Any] = {"days": days, "daily_cost_fen": daily,
                                  "outside_home_township": outside, "passed": passed,
                                  "course": course}
    # With the first day of training named, no day of the person's training is paid twice,
    # whatever the course is called; a county may require it (``period_required``).
    if f.raw.get("trained_from") is not None:
        first = f.day("trained_from")
        last = first + timedelta(days=days - 1)
        f.require(last <= on, "trained_from",
                  f"{days} days from {first} end on {last}, after the claim date {on}")
        understood["trained_from"] = first.isoformat()
        limits.append({"key": f"training_days/{rid}", "kind": "dates", "fact": "facts.trained_from",
                       "what": f"training board and travel of {rid}",
                       "dates": [(first + timedelta(days=i)).isoformat() for i in range(days)]})
    else:
        f.require(not table.get("period_required"), "trained_from",
                  "the county pays board and travel for a stated period: give trained_from, "
                  "the first day of training")
    per_day = min(daily, int(table["daily_cap_fen"]))
    return Computed(
        amount_fen=per_day * days,
        facts=understood,
        breakdown=[{"item": f"{days} days × {per_day}", "amount_fen": per_day * days}],
        limits=limits,
    )


# R-SUB-STARTUP: 3000 once; registered and running ≥ 1 year.
def _startup(
    f: _Facts, on: date, county: str, claimant: Claimant, table: dict[str, Any],
    approved: Approved,
) -> Computed:
    # Once per founder: keyed on the person's resident id, so the same founder cannot claim
    # again as an organisation or under another business name.
    founder = _person(claimant, f.rule)
    registered = f.day("registered_on")
    running = f.flag("running")
    f.require(running, "running", "the business must still be running")
    months = int(table["running_months_min"])
    f.require(add_months(registered, months) <= on, "registered_on",
              f"registered on {registered}: running {months} months is reached on "
              f"{add_months(registered, months)}, after the claim date {on}")
    amount = int(table["amount_fen"])
    return Computed(
        amount_fen=amount,
        facts={"registered_on": registered.isoformat(), "running": running},
        breakdown=[{"item": "start-up subsidy", "amount_fen": amount}],
        limits=[_count_limit(f"startup/{founder}", f"start-up subsidy of {founder}",
                             "claimant.resident_id")],
    )


_CALCULATORS: dict[
    str, Callable[[_Facts, date, str, Claimant, dict[str, Any], Approved], Computed]
] = {
    "transport": _transport,
    "certificate": _certificate,
    "job_training": _job_training,
    "labour_export": _labour_export,
    "absorption": _absorption,
    "social_insurance": _social_insurance,
    "workshop": _workshop,
    "training_days": _training_days,
    "startup": _startup,
}


# ---------------------------------------------------------------------- the aggregate
class SubsidyClaim(LedgerAggregate):
    TOPIC = "postledger:subsidy_claim"

    class Created(LedgerAggregate.Created):
        """Never triggered (a claim begins with ``Submitted``); explicit topics require it."""

        TOPIC = "postledger:subsidy_claim:created"

    class Submitted(Created):
        """Records the claim as computed; the submitter is the event's actor."""

        TOPIC = "postledger:subsidy_claim:submitted"
        claim_type: str
        county: str
        date: datetime.date
        claimant: dict[str, Any]
        facts: dict[str, Any]
        table: dict[str, Any]
        amount_fen: int
        breakdown: list[dict[str, Any]]
        limits: list[dict[str, Any]]

        def mutate(self, aggregate: Any) -> Any:
            result = super().mutate(aggregate)
            if result is not None:
                result.submitted_by = dict(vars(self)["actor"])
            return result

    @staticmethod
    def create_id() -> UUID:
        return uuid4()

    # ------------------------------------------------------------------ submission
    @classmethod
    def submit(
        cls,
        *,
        claim_type: str,
        county: str,
        date: date,
        claimant: dict[str, Any],
        facts: Any,
        table: dict[str, Any],
        limit_for: Callable[[str], ClaimLimit],
    ) -> SubsidyClaim:
        """Compute the claim by ``table`` (the county's, in force on ``date``) and check it
        against what was already approved under its limits (``limit_for(key)``)."""
        problem = place_name_problem(county) if isinstance(county, str) else "must be a name"
        if problem:
            raise refused(None, "county", problem)
        if not FIRST_YEAR <= date.year <= LAST_YEAR:
            raise refused(None, "date", f"must be a date in {FIRST_YEAR}–{LAST_YEAR}, got {date}")
        rule = RULE_BY_TYPE.get(claim_type)
        if rule is None:
            raise refused(None, "type",
                          f"must be one of {', '.join(CLAIM_TYPES)}, got {claim_type!r}")
        who = parse_claimant(claimant, rule)
        computed = calculate(
            claim_type, on=date, county=county, claimant=who, facts=facts, table=table,
            approved=limit_for,
        )
        amount = computed.amount_fen
        not_yet_saved = uuid4()
        for limit in computed.limits:
            held = limit_for(limit["key"])
            if limit["kind"] == "cap":  # R-SUB-WORKSHOP: clipped to what the cap leaves
                remaining = held.remaining_fen(int(limit["cap_fen"]))
                if 0 < remaining < amount:
                    computed.breakdown.append(
                        {"item": f"clipped to the {remaining} fen left of the "
                                 f"{limit['cap_fen']} fen cap",
                         "amount_fen": remaining - amount}
                    )
                    amount = remaining
            # Over a limit already at submission: the claim as stated cannot be granted, a 422
            # naming the fact (at approval the same limit is a 409, LimitReached).
            try:
                held.check(limit=limit, claim_id=not_yet_saved, amount_fen=amount, on=date,
                           rule=rule)
            except LimitReached as exc:
                raise refused(rule, exc.fact or str(limit.get("fact") or "facts"),
                              exc.detail) from None
        return cls(
            claim_type=claim_type,
            county=county,
            date=date,
            claimant=who.as_dict(),
            facts=computed.facts,
            table=table,
            amount_fen=amount,
            breakdown=computed.breakdown,
            limits=computed.limits,
        )

    @event(Submitted)
    def __init__(
        self,
        claim_type: str,
        county: str,
        date: date,
        claimant: dict[str, Any],
        facts: dict[str, Any],
        table: dict[str, Any],
        amount_fen: int,
        breakdown: list[dict[str, Any]],
        limits: list[dict[str, Any]],
    ) -> None:
        self.claim_type = claim_type
        self.county = county
        self.claimant = claimant
        self.facts = facts
        self.table = table
        self.amount_fen = amount_fen
        self.breakdown = breakdown
        self.limits = limits
        self.submitted_on = date
        self.submitted_by: dict[str, str] = {}  # set from the event's actor (Submitted.mutate)
        self.last_date = date
        self.state = ClaimState.SUBMITTED
        self.review: dict[str, Any] | None = None
        self.payment: dict[str, Any] | None = None
        self.clawbacks: list[dict[str, Any]] = []
        self.withdrawn_on: datetime.date | None = None

    # ------------------------------------------------------------------ facts
    @property
    def rule(self) -> str:
        return RULE_BY_TYPE[self.claim_type]

    @property
    def township(self) -> str | None:
        value = self.claimant.get("township")
        return str(value) if value else None

    @property
    def path(self) -> str:
        """Whose jurisdiction the claim lies in: the county, or the claimant's township."""
        return jurisdiction_path(self.county, self.township)

    @property
    def paid_fen(self) -> int:
        return int(self.payment["amount_fen"]) if self.payment else 0

    @property
    def clawed_back_fen(self) -> int:
        return sum(int(c["amount_fen"]) for c in self.clawbacks)

    @property
    def allowed_steps(self) -> list[str]:
        return allowed_steps(self.state)

    # ------------------------------------------------------------------ guards
    def _require(self, trigger: str, day: date) -> None:
        """R-FLOW-1: the step must be allowed now and not dated before the previous one."""
        if next_state(self.state, trigger) is None:
            raise StepNotAllowed(
                f"step {trigger!r} is not allowed while the claim is {self.state.value}",
                rule="R-FLOW-1",
                state=self.state.value,
            )
        if day < self.last_date:
            raise InvalidInput(
                f"date {day} is before the previous step of this claim ({self.last_date}); "
                "steps are recorded in order",
                rule="R-FLOW-1",
            )

    def _advance(self, trigger: str, day: date) -> None:
        dest = next_state(self.state, trigger)
        assert dest is not None, f"recorded step {trigger} from {self.state}"
        self.state = dest
        self.last_date = day

    # ------------------------------------------------------------------ review
    def review_by(
        self,
        *,
        date: date,
        approve: bool,
        reason: str | None,
        reviewer: Actor,
        limits: Sequence[ClaimLimit] = (),
    ) -> None:
        """Approve or reject. Approval records the claim under each of its limits (the
        ``ClaimLimit`` aggregates, to be saved with the claim), refusing when one is reached."""
        self._require("approve" if approve else "reject", date)
        # A claim's reviewer is never its submitter: the same person under another role or
        # jurisdiction is still the same person.
        if reviewer.name == self.submitted_by.get("name"):
            raise Forbidden(
                f"{reviewer.name} ({reviewer.role}, {reviewer.jurisdiction}) submitted this "
                "claim and may not review it",
                rule=self.rule,
            )
        if not approve and not (reason and reason.strip()):
            raise InvalidInput("a rejection states its reason", rule=self.rule)
        if approve:
            by_key = {held.key: held for held in limits}
            missing = [lim["key"] for lim in self.limits if lim["key"] not in by_key]
            assert not missing, f"limits not given: {missing}"
            for limit in self.limits:  # check them all before recording any
                by_key[limit["key"]].check(
                    limit=limit, claim_id=self.id, amount_fen=self.amount_fen, on=date,
                    rule=self.rule,
                )
            for limit in self.limits:
                by_key[limit["key"]].record(
                    date=date, claim_id=self.id, amount_fen=self.amount_fen, limit=limit,
                    rule=self.rule,
                )
        self._reviewed(date=date, approve=approve, reason=reason)

    @event("Reviewed", topic="postledger:subsidy_claim:reviewed")
    def _reviewed(self, date: date, approve: bool, reason: str | None) -> None:
        self.review = {"date": date, "approve": approve, "reason": reason}
        self._advance("approve" if approve else "reject", date)

    def withdraw(self, *, date: date) -> None:
        self._require("withdraw", date)
        self._withdrawn(date=date)

    @event("Withdrawn", topic="postledger:subsidy_claim:withdrawn")
    def _withdrawn(self, date: date) -> None:
        self.withdrawn_on = date
        self._advance("withdraw", date)

    # ------------------------------------------------------------------ payment, clawback
    def pay(self, *, date: date) -> None:
        """Pay the approved amount, once, and only after approval."""
        self._require("pay", date)
        self._paid(date=date, amount_fen=self.amount_fen)

    @event("Paid", topic="postledger:subsidy_claim:paid")
    def _paid(self, date: date, amount_fen: int) -> None:
        self.payment = {"date": date, "amount_fen": amount_fen}
        self._advance("pay", date)

    def claw_back(self, *, date: date, amount_fen: int, reason: str) -> None:
        """Recover money paid on false grounds; never more than was paid, less what has been
        recovered already."""
        outstanding = self.paid_fen - self.clawed_back_fen
        trigger = "claw_back_rest" if amount_fen == outstanding else "claw_back_part"
        self._require(trigger, date)
        if not reason or not reason.strip():
            raise refused(self.rule, "reason", "a clawback states its reason")
        if isinstance(amount_fen, bool) or amount_fen < 1:
            raise refused(self.rule, "amount_fen", "must be at least 1 fen")
        if amount_fen > outstanding:
            raise refused(
                self.rule, "amount_fen",
                f"{amount_fen} fen is more than remains to recover: paid {self.paid_fen}, "
                f"recovered {self.clawed_back_fen}, outstanding {outstanding}",
            )
        self._clawed_back(date=date, amount_fen=amount_fen, reason=reason.strip())

    @event("ClawedBack", topic="postledger:subsidy_claim:clawed_back")
    def _clawed_back(self, date: date, amount_fen: int, reason: str) -> None:
        outstanding = self.paid_fen - self.clawed_back_fen
        trigger = "claw_back_rest" if amount_fen == outstanding else "claw_back_part"
        self.clawbacks.append({"date": date, "amount_fen": amount_fen, "reason": reason})
        self._advance(trigger, date)
