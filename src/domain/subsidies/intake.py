"""R-SUB-ABSORB: what an employer's intake of one year earns, worker by worker.

Huize (``004``): "当年新吸纳建档立卡贫困劳动力10人以内…2000元/人；当年新吸纳建档立卡搬迁群众10人
以上…3000元/人". A mixed intake is not addressed; RULES.md §6 assumes: only relocated workers
count toward the higher tier and get its amount (exactly 10 reach it); the others get the
ordinary amount, at most ``max_workers`` of them. Zhijin (``000``): one amount, any number.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class IntakePricing(BaseModel):
    """The part of an absorption table that prices a year's intake."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    per_worker_fen: int
    max_workers: int | None
    relocated_per_worker_fen: int | None
    relocated_min_workers: int | None


class IntakeRefused(Exception):
    """The year's intake fits no amount of the table (too many ordinary workers); ``zh`` says
    the same in Chinese."""

    def __init__(self, message: str, *, zh: str) -> None:
        super().__init__(message)
        self.zh = zh


def price_intake(workers: list[dict[str, object]], pricing: IntakePricing) -> dict[str, int]:
    """Fen per resident id for the year's ``workers`` (``{resident_id, relocated}``)."""
    relocated = [str(w["resident_id"]) for w in workers if w["relocated"]]
    higher = (
        pricing.relocated_per_worker_fen is not None
        and pricing.relocated_min_workers is not None
        and len(relocated) >= pricing.relocated_min_workers
    )
    ordinary = [str(w["resident_id"]) for w in workers
                if not (higher and w["relocated"])]
    if pricing.max_workers is not None and len(ordinary) > pricing.max_workers:
        raise IntakeRefused(
            f"{len(ordinary)} workers at the ordinary amount; at most {pricing.max_workers} "
            f"a year ({len(relocated)} relocated, the higher amount needs "
            f"{pricing.relocated_min_workers} of them)",
            zh=f"按普通标准计的劳动力 {len(ordinary)} 人；每年至多 {pricing.max_workers} 人"
               f"（搬迁群众 {len(relocated)} 人，" + (
                   f"较高标准须有 {pricing.relocated_min_workers} 人）"
                   if pricing.relocated_min_workers is not None else "本县没有较高标准）"),
        )
    prices = {rid: pricing.per_worker_fen for rid in ordinary}
    if higher:
        assert pricing.relocated_per_worker_fen is not None
        prices.update({rid: pricing.relocated_per_worker_fen for rid in relocated})
    return prices
