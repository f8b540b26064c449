"""AI relevance from the lexicon, and MinHash story clusters."""

from __future__ import annotations

from datetime import datetime

from bantin.spiders.dates import VIETNAM
from bantin.spiders.dedup import StoryClusters, minhash_of, shingles
from bantin.spiders.mirror import Site
from bantin.spiders.relevance import score_relevance

SITE = Site("http://mirror.test", now=datetime(2025, 10, 22, 10, 0, tzinfo=VIETNAM))
ARTICLES = [a for a in SITE.articles if a.source != "bad"]


def test_ai_articles_score_high_and_others_low() -> None:
    threshold = 0.2
    for article in ARTICLES:
        result = score_relevance(article.title, article.lead, article.text)
        assert 0.0 <= result.score <= 1.0
        about_ai = not any(
            word in article.path
            for word in ("cap-quang", "5g", "iphone", "tram-sac", "game", "laptop", "pin-dien", "gia-vang")
        )
        assert (result.score >= threshold) == about_ai, (article.title, result)


def test_topics_and_term_matching() -> None:
    result = score_relevance("Nvidia ra mắt chip AI mới", "", "Mô hình ngôn ngữ lớn chạy trên GPU.")
    assert {"chips", "ai"} <= set(result.topics)
    # the Vietnamese word "ai" ("who") is not the acronym AI
    assert score_relevance("Ai là người thắng cuộc?", "", "Không ai biết trước kết quả trận đấu.").score == 0.0


def test_title_counts_more_than_body() -> None:
    body = "Bài viết về thị trường điện thoại trong tháng mười."
    in_title = score_relevance("Trí tuệ nhân tạo và điện thoại", "", body).score
    in_body = score_relevance("Điện thoại tháng mười", "", body + " Trí tuệ nhân tạo.").score
    assert in_title > in_body > 0


def test_decomposed_and_old_tone_text_matches() -> None:
    import unicodedata

    assert score_relevance(unicodedata.normalize("NFD", "Học máy và học sâu"), "", "").score > 0.5


def test_shingles_fold_diacritics() -> None:
    assert shingles("Trí tuệ nhân tạo") == shingles("TRI TUE NHAN TAO") == {"tri tue nhan", "tue nhan tao"}


def test_syndicated_stories_cluster_and_distinct_ones_do_not() -> None:
    _cluster_in_order(ARTICLES)
    # the order articles arrive in must not matter: a later article bridging two clusters merges them
    _cluster_in_order(sorted(ARTICLES, key=lambda a: (a.source != "znews", a.source != "thanhnien", a.path)))


def _cluster_in_order(articles: list) -> None:
    clusters = StoryClusters()
    for number, article in enumerate(articles, start=1):
        signature = minhash_of(article.title, article.lead, article.text)
        found = clusters.match(article.url, signature)
        if len(found) > 1:
            clusters.merge(min(found), found - {min(found)})
        clusters.add(article.url, number, min(found) if found else number, signature)
    by_cluster: dict[int, set[str]] = {}
    for url, member in clusters.members.items():
        by_cluster.setdefault(member.cluster_id, set()).add(url)
    groups = sorted(
        sorted(SITE.by_path["/" + u.split("/", 3)[3]].source for u in urls)
        for urls in by_cluster.values()
        if len(urls) > 1
    )
    assert groups == [["dantri", "tuoitre", "vietnamnet"], ["thanhnien", "vnexpress", "znews"]]
