"""Story clusters stored apart by parallel crawls are regrouped afterwards."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bantin.archive.engine import Database
from bantin.archive.models import Article
from bantin.archive.repository import ArticleIn, upsert_article
from bantin.spiders.dates import VIETNAM
from bantin.spiders.dedup import minhash_of
from bantin.spiders.mirror import Site
from bantin.spiders.regroup import recluster_recent

SITE = Site("http://mirror.test", now=datetime(2025, 10, 22, 10, 0, tzinfo=VIETNAM))


def test_recluster_joins_copies_stored_apart_and_names_the_group_by_its_earliest(db: Database) -> None:
    chosen = [a for a in SITE.articles if a.cluster == "nvidia"] + [a for a in SITE.articles if a.source == "genk"]
    with db.session() as session:
        ids = {}
        for article in chosen:  # as parallel crawls would: every article alone in its own cluster
            signature = minhash_of(article.title, article.lead, article.text)
            result = upsert_article(session, ArticleIn(
                source_key=article.source, url=article.url, canonical_url=article.url, title=article.title,
                lead=article.lead, body=article.text, published_at=article.published,
                minhash=tuple(int(v) for v in signature.hashvalues),
            ))
            ids[article.url] = result.article_id
            session.get(Article, result.article_id).cluster_id = result.article_id
    with db.session() as session:
        moved = recluster_recent(session, days=3650)
    with db.session() as session:
        labels = dict(session.execute(select(Article.canonical_url, Article.cluster_id)).all())
    nvidia = [ids[a.url] for a in chosen if a.cluster == "nvidia"]
    assert moved == 2
    assert {labels[a.url] for a in chosen if a.cluster == "nvidia"} == {min(nvidia)}
    assert all(labels[a.url] == ids[a.url] for a in chosen if a.source == "genk")
    with db.session() as session:
        assert recluster_recent(session, days=3650) == 0  # stable: a second pass moves nothing
