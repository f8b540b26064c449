"""Inject every fault for real and print what the archive holds afterwards.

Usage (from the repository root; needs the PostgreSQL server of the tests and, for the edition
rows, root to mount a tiny tmpfs):

    python bench/faults.py             # every scenario, about five minutes on two cores
    python bench/faults.py --quick     # leave out the two whole-pipeline scenarios

The scenarios are the ones ``tests/reliability`` asserts on (``tests/reliability/
reliability_scenarios.py``). Columns: the fault, the backend, how many runs it took (the faulted
one plus recoveries), what should be stored (articles; summaries for the summarizer rows;
editions for the edition rows), what is stored, stored twice, and missing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "reliability")]


def _scenarios(quick: bool) -> list[tuple[str, Callable[..., object]]]:
    import reliability_scenarios as rs

    def on_postgres(run: Callable[[str], object]) -> object:
        with rs.fresh_postgres() as url:
            return run(url)

    def sqlite(work: Path) -> str:
        return rs.sqlite_url(work / "data" / "bantin.db")

    rows: list[tuple[str, Callable[..., object]]] = [
        ("sqlite", lambda m, w: rs.crawl_killed(m, w, sqlite(w))),
        ("postgresql", lambda m, w: on_postgres(lambda url: rs.crawl_killed(m, w, url))),
        ("sqlite", lambda m, w: rs.summarizer_killed(w, sqlite(w))),
        ("postgresql", lambda m, w: on_postgres(lambda url: rs.summarizer_killed(w, url))),
        ("sqlite", lambda m, w: rs.endless_sources(m, w, sqlite(w))),
    ]
    if os.geteuid() == 0:
        rows.append(("sqlite", lambda m, w: rs.edition_output_broken(w, sqlite(w))))
    if not quick:
        rows.append(("postgresql", lambda m, w: on_postgres(lambda url: rs.postgres_cut(m, w, url))))
        rows.append(("sqlite", lambda m, w: rs.pipelines_at_once(m, w, sqlite(w))))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="leave out the whole-pipeline scenarios")
    args = parser.parse_args()

    from bantin.spiders.mirror import serve

    harness = contextlib.nullcontext()
    if not args.quick:
        from prefect.testing.utilities import prefect_test_harness

        harness = prefect_test_harness(server_startup_timeout=180)
    header = "| fault | backend | runs | expected | stored | duplicated | lost | seconds |"
    lines = [header, "|---|---|---:|---:|---:|---:|---:|---:|"]
    with harness, serve(hang_s=4.0) as mirror, tempfile.TemporaryDirectory(prefix="bantin-faults-") as tmp:
        for number, (backend, scenario) in enumerate(_scenarios(args.quick)):
            work = Path(tmp) / f"s{number}"
            started = time.monotonic()
            outcome = scenario(mirror, work)
            seconds = time.monotonic() - started
            for result in outcome if isinstance(outcome, list) else [outcome]:
                lines.append(f"| {result.fault} | {backend} | {result.runs} | {result.expected} | {result.stored} "
                             f"| {result.duplicated} | {result.lost} | {seconds:.0f} |")
                print(lines[-1], flush=True)
    print()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
