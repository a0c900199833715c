"""The web pages (API.md "Pages"): server-rendered, Chinese by default, every asset served by
the service itself — the API docs included — so that a county can run with no internet."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

STATIC = Path(__file__).resolve().parent.parent / "static"
SWAGGER = "/static/vendor/swagger-ui-5.35.0"


def install(app: FastAPI) -> None:
    """Mount the pages, their static files, the session cookie and the offline API docs.
    ``POSTLEDGER_SESSION_KEY`` signs the cookie; without it each start signs with a fresh key
    (everyone signs in again after a restart)."""
    from postledger.api.pages import (
        audit,
        claims,
        inspect,
        placements,
        policy,
        posts,
        queue,
        registers,
        signin,
    )

    key = os.environ.get("POSTLEDGER_SESSION_KEY") or secrets.token_hex(32)
    app.add_middleware(SessionMiddleware, secret_key=key, session_cookie="postledger_session",
                       same_site="lax", max_age=12 * 3600)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (signin, queue, posts, placements, claims, policy, inspect, audit,
                   registers):
        app.include_router(module.router)

    async def docs(_: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title="postledger API",
            swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER}/swagger-ui.css",
            swagger_favicon_url=f"{SWAGGER}/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},
        )

    app.add_route("/docs", docs, include_in_schema=False)
