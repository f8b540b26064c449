"""Extract VietNews splits (github ThanhChinhBK/vietnews) from a local git copy into JSON lines.

Run: python bench/vietnews_data.py GIT_DIR OUT_DIR [--splits train val test] [--limit N]

Each ``data/<split>_tokenized/NNNNNN.txt.seg`` file holds four blocks separated by blank lines:
title, sapo (the reference summary), body (one sentence per line) and image captions. The files
are word-segmented (``Đà_Nẵng``, spaces around punctuation); this script undoes that the way the
300-article sample in ../shared/data/vietnews-sample was made (``_`` -> space, no space before
``, . ; : ! ? % … ) ] ”`` nor after ``( [ “``, body sentences joined by one space, captions
dropped) and writes ``OUT_DIR/<split>.jsonl`` with the fields id, title, text, summary.
Nothing here is part of the package: the data has no licence and stays outside the repository.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from pathlib import Path

_BEFORE = re.compile(r" +([,.;:!?%…)\]”])")
_AFTER = re.compile(r"([(\[“]) +")


def detokenize(line: str) -> str:
    text = " ".join(line.replace("_", " ").split())
    text = _BEFORE.sub(r"\1", text)
    return _AFTER.sub(r"\1", text)


def parse(raw: str, ident: str) -> dict[str, str] | None:
    blocks = [b for b in re.split(r"\n\s*\n", raw.strip()) if b.strip()]
    if len(blocks) < 3:
        return None
    title, summary, body = blocks[0], blocks[1], blocks[2]
    sentences = [detokenize(line) for line in body.splitlines() if line.strip()]
    return {"id": ident, "title": detokenize(title), "text": " ".join(sentences), "summary": detokenize(summary)}


def extract(git_dir: Path, split: str, out: Path, limit: int | None) -> int:
    listing = subprocess.run(
        ["git", "--git-dir", str(git_dir), "ls-tree", "HEAD", f"data/{split}_tokenized/"],
        check=True, capture_output=True, text=True,
    ).stdout.splitlines()
    entries = sorted((line.split("\t")[1], line.split()[2]) for line in listing)
    if limit:
        entries = entries[:limit]
    batch = subprocess.Popen(["git", "--git-dir", str(git_dir), "cat-file", "--batch"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert batch.stdin and batch.stdout
    written = 0
    with out.open("w", encoding="utf-8") as handle:
        for path, sha in entries:
            batch.stdin.write(f"{sha}\n".encode())
            batch.stdin.flush()
            header = batch.stdout.readline().split()
            size = int(header[2])
            raw = batch.stdout.read(size).decode("utf-8", errors="replace")
            batch.stdout.read(1)
            ident = f"vietnews-{split}-{Path(path).name.split('.')[0]}"
            row = parse(raw, ident)
            if row and row["text"] and row["summary"]:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                written += 1
    batch.stdin.close()
    batch.wait()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("git_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--splits", nargs="+", default=["train", "val", "test"])
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for split in args.splits:
        count = extract(args.git_dir, split, args.out_dir / f"{split}.jsonl", args.limit)
        print(f"{split}: {count} articles -> {args.out_dir / f'{split}.jsonl'}")


if __name__ == "__main__":
    main()
