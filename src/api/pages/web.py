"""What every page shares: templates, the language, the signed-in actor from the session
cookie, the CSRF check and the page that shows a refusal in words with the rule it cites."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from postledger.api.auth import Unauthenticated
from postledger.api.demo.places import place_names
from postledger.api.deps import Services, actor_of
from postledger.api.pages import vocabulary as vocab
from postledger.api.problems import STATUS_BY_ERROR
from postledger.domain.actor import Actor, current_actor
from postledger.domain.errors import Forbidden, PostLedgerError

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
LANGS = ("zh", "en")


def language(request: Request) -> str:
    """``?lang=`` (remembered in the session), else the session's, else Accept-Language;
    Chinese by default."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        request.session["lang"] = asked
        return asked
    kept = request.session.get("lang")
    if kept in LANGS:
        return str(kept)
    accept = request.headers.get("accept-language", "").lower()
    first = accept.split(",")[0].strip()
    return "en" if first.startswith("en") else "zh"


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return token


class SignInRequired(Exception):
    """No signed-in session: the page sends the browser to the sign-in page."""


def session_actor(request: Request) -> Actor | None:
    token = request.session.get("token")
    if not isinstance(token, str):
        return None
    services: Services = request.app.state.services
    try:
        return actor_of(f"Bearer {token}", services)
    except Unauthenticated:
        request.session.pop("token", None)
        return None


def roles(*allowed: str) -> Callable[[Request], Coroutine[Any, Any, Actor]]:
    """The signed-in actor, refused unless its role is one of ``allowed`` (fail closed).
    Async so that the actor it sets is the one the sync endpoint's events carry."""

    async def signed_in(request: Request) -> Actor:
        actor = session_actor(request)
        if actor is None:
            raise SignInRequired
        if request.method == "POST":
            form = await request.form()
            sent = request.headers.get("x-csrf-token") or form.get("csrf")
            if not sent or sent != request.session.get("csrf"):
                raise Forbidden("the form is out of date (CSRF check); open the page again")
        if actor.role not in allowed:
            raise Forbidden(f"role {actor.role} may not use this page")
        current_actor.set(actor)
        return actor

    signed_in.roles = frozenset(allowed)  # type: ignore[attr-defined]  # as deps.require_roles
    return signed_in


ANY_ROLE = ("clerk", "village", "township", "county", "inspector", "admin")
SignedIn = Annotated[Actor, Depends(roles(*ANY_ROLE))]
Acting = Annotated[Actor, Depends(roles("clerk", "village", "township", "county", "admin"))]
Inspecting = Annotated[Actor, Depends(roles("inspector", "county", "admin"))]
Administering = Annotated[Actor, Depends(roles("admin"))]


def today_of(request: Request) -> date:
    """Today from the service's one injected clock (Asia/Shanghai)."""
    services: Services = request.app.state.services
    return services.ledger.clock.today()


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = language(request)
    names = place_names(lang)

    def say(zh: str, en: str) -> str:
        return zh if lang == "zh" else en

    def place(path: str | None) -> str:
        return " / ".join(names.get(p, p) for p in (path or "").split("/") if p)

    def named(table: str, code: str | None) -> str:
        return vocab.name(table, code, lang)

    def yuan(fen: int | None) -> str:
        return "" if fen is None else f"{fen / 100:,.2f}"

    base = {
        "request": request, "lang": lang, "_": say, "place": place, "named": named,
        "yuan": yuan, "actor": session_actor(request), "csrf": csrf_token(request),
        "today": today_of(request).isoformat(), "other_lang": "en" if lang == "zh" else "zh",
        "path_with_lang": lambda other: f"{request.url.path}?lang={other}",
    }
    return TEMPLATES.TemplateResponse(request, template, {**base, **context},
                                      status_code=status_code)


def refusal(request: Request, exc: PostLedgerError) -> HTMLResponse:
    """A refused command or page, in words, naming the rule; the status is the API's own."""
    status = STATUS_BY_ERROR[type(exc)]
    lang = language(request)
    template = "pages/_refusal.html" if request.headers.get("hx-request") else "pages/refusal.html"
    response = render(request, template, status_code=status, status=status, rule=exc.rule,
                      rule_name=vocab.name("RULES", exc.rule, lang) if exc.rule else None,
                      detail=exc.detail, fact=getattr(exc, "fact", None))
    outcome = request.headers.get("x-outcome")
    if outcome:  # a form in a list shows its refusal beside itself, the form kept
        response.headers["HX-Retarget"] = outcome
        response.headers["HX-Reswap"] = "innerHTML"
    return response


class PageRoute(APIRoute):
    """A page answers HTML: a refusal is rendered (never a JSON problem), and a browser that
    is not signed in is sent to the sign-in page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                target = f"/signin?next={quote(request.url.path)}"
                if request.headers.get("hx-request"):
                    return Response(status_code=401, headers={"HX-Redirect": target})
                return Response(status_code=303, headers={"Location": target})
            except PostLedgerError as exc:
                if type(exc) not in STATUS_BY_ERROR:
                    raise
                return refusal(request, exc)

        return page_handler
