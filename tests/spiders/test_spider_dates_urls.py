"""Vietnamese date formats and canonical URLs."""

from __future__ import annotations

from datetime import datetime

import pytest

from bantin.spiders.dates import VIETNAM, parse_datetime
from bantin.spiders.urls import canonical_url, host_of

AT = datetime(2025, 10, 22, 19, 25, tzinfo=VIETNAM)


@pytest.mark.parametrize(
    "text",
    [
        "Thứ tư, 22/10/2025, 19:25 (GMT+7)",
        "Thứ Tư, 22/10/2025 - 19:25",
        "22/10/2025 19:25 GMT+7",
        "19:25 - 22/10/2025",
        "19:25 22/10/2025",
        "2025-10-22 19:25",
        "2025-10-22T19:25:00+07:00",
        "2025-10-22T12:25:00Z",
        "2025-10-22T12:25:00.000+00:00",
        "Wed, 22 Oct 2025 19:25:00 +0700",
        "Wed, 22 Oct 2025 12:25:00 GMT",
        "22-10-2025 07:25 PM",
        "22/10/2025 12:25 GMT+0",
    ],
)
def test_site_date_formats_parse_to_vietnam_time(text: str) -> None:
    parsed = parse_datetime(text)
    assert parsed == AT
    assert parsed.utcoffset().total_seconds() == 7 * 3600


def test_date_without_time_is_local_midnight() -> None:
    assert parse_datetime("Thứ hai, 27/11/2023") == datetime(2023, 11, 27, tzinfo=VIETNAM)


@pytest.mark.parametrize("text", ["", "hôm qua", "31/02/2025 10:00", "Không rõ ngày"])
def test_non_dates_raise_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_datetime(text)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://vnexpress.net/a-4950001.html?utm_source=facebook&utm_medium=social#box", "https://vnexpress.net/a-4950001.html"),
        ("https://vnexpress.net/a-4950001.html?fbclid=IwAR0abc&gclid=x", "https://vnexpress.net/a-4950001.html"),
        ("https://m.vnexpress.net/a-4950001.html", "https://vnexpress.net/a-4950001.html"),
        ("https://vnexpress.net/amp/a-4950001.html", "https://vnexpress.net/a-4950001.html"),
        ("https://amp.tuoitre.vn/b-20251022190001.htm", "https://tuoitre.vn/b-20251022190001.htm"),
        ("https://znews.vn/c-post1590001.html?amp=1", "https://znews.vn/c-post1590001.html"),
        ("https://thanhnien.vn/d-185251022190001.amp.htm", "https://thanhnien.vn/d-185251022190001.htm"),
        ("https://genk.vn/e-20251022190001234.chn/amp", "https://genk.vn/e-20251022190001234.chn"),
        ("HTTPS://VnExpress.NET:443/a-4950001.html", "https://vnexpress.net/a-4950001.html"),
        ("https://cafef.vn/f.chn?page=2&utm_campaign=x", "https://cafef.vn/f.chn?page=2"),
    ],
)
def test_canonical_url_variants_map_to_one_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_relative_canonical_resolves_against_the_page() -> None:
    assert canonical_url("/a-4950001.html?utm_source=rss", base="https://vnexpress.net/so-hoa") == "https://vnexpress.net/a-4950001.html"


def test_host_of_ignores_www_and_mobile() -> None:
    assert host_of("https://www.dantri.com.vn/x") == host_of("https://m.dantri.com.vn/y") == "dantri.com.vn"
