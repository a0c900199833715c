"""The outermost layer of every request (API.md v1.1 "Input, for every endpoint").

- A body over 1 MiB (an upload, ``multipart/form-data``, over 20 MiB) is a 413 **before**
  authentication and before it is read: a declared ``Content-Length`` over the limit is refused
  without reading a byte, and a chunked body is counted as it streams in and refused the moment
  it passes the limit.
- JSON nested deeper than 32 levels is a 422 before anything parses it.
- An error that escapes the application is a 500 problem+json with no stack trace, and its log
  line holds no trace and no full resident id or phone number.

A pure ASGI middleware, so that nothing else buffers the body first.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.datastructures import Headers

from postledger.api.problems import invalid, problem
from postledger.domain.values import mask_personal

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

BODY_MAX = 1 << 20
UPLOAD_MAX = 20 << 20
JSON_DEPTH_MAX = 32

log = logging.getLogger("postledger")

_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth(body: bytes) -> int:
    """How deeply ``body``'s arrays and objects nest (strings, which may hold brackets,
    are skipped)."""
    depth = deepest = 0
    for bracket in _BRACKET.finditer(_JSON_STRING.sub(b'""', body)):
        if bracket[0] in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class InputGuard:
    def __init__(self, app: ASGIApp, body_max: int = BODY_MAX, upload_max: int = UPLOAD_MAX,
                 depth_max: int = JSON_DEPTH_MAX) -> None:
        self.app = app
        self.body_max = body_max
        self.upload_max = upload_max
        self.depth_max = depth_max

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        content_type = headers.get("content-type", "")
        limit = self.upload_max if content_type.startswith("multipart/") else self.body_max
        declared = headers.get("content-length")
        if declared is not None and not (declared.isascii() and declared.isdigit()):
            await problem(400, "Bad Request", "Content-Length must be a number of bytes",
                          rule=None, slug="bad-request")(scope, receive, send)
            return
        if declared is not None and int(declared) > limit:
            await self._too_large(limit, scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._too_large(limit, scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if "json" in content_type and json_depth(body) > self.depth_max:
            await invalid([{"field": "", "rule": None, "problem": (
                f"JSON nested deeper than {self.depth_max} levels")}])(scope, receive, send)
            return
        await self._run(scope, _replay(body, receive), send)

    async def _too_large(self, limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        await problem(413, "Content Too Large", f"the request body is over {limit} bytes",
                      rule=None, slug="content-too-large")(scope, receive, send)

    async def _run(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:  # a bug: answered without a trace, logged on one line
            incident = uuid.uuid4().hex[:12]
            log.error("unhandled %s on %s %s (incident %s)", type(exc).__name__,
                      scope.get("method"), mask_personal(str(scope.get("path"))), incident)
            if not started:
                await problem(500, "Internal Server Error",
                              f"an internal error occurred (incident {incident})",
                              rule=None, slug="internal-error")(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the body already read, then waits on the client as usual."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class MaskPersonal(logging.Filter):
    """Masks resident ids and phone numbers in every log record it sees (access logs hold
    query strings such as ``?person=…``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Mask each argument in place: formatters such as uvicorn's access log unpack
        # ``record.args`` and fail (writing a traceback per request) when it is emptied.
        if isinstance(record.msg, str):
            record.msg = mask_personal(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                mask_personal(a) if isinstance(a, str) else a for a in record.args
            )
        return True


def mask_logs(*names: str) -> None:
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskPersonal) for f in logger.filters):
            logger.addFilter(MaskPersonal())
