"""The web archive: a read-only FastAPI app with Jinja2 pages and a JSON API under ``/api/``.

Security: every string from the archive is escaped by Jinja2's autoescape (snippets are built
from escaped segments), no stored HTML is ever rendered, links are http(s) only, a strict
Content-Security-Policy allows no script at all, and any request other than GET/HEAD/OPTIONS is
refused unless ``WebOptions.token`` (``BANTIN_WEB_TOKEN``) is set and sent as ``Authorization: Bearer <token>`` (the
app has no state-changing route today; the gate keeps it that way for anything added later).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from bantin.archive.engine import Database
from bantin.archive.search import SearchFilters, parse_day
from bantin.errors import BadQuery, BantinError
from bantin.resources import shipped

__all__ = ["CSP", "WebOptions", "create_app", "filters_from"]

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def filters_from(params: dict[str, Any], timezone: str) -> SearchFilters:
    """SearchFilters from query parameters (strings); raise ``BadQuery`` for anything invalid."""
    def number(name: str, kind: type, default: Any) -> Any:
        value = params.get(name)
        if value in (None, ""):
            return default
        try:
            return kind(value)
        except (TypeError, ValueError) as exc:
            raise BadQuery(f"{name} must be a number") from exc

    def names(name: str) -> tuple[str, ...]:
        value = params.get(name) or ()
        return tuple(v.strip() for v in ([value] if isinstance(value, str) else value) if v and v.strip())

    since, until = params.get("since"), params.get("until")
    return SearchFilters(
        sources=names("source"), topics=names("topic"), entities=names("entity"),
        since=parse_day(since, timezone=timezone) if since else None,
        until=parse_day(until, timezone=timezone, end=True) if until else None,
        min_relevance=number("min_relevance", float, None), page=number("page", int, 1),
        per_page=number("per_page", int, 20),
    )


@dataclass(frozen=True)
class WebOptions:
    """What the web archive needs: the readers' time zone, and the token that allows changes (None: read-only)."""

    timezone: str = "Asia/Ho_Chi_Minh"
    token: str | None = None


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(options: WebOptions, db: Database) -> FastAPI:
    """The app over the open archive ``db`` (the caller closes it)."""
    from bantin.web.api import router as api_router
    from bantin.web.entities import router as entities_router
    from bantin.web.pages import router as pages_router

    app = FastAPI(title="bantin archive", version="1", docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json")
    app.state.db = db
    app.state.options = options
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(shipped("bantin", "templates", "web"))), autoescape=True)
    app.state.templates = Jinja2Templates(env=env)

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if request.method not in _SAFE_METHODS and not _token_ok(request, options):
            response: Response = PlainTextResponse("read-only: a valid token is required", status_code=403)
        else:
            response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.exception_handler(BantinError)
    async def bantin_error(request: Request, exc: BantinError) -> Response:
        status = 400 if isinstance(exc, BadQuery) else 503
        return _error(request, status, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path"))
        return _error(request, 400, f"invalid {where or 'request'}: {first.get('msg', 'bad value')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        return _error(request, 500, "internal error")

    app.include_router(api_router)
    app.include_router(entities_router)
    app.include_router(pages_router)
    return app


def _token_ok(request: Request, options: WebOptions) -> bool:
    token = options.token or ""
    sent = request.headers.get("authorization", "")
    return bool(token) and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


def _error(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, "error.html", {"status": status, "message": message},
                                      status_code=status)
