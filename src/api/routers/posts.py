from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, status

from postledger.api.deps import SIGNED_IN_ONLY, CurrentActor, Ledger, ReadModels, taking
from postledger.api.problems import PROBLEM_RESPONSES
from postledger.api.schemas import NoticeCreate, PostCreate, PostPublic
from postledger.domain.values import Code, PlaceSegment

router = APIRouter(prefix="/posts", tags=["posts"], responses=PROBLEM_RESPONSES,
                   dependencies=[SIGNED_IN_ONLY])


@router.post("", dependencies=[taking("create_post")], status_code=status.HTTP_201_CREATED)
def create_post(body: PostCreate, actor: CurrentActor, ledger: Ledger) -> PostPublic:
    return PostPublic.of(ledger.create_post(**body.model_dump()))


@router.post("/{post_id}/notice", dependencies=[taking("publish_notice")])
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
    county: PlaceSegment | None = None,
    township: PlaceSegment | None = None,
    kind: Code | None = None,
) -> list[dict[str, object]]:
    read_model.catch_up(ledger)
    rows: list[dict[str, object]] = read_model.list_posts(
        within=actor.jurisdiction, county=county, township=township, kind=kind
    )
    return rows
