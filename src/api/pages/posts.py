"""Posts: the county creates a post and publishes its recruitment notice (R-POST-1, R-POST-3);
everyone lists the posts of their jurisdiction with their seats."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from postledger.api.deps import Services
from postledger.api.pages.forms import PageForm
from postledger.api.pages.placements import done
from postledger.api.pages.queue import may
from postledger.api.pages.web import Acting, PageRoute, SignedIn, render
from postledger.domain.labels import LABELS

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/web/posts", response_class=HTMLResponse)
def post_list(request: Request, actor: SignedIn) -> Response:
    services: Services = request.app.state.services
    services.read_model.catch_up(services.ledger)
    rows = services.read_model.list_posts(within=actor.jurisdiction)
    places = sorted({(r["township"], r["village"] or "") for r in rows})
    return render(request, "pages/posts.html", rows=rows, kinds=list(LABELS["post_kind"]),
                  places=places,
                  may_create=may(actor, "create_post"))


@router.post("/web/posts", response_class=HTMLResponse)
def create_post(request: Request, actor: Acting, form: PageForm) -> Response:
    services: Services = request.app.state.services
    township, _, village = form.text("place").partition("/")
    post = services.ledger.create_post(
        county=actor.jurisdiction.split("/")[0], township=township, village=village or None,
        department=form.text("department"), kind=form.choice("kind", list(LABELS["post_kind"])),
        title=form.text("title"), headcount=form.whole("headcount"),
        monthly_subsidy_fen=form.optional_fen("monthly_subsidy"), full_time=form.flag("full_time"))
    return done(request, form, "/web/posts", "create_post", "created", post.id)


@router.post("/web/posts/{post_id}/notice", response_class=HTMLResponse)
def publish_notice(request: Request, post_id: UUID, actor: Acting, form: PageForm) -> Response:
    services: Services = request.app.state.services
    services.ledger.publish_notice(post_id, date=form.day("date"), closes_on=form.day("closes_on"),
                                   conditions=form.text("conditions"), duties=form.text("duties"))
    return done(request, form, "/web/posts", "notice", "published", post_id)
