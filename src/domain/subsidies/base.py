"""What every claim type shares: the claimant, typed facts read at the edge, the result of a
calculation and the limits it falls under (RULES.md §6).

A claim type's facts are a pydantic model (its module); ``read_facts`` turns the JSON a clerk
sent into that model or refuses it with an ``InvalidInput`` naming the type's rule and the path
of the fact at fault (``facts.workers[1].resident_id``). A calculation then checks the
conditions that depend on the county's table and on other facts with ``Refuse.unless``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from postledger.domain import values
from postledger.domain.errors import InvalidInput
from postledger.domain.labels import alias_of, label_of
from postledger.domain.post import place_name_problem
from postledger.domain.subsidies.limits import Limit

# Claim dates lie in the years the value types accept (src/domain/values.py).
FIRST_YEAR, LAST_YEAR = values.FIRST_YEAR, values.LAST_YEAR

# Enumerations accept their Chinese labels (src/domain/labels.py): 已脱贫, 省外 …
Category = Annotated[Literal["lifted", "not_lifted", "edge"],  # R-ELIG-3
                     BeforeValidator(alias_of("category"))]
REGISTERED_POOR: tuple[Category, ...] = ("lifted", "not_lifted")  # 建档立卡 (§6, assumed)
Destination = Annotated[Literal["other_province", "other_county", "in_county"],
                        BeforeValidator(alias_of("destination"))]

# Fact types are the service's one reading of each kind of value (src/domain/values.py).
Day = values.BusinessDate
Month = values.Month
ResidentIdText = values.ResidentIdText
Text = values.Label
Fen = values.Money
PositiveFen = Annotated[values.Money, Field(ge=1)]
Months = values.Count
Count = values.Count
Flag = values.Flag


class Facts(BaseModel):
    """The facts of one claim type; unknown facts are refused, so a misspelt one is noticed."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Table(BaseModel):
    """A county's table for one claim type; complete, checked when the policy is PUT."""

    model_config = ConfigDict(extra="forbid", frozen=True)


F = TypeVar("F", bound=BaseModel)
UNION_TAG = "_as_"  # prefix of the tags of a union's members (``Tag("_as_count")``)


def field_path(prefix: str, loc: tuple[int | str, ...]) -> str:
    """``("workers", 1, "resident_id")`` → ``facts.workers[1].resident_id``."""
    path = prefix
    for part in loc:
        if isinstance(part, str) and part.startswith(UNION_TAG):
            continue  # which member of a union was tried: not part of the fact's path
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def read_model(model: type[F], raw: Any, *, rule: str | None, prefix: str) -> F:
    """``raw`` as ``model``, or a 422 naming the rule and the first field at fault."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        fact = field_path(prefix, tuple(first["loc"]))
        message = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "missing":
            message = "is required"
        # R-INPUT-1 (a digit of another script) is named as such, whatever the claim type.
        decided = (first.get("ctx") or {}).get("rule")
        raise refused(decided if decided == "R-INPUT-1" else rule, fact, message,
                      zh=values.problem_zh(first)) from None


def refused(rule: str | None, fact: str, message: str, *, zh: str | None) -> InvalidInput:
    """A 422 naming the rule broken and the fact that failed (``exc.fact``); ``zh`` is the
    same problem in Chinese, without the fact (the 422 puts the fact before it), or None where
    there is no Chinese wording for it."""
    return InvalidInput(f"{fact}: {message}", rule=rule, fact=fact, zh=zh)


def category_zh(category: str | None) -> str:
    """A category by its Chinese label (R-ELIG-3); "未填写" when none is given."""
    if category is None:
        return "未填写"
    return label_of("category", category) or category


def months_zh(months: int | None) -> str:
    """A number of months in Chinese; "未填写" when none is given."""
    return "未填写" if months is None else f"{months} 个月"


# A county, township or village name a claim gives, in Chinese (post.py ``place_name_problem``).
PLACE_ZH = ("须为区划代码或由 [a-z0-9_-] 组成、以字母或数字开头的名称，不含“/”，"
            f"至多 {values.PLACE_MAX} 个字符")


@dataclass(frozen=True)
class Refuse:
    """Refusals of one claim under its type's rule, at a path of its facts."""

    rule: str
    prefix: str = "facts."

    def unless(self, condition: bool, name: str, message: str, *, zh: str) -> None:
        """Refuse ``name`` with ``message`` (``zh`` in Chinese) unless ``condition``."""
        if not condition:
            raise refused(self.rule, f"{self.prefix}{name}", message, zh=zh)


# ---------------------------------------------------------------------- the claimant
class ClaimantIn(BaseModel):
    """API.md v1.1: ``{name, resident_id, category, household_id?}`` for a person; an
    organisation names itself and its unified social credit code."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["person", "organisation"] | None = None
    name: values.Name
    resident_id: ResidentIdText | None = None
    category: Category | None = None
    household_id: values.Label | None = None
    township: values.PlaceSegment | None = None
    village: values.PlaceSegment | None = None
    credit_code: values.Label | None = None


@dataclass(frozen=True)
class Claimant:
    kind: str
    name: str
    resident_id: str | None
    category: str | None
    household_id: str | None
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
    given = read_model(ClaimantIn, raw, rule=rule, prefix="claimant")
    refuse = Refuse(rule, "claimant.")
    kind = given.kind or ("person" if given.resident_id else "organisation")
    refuse.unless(kind != "person" or given.resident_id is not None, "resident_id",
                  "a person claims with their resident id", zh="个人申请须填写本人身份证号")
    for name, value in (("township", given.township), ("village", given.village)):
        problem = place_name_problem(value) if value is not None else None
        refuse.unless(problem is None, name, problem or "", zh=PLACE_ZH)
    refuse.unless(given.village is None or given.township is not None, "township",
                  "a claimant who names a village names its township too",
                  zh="写明村的申请人须同时写明所在乡镇")
    return Claimant(
        kind=kind, name=given.name, resident_id=given.resident_id, category=given.category,
        household_id=given.household_id, township=given.township, village=given.village,
        credit_code=given.credit_code,
    )


def person(claimant: Claimant, rule: str) -> str:
    """The resident id of a subsidy claimed by the person."""
    if claimant.resident_id is None:
        raise refused(rule, "claimant.resident_id", "this subsidy is claimed by the person",
                      zh="此项补贴由本人申请，须填写本人身份证号")
    return claimant.resident_id


def eligible(category: str | None, allowed: Sequence[str], rule: str,
             fact: str) -> None:
    """RULES.md §6: the person the subsidy is for belongs to a category the table admits."""
    if category not in allowed:
        raise refused(
            rule, fact,
            f"only {', '.join(allowed)} laborers qualify (建档立卡 = lifted or not_lifted; edge "
            f"only where the county's table names 边缘户), got {category!r}",
            zh=f"只有“{'、'.join(category_zh(c) for c in allowed)}”的劳动力可以享受（建档立卡即"
               f"已脱贫或未脱贫；边缘户仅在本县补贴表列明时可以），此人为“{category_zh(category)}”",
        )


class Worker(Facts):
    """A worker a firm or organiser claims for: who, their category, months of stable work."""

    resident_id: ResidentIdText
    category: Category
    months_stable: Months


W = TypeVar("W", bound=Worker)


def checked_workers(workers: Sequence[W], *, rule: str, categories: Sequence[str],
                    months_stable_min: int) -> Iterator[tuple[Refuse, W]]:
    """Each worker listed once, of a category the table admits, stable long enough; with the
    refusals at its path (``facts.workers[i].``) for the type's own checks."""
    distinct([w.resident_id for w in workers], Refuse(rule), "workers")
    for i, w in enumerate(workers):
        at = Refuse(rule, f"facts.workers[{i}].")
        eligible(w.category, categories, rule, f"facts.workers[{i}].category")
        at.unless(w.months_stable >= months_stable_min, "months_stable",
                  f"{w.resident_id}: at least {months_stable_min} months of stable work, "
                  f"got {w.months_stable}",
                  zh=f"{w.resident_id}：稳定就业须满 {months_stable_min} 个月，实为 "
                     f"{w.months_stable} 个月")
        yield at, w


def normalised_name(value: str) -> str:
    """One name however it is spaced or cased: "WS-1", "ws-1" and " ws- 1" are one."""
    return "".join(value.split()).upper()


def distinct(ids: list[str], refuse: Refuse, listing: str) -> None:
    for index, rid in enumerate(ids):
        refuse.unless(rid not in ids[:index], f"{listing}[{index}].resident_id",
                      f"{rid} is listed twice", zh=f"{rid} 重复列出")


# ---------------------------------------------------------------------- the calculation
@dataclass(frozen=True)
class Retirement:
    """The statutory retirement ages in force (R-EXIT-2 parameters, read by R-SUB-SOCIAL)."""

    male: int
    female: int


@dataclass(frozen=True)
class Context:
    """What a calculation may read besides its facts and table: the claim's date and county,
    the claimant, the retirement ages, and what was already approved under a limit key."""

    on: date
    county: str
    claimant: Claimant
    retirement: Retirement
    approved_workers: Callable[[str], list[dict[str, Any]]]  # R-SUB-ABSORB, by limit key


@dataclass
class Computed:
    amount_fen: int
    facts: dict[str, Any]
    breakdown: list[dict[str, Any]] = field(default_factory=list)
    limits: list[Limit] = field(default_factory=list)


@dataclass(frozen=True)
class ClaimType:
    """One claim type: its rule, its county table, its facts and its calculation. Each type's
    module declares one; ``registry.py`` names them all."""

    name: str
    rule: str
    title_zh: str
    title_en: str
    table: type[Table]
    facts: type[Facts]
    calculate: Callable[[Any, Any, Context], Computed]
