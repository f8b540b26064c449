"""The web archive: a read-only FastAPI app with Jinja2 pages and a JSON API under ``/api/``.

Security: every string from the archive is escaped by Jinja2's autoescape (snippets are built
from escaped segments), no stored HTML is ever rendered, links are http(s) only, a strict
Content-Security-Policy allows no script at all, and any request other than GET/HEAD/OPTIONS is
refused unless ``WebOptions.token`` (``BANTIN_WEB_TOKEN``) is set and sent as ``Authorization: Bearer <token>`` (the
app has no state-changing route today; the gate keeps it that way for anything added later).

Every response carries the security headers, errors and unexpected failures included (the
``Guard`` middleware sits outside everything but Starlette's last-resort handler, and answers a
failure itself). HEAD is answered as GET without a body; OPTIONS with ``Allow``.
"""

from __future__ import annotations

import hmac
from http import HTTPStatus
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bantin.archive.engine import Database
from bantin.errors import BadQuery, BantinError
from bantin.resources import shipped
from bantin.web.deps import BadDate, WebOptions, filters_from, say_error, words
from bantin.web.templating import template_globals
from bantin.web.watch import ArchiveWatch

__all__ = ["CSP", "SECURITY_HEADERS", "WebOptions", "create_app", "filters_from"]

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
_ALLOW = "GET, HEAD, OPTIONS"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(options: WebOptions, db: Database) -> FastAPI:
    """The app over the open archive ``db`` (the caller closes it)."""
    from bantin.web.api import router as api_router
    from bantin.web.entities import router as entities_router
    from bantin.web.feeds import router as feeds_router
    from bantin.web.pages import router as pages_router

    app = FastAPI(title="bantin archive", version="1", docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json")
    app.state.db = db
    app.state.watch = ArchiveWatch.of(db)
    app.state.options = options
    app.state.cache = {}
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(shipped("bantin", "templates", "web"))), autoescape=True)
    env.globals.update(template_globals(options.timezone))
    app.state.templates = Jinja2Templates(env=env)

    @app.exception_handler(BantinError)
    async def bantin_error(request: Request, exc: BantinError) -> Response:
        if isinstance(exc, BadQuery):
            text = str(exc) if isinstance(exc, BadDate) else say_error(str(exc))
            return error_response(request, 400, text, detail=str(exc))
        return error_response(request, 503, words().message("unavailable"), detail=str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path"))
        return error_response(request, 400, words().message("bad_value", name=where or "?"),
                              detail=f"invalid {where or 'request'}: {first.get('msg', 'bad value')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = str(exc.detail)
        if detail == HTTPStatus(exc.status_code).phrase:  # Starlette's own (English) text
            detail = words().message({404: "not_found", 405: "method"}.get(exc.status_code, "bad_request"))
        return error_response(request, exc.status_code, detail, headers=exc.headers)

    app.include_router(api_router)
    app.include_router(feeds_router)
    app.include_router(entities_router)
    app.include_router(pages_router)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    app.add_middleware(Guard, options=options)
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The schema without FastAPI's generic 422 (this app answers bad input with 400)."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, routes=app.routes,
                             description="The bantin archive, read-only. Times are ISO 8601 with the readers' offset.")
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                operation.get("responses", {}).pop("422", None)
        for name in ("HTTPValidationError", "ValidationError"):
            schema.get("components", {}).get("schemas", {}).pop(name, None)
        app.openapi_schema = schema
    return app.openapi_schema


class Guard:
    """Security headers on every response; HEAD and OPTIONS; the read-only gate; failures as 500 pages."""

    def __init__(self, app: ASGIApp, options: WebOptions) -> None:
        self.app = app
        self.options = options

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        started = False

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
            elif message["type"] == "http.response.body" and head and message.get("body"):
                message = {**message, "body": b""}
            await send(message)

        app = scope.get("app")
        if app is not None and getattr(app.state, "watch", None) is not None:
            db, reopened = app.state.watch.current()
            if reopened:
                app.state.db, app.state.cache = db, {}
        request = Request(scope, receive)
        if scope["method"] == "OPTIONS":
            await self._options(scope, request)(scope, receive, send_secured)
            return
        if scope["method"] not in _SAFE_METHODS and not _token_ok(request, self.options):
            await error_response(request, 403, words().message("read_only"))(scope, receive, send_secured)
            return
        inner = {**scope, "method": "GET"} if head else scope
        try:
            await self.app(inner, receive, send_secured)
        except Exception:
            if started:
                raise
            await error_response(request, 500, words().message("internal"))(scope, receive, send_secured)

    def _options(self, scope: Scope, request: Request) -> Response:
        app = scope.get("app")
        routes = getattr(getattr(app, "router", None), "routes", ())
        if any(route.matches({**scope, "method": "GET"})[0] == Match.FULL for route in routes):
            return Response(status_code=204, headers={"Allow": _ALLOW})
        return error_response(request, 404, words().message("not_found"))


def _token_ok(request: Request, options: WebOptions) -> bool:
    token = options.token or ""
    sent = request.headers.get("authorization", "")
    return bool(token) and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


def error_response(request: Request, status: int, message: str, *, detail: str | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    """The error page (or ``{"error": …, "detail": …}`` under /api/), in Vietnamese."""
    if _wants_json(request):
        body: dict[str, Any] = {"error": message}
        if detail is not None:
            body["detail"] = detail
        return JSONResponse(body, status_code=status, headers=headers)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, "error.html", {"status": status, "message": message},
                                      status_code=status, headers=headers)
