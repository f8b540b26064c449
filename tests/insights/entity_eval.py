"""Scoring the entity matcher on the labelled mentions in ``entity_labels.toml``.

Shared by ``tests/insights/test_entity_labels.py`` and ``bench/entities.py`` (which puts this
folder on ``sys.path``). Per document and entity: true positives = min(found, gold), false
positives = found beyond gold, false negatives = gold beyond found; summed over all documents.
"""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bantin.archive.entities import Catalog, match_article, match_text

HERE = Path(__file__).resolve().parent
LABELS = HERE / "entity_labels.toml"
ROOT = HERE.parent.parent
MIRROR = ROOT / "spiders" / "mirror" / "articles.toml"
SHARED = ROOT.parent / "shared" / "data"


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    documents: int = 0
    mistakes: list[str] = field(default_factory=list)

    @property
    def gold(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, name: str, found: Counter[str], gold: dict[str, int]) -> None:
        self.documents += 1
        for key in set(found) | set(gold):
            f, g = found.get(key, 0), gold.get(key, 0)
            self.tp += min(f, g)
            self.fp += max(f - g, 0)
            self.fn += max(g - f, 0)
            if f != g:
                self.mistakes.append(f"{name}: {key} found {f}, labelled {g}")


def score(catalog: Catalog, *, shared: bool = True) -> dict[str, Score]:
    """Scores per part of the set (mirror, text, shared) and in total ("all")."""
    labels = tomllib.loads(LABELS.read_text(encoding="utf-8"))
    parts = {"mirror": Score(), "text": Score(), "shared": Score()}
    mirror_gold = {item["path"]: item["gold"] for item in labels["mirror"]}
    for article in tomllib.loads(MIRROR.read_text(encoding="utf-8"))["article"]:
        found = match_article(article["title"], article["lead"], "\n".join(article["body"]), catalog).total()
        parts["mirror"].add(article["path"], found, mirror_gold.get(article["path"], {}))
    for number, item in enumerate(labels["text"], 1):
        parts["text"].add(f"text {number}", match_text(item["text"], catalog), item["gold"])
    if shared:
        for item in labels.get("shared", []):
            path = SHARED / item["file"]
            if not path.is_file():
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                found = match_text(row["title"] + "\n" + row["text"], catalog)
                parts["shared"].add(row["id"], found, item["gold"].get(row["id"], {}))
    total = Score()
    for part in parts.values():
        total.tp, total.fp, total.fn = total.tp + part.tp, total.fp + part.fp, total.fn + part.fn
        total.documents += part.documents
        total.mistakes += part.mistakes
    return {**parts, "all": total}
