"""The front page and sign-in. Demo mode: pick a role and a jurisdiction (a development token
is made for the session). Production mode: paste a token, verified exactly as an API bearer
token is (``deps.actor_of``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from postledger.api.auth import Unauthenticated
from postledger.api.deps import Services, actor_of
from postledger.api.pages.web import PageRoute, csrf_token, render, session_actor
from postledger.domain.actor import Actor

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _jurisdictions(services: Services) -> list[str]:
    """The county, township and village paths that have posts, for the demo sign-in."""
    services.read_model.catch_up(services.ledger)
    paths: set[str] = set()
    for row in services.read_model.list_posts(within=""):
        parts = [row["county"], row["township"], row["village"]]
        for n in (1, 2, 3):
            if parts[n - 1]:
                paths.add("/".join(str(p) for p in parts[:n]))
    return sorted(paths, key=lambda p: (p.count("/"), p))


def home_of(actor: Actor) -> str:
    return "/web/inspect" if actor.role == "inspector" else "/web/queue"


@router.get("/", response_class=HTMLResponse)
def front(request: Request) -> Response:
    actor = session_actor(request)
    return render(request, "pages/front.html", home=home_of(actor) if actor else None)


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, next: str = "") -> Response:
    services: Services = request.app.state.services
    demo = services.settings.mode == "demo"
    return render(request, "pages/signin.html", demo=demo, next=next, error=None,
                  jurisdictions=_jurisdictions(services) if demo else [])


@router.post("/signin", response_class=HTMLResponse)
def signin(
    request: Request,
    csrf: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    jurisdiction: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    services: Services = request.app.state.services
    demo = services.settings.mode == "demo"
    if csrf != csrf_token(request):
        error = "表单已过期，请重新登录 / the form is out of date, sign in again"
    else:
        candidate = f"dev:{role}:{jurisdiction}:{name}" if demo and not token else token.strip()
        try:
            actor = actor_of(f"Bearer {candidate}", services)
        except Unauthenticated as exc:
            error = exc.detail
        else:
            request.session["token"] = candidate
            target = next if next.startswith("/") and not next.startswith("//") else home_of(actor)
            return RedirectResponse(target, status_code=303)
    return render(request, "pages/signin.html", status_code=401, demo=demo, next=next,
                  error=error, jurisdictions=_jurisdictions(services) if demo else [])


@router.post("/signout")
def signout(request: Request) -> Response:
    request.session.pop("token", None)
    return RedirectResponse("/", status_code=303)
