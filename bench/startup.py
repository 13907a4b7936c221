"""``labbook validate`` start-up against ``python -c 'import yaml, pydantic'``, side by side in one run.

Both are run as fresh processes, interleaved (the order flips every round, so drift in the
machine's speed hits both alike), and compared by their medians. Goal: at most 1.5x.

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
    # `import pydantic` is lazy: BaseModel's machinery loads with the first model. This third
    # run shows how much of the gap is pydantic itself (for information; the goal uses the above).
    loaded = [sys.executable, "-c", "import yaml\nfrom pydantic import BaseModel\nclass M(BaseModel):\n    x: int"]
    for argv in (command, baseline, loaded):  # warm the OS file cache and .pyc files before measuring
        timed(argv)
    ours: list[float] = []
    theirs: list[float] = []
    models: list[float] = []
    for i in range(args.rounds):
        runs = [(command, ours), (baseline, theirs), (loaded, models)]
        for argv, sink in runs if i % 2 == 0 else reversed(runs):
            sink.append(timed(argv))
    a, b, c = statistics.median(ours), statistics.median(theirs), statistics.median(models)
    ratio = a / b
    print(f"startup: labbook validate: median {a * 1000:.0f} ms")
    print(f"startup: python -c 'import yaml, pydantic': median {b * 1000:.0f} ms")
    verdict = "ok" if ratio <= GOAL else "over the goal"
    print(f"startup: ratio {ratio:.2f}x over {args.rounds} interleaved rounds (goal <= {GOAL}x: {verdict})")
    print(
        f"startup: for information, yaml + one pydantic BaseModel: median {c * 1000:.0f} ms; "
        f"labbook validate is {a / c:.2f}x that"
    )

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
