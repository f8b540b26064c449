"""The 50 MB and 5,000-deep pages taken straight to the extractor, under a memory ceiling.

The crawl refuses the 50 MB page at its size cap (``test_hostile_pipeline``); a deployment that
raises the cap still gets its article: the extractor runs here in a child process limited to
2 GiB of address space. Deep nesting is cut by libxml2 at its depth limit (256): the text
before it is kept, what follows is not parsed (an article behind 5,000 tags is rejected), nothing
recurses. And a row stored before the extractor scrubbed
bidi characters stays isolated in the web archive (CSS ``unicode-bidi: isolate``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_site import CHROMIUM, WHITESPACE_BYTES, article_shell, nested_page

from bantin.errors import ExtractionError
from bantin.spiders.extraction import extract_page

URL = "https://vnexpress.net/trang-thu-4980011.html"
ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
sys.path[:0] = [{root!r}, {here!r}]
from hostile_site import WHITESPACE_BYTES, article_shell
from bantin.spiders.extraction import extract_page
head, tail = article_shell(b"", "Năm mươi megabyte khoảng trắng")
data = head + b" \\n\\t" * (WHITESPACE_BYTES // 3) + tail
page = extract_page(data, {url!r}, None)
print(json.dumps({{"title": page.title, "body": len(page.body), "blank_run": "  " in page.body,
                   "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""


def test_fifty_megabytes_of_whitespace_extract_within_two_gib() -> None:
    code = CHILD.format(root=str(ROOT), here=str(Path(__file__).parent), url=URL)
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["title"] == "Năm mươi megabyte khoảng trắng"
    assert 200 <= result["body"] < 2000 and not result["blank_run"]
    assert WHITESPACE_BYTES == 50 * 1024 * 1024


@pytest.mark.parametrize("with_selectors", [True, False])
def test_five_thousand_nested_divs_keep_the_text_before_the_depth_limit(
    with_selectors: bool,
) -> None:
    from bantin.spiders.sources import Selectors, SourceConfig

    source = SourceConfig(
        "x",
        "X",
        "https://x.vn/",
        selectors=Selectors(title=("h1.title-detail",), body=("article.fck_detail",)),
    )
    page = extract_page(nested_page(), URL, source if with_selectors else None)
    assert page.method == ("selectors" if with_selectors else "fallback")
    assert "học máy số 1" in page.body and "học máy số 2" in page.body  # before the 5,000 divs
    assert "Đoạn văn sâu nhất" not in page.body  # past libxml2's depth limit (256): not parsed


def test_deep_nesting_before_the_article_is_a_clean_rejection() -> None:
    """Past libxml2's depth limit nothing more is parsed: the page holds no article for us."""
    head, tail = article_shell(b"", "Bài viết sau phần đầu lồng nhau")
    data = head.replace(b"<body>", b"<body>" + b"<span>" * 5000 + b"</span>" * 5000, 1) + tail
    with pytest.raises(ExtractionError, match="no article text"):
        extract_page(data, URL, None)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_a_stored_bidi_override_stays_isolated_in_the_web_archive(tmp_path, watch) -> None:
    """An old row (stored before extraction scrubbed it) with U+202E in its title."""
    import threading
    import time

    import uvicorn

    from bantin.archive.engine import Database
    from bantin.archive.repository import ArticleIn, upsert_article
    from bantin.configure import web_options
    from bantin.settings import Settings
    from bantin.web import create_app

    db = Database.connect(f"sqlite:///{tmp_path / 'bantin.db'}")  # the web layer is the same on both backends
    with db.session() as session:
        stored = upsert_article(
            session,
            ArticleIn(
                source_key="cu",
                url="https://cu.example.vn/tep-4980020.html",
                canonical_url="https://cu.example.vn/tep-4980020.html",
                title="Cảnh báo tệp \u202egpj.exe giả mạo",
                lead="Sapo \u202ecó đảo chiều",
                body="Nội dung bài viết. " * 20,
            ),
        )
    app = create_app(web_options(Settings(_env_file=None)), db)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        port = server.servers[0].sockets[0].getsockname()[1]
        seen = watch(f"http://127.0.0.1:{port}/articles/{stored.article_id}")
        styles = seen.page.evaluate(
            "['h1', '.lead', 'a.outlet'].map(s => getComputedStyle(document.querySelector(s)).unicodeBidi)"
        )
        assert styles == ["isolate", "isolate", "isolate"]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        db.close()
