"""Retries with backoff: 429 and 5xx (and timeouts, connection errors) are retried after the
server's ``Retry-After`` (seconds or an HTTP date) or an exponential backoff, capped.

Meta refresh: a ``<meta http-equiv="refresh">`` to a URL no request can have (``javascript:``,
``vbscript:``) leaves the page as it is; Scrapy's own middleware fails the page instead."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message

from bantin.archive.models import utcnow

__all__ = ["BackoffRetryMiddleware", "SafeMetaRefreshMiddleware", "retry_delay"]


def retry_delay(retry_after: str | None, attempt: int, base_s: float, max_s: float) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based)."""
    if retry_after:
        value = retry_after.strip()
        if value.isdigit():
            return min(float(value), max_s)
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            when = None
        if when is not None and when.tzinfo is not None:
            return max(0.0, min((when - utcnow()).total_seconds(), max_s))
    return min(base_s * 2 ** (attempt - 1), max_s)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry middleware, waiting before each retry instead of retrying at once."""

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.base_s = settings.getfloat("BANTIN_RETRY_BACKOFF_S", 1.0)
        self.max_s = settings.getfloat("BANTIN_RETRY_MAX_DELAY_S", 60.0)

    def _next_try(self, request: Request, reason: str | Exception) -> Request | None:
        """The retry of ``request`` through Scrapy's public ``get_retry_request`` (None when spent)."""
        return get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
        )

    async def _wait(self, seconds: float) -> None:
        if seconds <= 0:
            return
        from twisted.internet import reactor
        from twisted.internet.task import deferLater

        await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._next_try(request, response_status_message(response.status))
        if retry is None:
            return response
        attempt = retry.meta.get("retry_times", 1)
        await self._wait(
            retry_delay(response.headers.get("Retry-After", b"").decode("latin-1"), attempt, self.base_s, self.max_s)
        )
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._next_try(request, exception)
        if retry is not None:
            await self._wait(retry_delay(None, retry.meta.get("retry_times", 1), self.base_s, self.max_s))
        return retry


class SafeMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects, ignoring a refresh whose URL is not a valid request URL."""

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        try:
            return super().process_response(request, response)
        except ValueError:  # Request() refuses "javascript:alert(1)" before Scrapy's scheme check
            return response
