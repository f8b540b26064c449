"""Fuzz the extractor (``spiders.extraction.extract_page``) and the feed parser (``spiders.feeds``).

Hypothesis generates pages and feeds (``tests/hostile/hostile_fuzzing.py``: outlet markup,
JSON-LD, wrong charsets, damaged bytes, entity tricks) for ``--seconds`` split over the targets.
A crash is any exception other than the documented ``ExtractionError`` / ``FeedError``; each
distinct crash (exception type and where it was raised) is shrunk to a small example and printed
once. Prints examples tried, examples per second and crashes per target; exits 1 on any crash.

    python bench/fuzz.py                  # 4 minutes, split over both targets
    python bench/fuzz.py --seconds 600 --target extract_page
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "hostile")]
warnings.filterwarnings("ignore")

from hostile_fuzzing import TARGETS, Target
from hypothesis import HealthCheck, Phase, given, seed, settings

BATCH = 300  # examples per hypothesis run; a crash ends a run early, the next run goes on


@dataclass
class Outcome:
    tried: int = 0
    seconds: float = 0.0
    crashes: dict[str, str] = field(default_factory=dict)  # signature -> shrunk example and traceback
    hits: int = 0  # examples that hit an already recorded crash again


def signature(exc: BaseException) -> str:
    """The exception type and the innermost frame of the project's code that it passed through."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:  # FlakyFailure and friends wrap it
        exc = exc.exceptions[0]
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [
        f
        for f in frames
        if str(ROOT) in f.filename and "/.venv/" not in f.filename and "hostile_fuzzing" not in f.filename
    ]
    where = ours[-1] if ours else (frames[-1] if frames else None)
    place = (
        f"{Path(where.filename).relative_to(ROOT) if str(ROOT) in where.filename else where.filename}:{where.lineno}"
        if where
        else "?"
    )
    return f"{type(exc).__name__} at {place}"


def fuzz(target: Target, seconds: float) -> Outcome:
    outcome = Outcome()
    started = time.monotonic()
    deadline = started + seconds
    run = 0
    while time.monotonic() < deadline:
        run += 1

        @seed(run * 7919 + len(target.name))
        @settings(
            max_examples=BATCH,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=(Phase.generate, Phase.shrink),
            print_blob=False,
            report_multiple_bugs=False,
        )
        @given(target.inputs())
        def check(value: object) -> None:
            if time.monotonic() > deadline:
                return
            outcome.tried += 1
            try:
                target.call(value)
            except target.expected:
                return
            except Exception as exc:  # a crash: raised to be shrunk, unless it is known already
                if signature(exc) in outcome.crashes:
                    outcome.hits += 1
                    return
                raise

        try:
            check()
        except Exception as exc:  # noqa: BLE001 - the shrunk crash hypothesis re-raised
            notes = "\n".join(getattr(exc, "__notes__", []))
            tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-4:])
            outcome.crashes.setdefault(signature(exc), f"{notes}\n{tb}")
    outcome.seconds = time.monotonic() - started
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seconds",
        type=float,
        default=240.0,
        help="total fuzzing time, split over the targets",
    )
    parser.add_argument("--target", choices=[t.name for t in TARGETS], help="fuzz only this target")
    args = parser.parse_args()
    chosen = [t for t in TARGETS if args.target in (None, t.name)]
    results = []
    for target in chosen:
        print(
            f"fuzzing {target.name} for {args.seconds / len(chosen):.0f} s ...",
            flush=True,
        )
        results.append((target, fuzz(target, args.seconds / len(chosen))))
    print(f"\n{'target':<26} {'examples':>9} {'seconds':>8} {'per s':>7} {'crashes':>8} {'hits':>6}")
    for target, outcome in results:
        rate = outcome.tried / outcome.seconds if outcome.seconds else 0.0
        print(f"{target.name:<26} {outcome.tried:>9} {outcome.seconds:>8.0f} {rate:>7.1f} "
              f"{len(outcome.crashes):>8} {outcome.hits:>6}")
    for target, outcome in results:
        for key, detail in outcome.crashes.items():
            print(f"\n--- {target.name}: {key}\n{detail}")
    return 1 if any(outcome.crashes for _t, outcome in results) else 0


if __name__ == "__main__":
    sys.exit(main())
