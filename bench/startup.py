"""``labbook validate`` start-up against ``python -c 'import yaml, pydantic'`` and the pydantic floor, side by side.

All are run as fresh processes, interleaved (the order flips every round, so drift in the
machine's speed hits each alike), and compared by their medians:

- ``import yaml, pydantic``: the issue's yardstick (goal 1.5x). ``import pydantic`` is lazy,
  so this does not include the cost of the first model class, nor of building validators;
- the pydantic floor: a bare script that imports the inventory's models and validates the
  example inventory and journal front matter with them, and nothing else: no CLI, no located
  YAML, no error translation, no cross-checks (goal: labbook validate at most 1.2x this).

It then checks, with ``python -X importtime``, that the commands which never talk to a
cluster do not import the kubernetes client.

    .venv/bin/python bench/startup.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL = 1.5
FLOOR_GOAL = 1.2
FLOOR = """
import glob, yaml
from labbook.models.hardware import Hardware
from labbook.models.platform import Platform
from labbook.models.rdma import Rdma
from labbook.models.site import Site
from labbook.models.journal import FrontMatter
for name, model in (("hardware", Hardware), ("platform", Platform), ("rdma", Rdma), ("site", Site)):
    with open(f"inventory/{name}.yaml", "rb") as fh:
        model.model_validate(yaml.load(fh, Loader=yaml.CSafeLoader))
for path in sorted(glob.glob("journal/*.md")):
    with open(path, encoding="utf-8") as fh:
        FrontMatter.model_validate(yaml.load(fh.read().split("---\\n")[1], Loader=yaml.CSafeLoader))
"""
"""The pydantic floor: the same models validating the same files, in a bare script (run from the repository root)."""
IMPORTED = re.compile(r"^import time:\s+(?P<self>\d+) \|\s+\d+ \|\s*(?P<module>\S+)\s*$", re.M)
OFFLINE = [
    ["validate"],
    ["drift", "docs"],
    ["schema", "--check"],
    ["drift", "flux", "--repo", "examples/flux"],
    ["flux", "list", "--repo", "examples/flux"],
    ["drift", "cluster", "--snapshot", "examples/cluster/snapshot.yaml"],
]
"""Commands that read only files; the last one reads a snapshot, not a cluster."""


def labbook() -> list[str]:
    """The installed console script beside this Python, else ``python -m labbook``."""
    script = Path(sys.executable).with_name("labbook")
    return [str(script)] if script.exists() else [sys.executable, "-m", "labbook"]


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.strip()}")
    return elapsed


def importtime(argv: list[str]) -> tuple[int, list[tuple[str, int]]]:
    """Exit code and ``(module, self time in µs)`` for every import ``python -X importtime`` saw."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "labbook", *argv], cwd=ROOT, capture_output=True, text=True
    )
    rows = [(m["module"], int(m["self"])) for m in IMPORTED.finditer(proc.stderr)]
    return proc.returncode, rows


def kubernetes_imported(argv: list[str]) -> tuple[int, list[str]]:
    code, rows = importtime(argv)
    return code, sorted({m for m, _ in rows if m == "kubernetes" or m.startswith("kubernetes.")})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30, help="repetitions of each (default: 30)")
    args = parser.parse_args()

    command = [*labbook(), "validate"]
    baseline = [sys.executable, "-c", "import yaml, pydantic"]
    floor = [sys.executable, "-c", FLOOR]
    for argv in (command, baseline, floor):  # warm the OS file cache and .pyc files before measuring
        timed(argv)
    ours: list[float] = []
    theirs: list[float] = []
    floors: list[float] = []
    for i in range(args.rounds):
        runs = [(command, ours), (baseline, theirs), (floor, floors)]
        for argv, sink in runs if i % 2 == 0 else reversed(runs):
            sink.append(timed(argv))
    a, b, c = statistics.median(ours), statistics.median(theirs), statistics.median(floors)
    ratio, to_floor = a / b, a / c
    print(f"startup: labbook validate: median {a * 1000:.0f} ms")
    print(f"startup: python -c 'import yaml, pydantic': median {b * 1000:.0f} ms")
    print(f"startup: pydantic floor (the inventory's models validating the same files, bare): median {c * 1000:.0f} ms")
    verdict = "ok" if ratio <= GOAL else "over the goal"
    print(
        f"startup: ratio to import yaml, pydantic {ratio:.2f}x over {args.rounds} rounds (goal <= {GOAL}x: {verdict})"
    )
    verdict = "ok" if to_floor <= FLOOR_GOAL else "over the goal"
    print(f"startup: ratio to the pydantic floor {to_floor:.2f}x (goal <= {FLOOR_GOAL}x: {verdict})")
    print(f"startup: the floor alone is {c / b:.2f}x import yaml, pydantic")

    _, rows = importtime(["validate"])
    top = sorted(rows, key=lambda r: r[1], reverse=True)[:6]
    print("startup: largest single imports of labbook validate (self time, one run, for diagnosis):")
    for module, micros in top:
        print(f"  {micros / 1000:6.1f} ms  {module}")

    clean = True
    for argv in OFFLINE:
        if "examples/" in " ".join(argv) and not (ROOT / argv[-1]).exists():
            print(f"imports: labbook {' '.join(argv)}: skipped ({argv[-1]} not found)")
            continue
        code, found = kubernetes_imported(argv)
        state = "kubernetes NOT imported" if not found else f"kubernetes IMPORTED ({', '.join(found[:3])} ...)"
        print(f"imports: labbook {' '.join(argv)} (exit {code}): {state}")
        clean = clean and not found
    if shutil.which("git"):
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        print(f"at commit {rev.stdout.strip() or '?'}")
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
