from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, status

from postledger.api.deps import CurrentActor, Ledger, ReadModels
from postledger.api.schemas import NoticeCreate, PostCreate, PostPublic

router = APIRouter(prefix="/posts", tags=["posts"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_post(body: PostCreate, actor: CurrentActor, ledger: Ledger) -> PostPublic:
    return PostPublic.of(ledger.create_post(**body.model_dump()))


@router.post("/{post_id}/notice")
def publish_notice(
    post_id: UUID, body: NoticeCreate, actor: CurrentActor, ledger: Ledger
) -> PostPublic:
    return PostPublic.of(ledger.publish_notice(post_id, **body.model_dump()))


@router.get("/{post_id}")
def get_post(post_id: UUID, actor: CurrentActor, ledger: Ledger) -> PostPublic:
    return PostPublic.of(ledger.get_post(post_id))


@router.get("")
def list_posts(
    actor: CurrentActor,
    ledger: Ledger,
    read_model: ReadModels,
    county: str | None = None,
    township: str | None = None,
    kind: str | None = None,
) -> list[dict[str, object]]:
    read_model.catch_up(ledger)
    rows: list[dict[str, object]] = read_model.list_posts(
        within=actor.jurisdiction, county=county, township=township, kind=kind
    )
    return rows
