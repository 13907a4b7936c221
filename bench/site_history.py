"""The site build with and without the history parts (the Changes page and the entry boxes), side by side.

For two histories, the example site (``mkdocs.yml``, ``docs/``, ``journal/``, ``inventory/`` in
a temp dir) is built with ``mkdocs build --strict`` as fresh processes, interleaved (the order
flips every round), compared by medians of CPU time (user + system of the build's processes):

- **with**: ``labbook.yaml`` names the history (``history: inventory: …``), read from its cache
  as every rebuild after the first does (the first, cold build is measured once, apart);
- **without**: ``history: false``, so the site is built without the history parts.

The histories: the example history (``examples/history/make_history.py``, 8 commits), and the
synthetic 1,000-commit repository of ``bench/history.py`` (this project's ``inventory/`` and
``examples/flux/`` as ``flux/``, both read). Goal: at most 1.10x.

Figures on the development machine (2 shared cores; identical builds vary by 5-10% from one
minute to the next, so the medians of a run move by a few percent). With the format 7 history
cache (2026-12-03, at fd1ce11), at the defaults (``--rounds 9``): the 1,000-commit history
1.076x, the example history 1.016x. With format 6 the same day, two runs: 1.080x and 1.051x,
and 0.899x and 0.963x (below 1: the noise). The round before, at
its defaults: the example history 0.999x, the 1,000-commit history 1.097x (goal met, just);
runs of ``--rounds 5``/``7`` in noisier spells gave 1.03-1.11x and 1.16-1.18x; ten more
interleaved pairs of the same two builds, measured apart, gave 1.04x (median) and 1.08x (best
builds) for the 1,000-commit history, and 1.00x for the example. What the history parts cost
there: the Changes page, 935 changes on one page, about 40 ms of Markdown (half of what it was
before its commit ids became plain text: inline code per line was the other half) and about
25 ms of page template and search index; reading the history from its cache, the entry boxes
and the facts of each entry's commit (kept beside the cache, ``labbook/history/asked.py``), a
few milliseconds. A first, cold build (no cache) is 1.3-1.5x.

    .venv/bin/python bench/site_history.py [--rounds 9] [--commits 1000]
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL = 1.10


def _module(path: Path, name: str):  # type: ignore[no-untyped-def]
    """A script of this repository, loaded as a module (registered, so its dataclasses work)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


site_build = _module(ROOT / "bench" / "site_build.py", "bench_site_build")
history_bench = _module(ROOT / "bench" / "history.py", "bench_history")


def example_history(dest: Path) -> Path:
    return _module(ROOT / "examples" / "history" / "make_history.py", "make_history").build(dest)


def project(dest: Path, history: str) -> Path:
    site_build.copy_project(dest)
    (dest / "labbook.yaml").write_text(history, encoding="utf-8")
    return dest


def compare(name: str, repo: Path, flux: bool, rounds: int, scratch: Path) -> float:
    flux_line = f"  flux: {(repo / 'flux').as_posix()}\n" if flux else "  flux: false\n"
    with_ = project(scratch / "with", f"history:\n  inventory: {(repo / 'inventory').as_posix()}\n{flux_line}")
    without = project(scratch / "without", "history: false\n")
    cold = site_build.mkdocs_build(with_, scratch / "cold")  # writes the history cache
    site_build.mkdocs_build(without, scratch / "warm")
    ours: list = []
    theirs: list = []
    for i in range(rounds):
        pair = [(with_, ours), (without, theirs)]
        for folder, sink in pair if i % 2 == 0 else reversed(pair):
            site = scratch / f"site-{len(ours) + len(theirs)}"
            sink.append(site_build.mkdocs_build(folder, site))
            shutil.rmtree(site)
    a, b = site_build.medians(ours), site_build.medians(theirs)
    print(f"{name} ({rounds} interleaved builds each, medians):")
    print(site_build.line("with the history parts (cached):", a))
    print(site_build.line("without (history: false):", b))
    print(site_build.line("with, cold (first build, no cache):", cold))
    print(f"  ratio: CPU {a.cpu / b.cpu:.3f}x   wall {a.wall / b.wall:.3f}x   (cold: CPU {cold.cpu / b.cpu:.3f}x)")
    return a.cpu / b.cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9, help="builds of each variant per history (default: 9)")
    parser.add_argument("--commits", type=int, default=1000, help="synthetic history size (default: 1000)")
    args = parser.parse_args()
    if shutil.which("git") is None:
        print("git not found on PATH: the histories are built with it; nothing measured")
        return 0
    ratios = {}
    with tempfile.TemporaryDirectory(prefix="labbook-bench-") as tmp:
        base = Path(tmp)
        example = example_history(base / "example-history")
        ratios["example"] = compare("example history", example, False, args.rounds, base / "example")
        synthetic = base / "synthetic-history"
        history_bench.make_repo(synthetic, args.commits)
        name = f"synthetic history, {args.commits} commits (inventory + flux)"
        ratios["synthetic"] = compare(name, synthetic, True, args.rounds, base / "synthetic")
    for key, ratio in ratios.items():
        verdict = "ok" if ratio <= GOAL else "over the goal"
        print(f"site build with history ({key}): {ratio:.3f}x CPU (goal <= {GOAL:.2f}x: {verdict})")
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    print(f"at commit {rev.stdout.strip() or '?'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
