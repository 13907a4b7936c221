"""Fuzz labbook with 10,000 cases per suite; print how many ended badly (goal: 0).

Two suites, the ones CI runs a few hundred derandomized cases of:

- ``cli`` (``tests/cli/test_fuzz_cli.py``): random command lines over a scratch project full of
  traps (files for folders, missing parents, symlink loops, non-UTF-8 names, ``/proc``); every
  run must end in exit 0-3 without a traceback;
- ``files`` (``tests/load/test_fuzz.py``): malformed inventories and journal entries; each must
  load, or end in clean ``file:line`` errors and exit 2 from ``labbook validate``.

Here nothing stops at the first bad case: every one is counted, and the first few are printed.

    .venv/bin/python bench/fuzz.py [--suite cli|files|both] [--examples 10000] [--jobs N] [--seed 0]

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


def _describe(suite: str, case) -> tuple[str, str]:
    if suite == "cli":
        return "labbook " + " ".join(map(repr, case.argv)), f"kubeconfig {case.kubeconfig}, config {case.config!r}"
    return case.target, "; ".join(case.how)


def _worker(job: tuple[str, int, int]) -> tuple[int, list[tuple[str, str, str]]]:
    """Run ``count`` cases of ``suite`` from ``seed``; return how many ran and the bad ones."""
    suite, count, seed = job
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as with_seed

    if suite == "cli":
        from tests.cli.test_fuzz_cli import cases, check
    else:
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
            bad.append((*_describe(suite, case), problem))

    run()
    return ran, bad


def _suite(name: str, args: argparse.Namespace) -> int:
    """Run one suite; print its counts; return how many cases ended badly."""
    jobs = max(1, min(args.jobs, args.examples))
    shares = [args.examples // jobs + (1 if i < args.examples % jobs else 0) for i in range(jobs)]
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        results = pool.map(_worker, [(name, n, args.seed + i) for i, n in enumerate(shares)])
    elapsed = time.perf_counter() - started

    ran = sum(r for r, _ in results)
    bad = [b for _, found in results for b in found]
    for target, how, problem in bad[: args.show]:
        print(f"--- {target} ({how})\n{problem}\n")
    seeds = f"seeds {args.seed}..{args.seed + jobs - 1}"
    print(f"fuzz {name}: {ran} cases in {elapsed:.0f} s with {jobs} worker(s), {seeds}")
    outcome = "ended outside 0-3 or in a traceback" if name == "cli" else "ended in a traceback or an unclean error"
    print(f"fuzz {name}: {len(bad)} {outcome} (goal 0)")
    return len(bad)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--suite", choices=("cli", "files", "both"), default="both", help="what to fuzz (default: both)"
    )
    parser.add_argument("--examples", type=int, default=10_000, help="cases per suite (default: 10000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: CPUs)")
    parser.add_argument("--seed", type=int, default=0, help="first seed; worker i uses seed+i (default: 0)")
    parser.add_argument("--show", type=int, default=5, help="bad cases printed in full (default: 5)")
    args = parser.parse_args()
    os.chdir(ROOT)
    suites = ("cli", "files") if args.suite == "both" else (args.suite,)
    bad = sum(_suite(name, args) for name in suites)
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
