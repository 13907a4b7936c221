"""Fuzz the loaders with 10,000 malformed inventories and journal entries; print how many ended badly.

The cases and the oracle are the ones ``tests/load/test_fuzz.py`` runs a few hundred of in CI:
each must end in a valid load, or in clean ``file:line`` errors and exit 2 from
``labbook validate``, never a traceback or an internal error. Here nothing stops at the first
bad case: every one is counted, and the first few are printed in full.

    .venv/bin/python bench/fuzz.py [--examples 10000] [--jobs N] [--seed 0]

Exit status: 0 when the count is 0 (the goal), 1 otherwise.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _worker(job: tuple[int, int]) -> tuple[int, list[tuple[str, str, str]]]:
    """Run ``count`` cases from ``seed``; return how many ran and the bad ones."""
    count, seed = job
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as with_seed

    from tests.load.test_fuzz import cases, check

    ran = 0
    bad: list[tuple[str, str, str]] = []

    @with_seed(seed)
    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(cases())
    def run(case) -> None:
        nonlocal ran
        ran += 1
        problem = check(case)
        if problem is not None:
            bad.append((case.target, "; ".join(case.how), problem))

    run()
    return ran, bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=10_000, help="cases in all (default: 10000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: CPUs)")
    parser.add_argument("--seed", type=int, default=0, help="first seed; worker i uses seed+i (default: 0)")
    parser.add_argument("--show", type=int, default=5, help="bad cases printed in full (default: 5)")
    args = parser.parse_args()
    os.chdir(ROOT)

    jobs = max(1, min(args.jobs, args.examples))
    shares = [args.examples // jobs + (1 if i < args.examples % jobs else 0) for i in range(jobs)]
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        results = pool.map(_worker, [(n, args.seed + i) for i, n in enumerate(shares)])
    elapsed = time.perf_counter() - started

    ran = sum(r for r, _ in results)
    bad = [b for _, found in results for b in found]
    for target, how, problem in bad[: args.show]:
        print(f"--- {target} after {how}\n{problem}\n")
    print(f"fuzz: {ran} cases in {elapsed:.0f} s with {jobs} worker(s), seeds {args.seed}..{args.seed + jobs - 1}")
    print(f"fuzz: {len(bad)} ended in a traceback or an unclean error (goal 0)")
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
