"""Site build time, side by side: labbook's content step and macros against pre-rendered pages, and Zensical.

For each corpus (the example site, then the example site plus a synthetic journal of 1,000
entries) it prepares, in a temp dir, and builds as fresh processes, interleaved (the order flips
every round, so drift in the machine's speed hits all alike), compared by medians:

1. **MkDocs, full against pre-rendered.** *full* is the project as it is: mkdocs-macros renders
   the opted-in pages and the ``labbook`` plugin adds the journal with its series and related
   links. *pre-rendered* is the same pages with the macros and the plugin switched off: every
   page's final markdown is captured from one build and written out as plain pages, journal
   entries as ordinary blog posts. Goal: at most 1.10x CPU at 1,000 entries.
2. **Zensical against MkDocs.** ``labbook zensical`` (the content step into a build folder, then
   ``zensical build --strict``) *cold* (no build folder, so no Zensical cache) and *warm* (a
   rebuild with nothing changed), each as a ratio to ``mkdocs build --strict`` of the same
   project in the same run; plus the peak memory of each.

The ratios are taken on CPU time (user + system of the build and its child processes), which
other work on a shared machine disturbs far less than wall time; wall time is printed beside it.
Peak memory is the largest resident set of any one process of the build (for Zensical, the
larger of labbook's process and Zensical's, which runs while labbook's waits).

    .venv/bin/python bench/site_build.py [--rounds 3] [--entries 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GOAL = 1.10
PARTS = ("mkdocs.yml", "docs", "journal", "inventory")

CAPTURE_HOOK = '''
"""Bench only: write each page's final markdown (after the macros and the labbook plugin) to CAPTURE_DIR."""
import os
from pathlib import Path

from mkdocs.plugins import event_priority


@event_priority(-100)
def on_page_markdown(markdown, page, config, files):
    out = Path(os.environ["CAPTURE_DIR"]) / page.file.src_uri
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(markdown, encoding="utf-8")
'''

TAGS = ["rdma", "sriov", "talos", "nccl", "gpu", "flux", "cilium", "storage", "observability", "kafka", "arm64", "ci"]
SENTENCE = (
    "the cluster reconciles every change from git while the sparks exchange gradients over the direct cable "
    "and the device plugin advertises virtual functions that multus attaches to pods as a second interface "
    "so that nccl can move data with rdma instead of sockets on the pod network"
)
WORDS = SENTENCE.split(" ")


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for part in PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__", "posts"))
        else:
            shutil.copy2(src, dest / part)
    return dest


def synthetic_journal(folder: Path, count: int, ids: list[str]) -> None:
    """``count`` deterministic entries: tags, series of ten, related ids, Helm templates in code."""
    rng = random.Random(20251102)  # reproducible filler, not security
    start = dt.date(2022, 1, 3)
    for i in range(count):
        date = start + dt.timedelta(days=i * 4 // 3)
        words = lambda n: " ".join(rng.choice(WORDS) for _ in range(n))  # noqa: E731
        front = {
            "title": f"Synthetic note {i:04d}: {words(4)}",
            "date": date,
            "summary": words(24).capitalize() + ".",
            "tags": sorted(rng.sample(TAGS, 3)),
            "series": f"Synthetic series {i // 10:03d}",
            "related": sorted(rng.sample(ids, 2)),
        }
        body = [words(60).capitalize() + ".", "<!-- more -->"]
        for _ in range(4):
            body.append(f"## {words(3).capitalize()}")
            body.append(words(120).capitalize() + ".")
        body.append("```yaml\n{{- if .Values.vfs.create }}\nimage: {{ .Values.image.tag }}\n{{- end }}\n```")
        body.append("```bash\narr=(a b c)\necho ${#arr[@]}\n```")
        text = "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n\n" + "\n\n".join(body) + "\n"
        (folder / f"{date.isoformat()}-synthetic-{i:04d}.md").write_text(text, encoding="utf-8")


RUN = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - started
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": proc.returncode, "wall": wall, "cpu": used.ru_utime + used.ru_stime,
                  "rss": used.ru_maxrss / 1024, "output": (proc.stdout + proc.stderr)[-3000:]}))
"""
"""Runs one build in a fresh process and reports its wall time, CPU time and peak RSS (MiB)."""


@dataclass(frozen=True)
class Run:
    """One measured build."""

    wall: float
    cpu: float
    rss: float


def measure(argv: list[str], cwd: Path) -> Run:
    """Wall and CPU seconds and peak RSS of one build (``argv``), from a wrapper process of its own."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-c", RUN, *argv], cwd=cwd, capture_output=True, text=True, env=env)
    data = json.loads(proc.stdout)
    if data["code"] != 0:
        raise SystemExit(f"{' '.join(argv)} in {cwd} exited {data['code']}:\n{data['output']}")
    return Run(data["wall"], data["cpu"], data["rss"])


def mkdocs_build(project: Path, site: Path) -> Run:
    """``mkdocs build --strict``, as ``make site`` runs it."""
    return measure([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], project)


def zensical_build(project: Path, site: Path, folder: Path) -> Run:
    """``labbook zensical``, as ``make site-zensical`` runs it."""
    argv = [sys.executable, "-m", "labbook", "zensical", "--site-dir", str(site), "--build-dir", str(folder)]
    return measure(argv, project)


def without_macros_and_plugin(config: str) -> str:
    """``mkdocs.yml`` with the ``labbook`` and ``macros`` plugins taken out."""
    out: list[str] = []
    skipping = False
    for line in config.splitlines(keepends=True):
        if skipping and (line.startswith("  - ") or (line.strip() and not line.startswith((" ", "#")))):
            skipping = False
        if line.startswith(("  - labbook", "  - macros")):
            skipping = True
        if not skipping:
            out.append(line)
    return "".join(out)


def pre_render(full: Path, dest: Path, scratch: Path) -> Path:
    """The pre-rendered twin of ``full``: captured final markdown as plain pages, no macros, no hook."""
    capture = scratch / "capture"
    (full / "bench_capture.py").write_text(CAPTURE_HOOK, encoding="utf-8")
    config = (full / "mkdocs.yml").read_text(encoding="utf-8")
    (full / "mkdocs.capture.yml").write_text(config + "\nhooks:\n  - bench_capture.py\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", "mkdocs.capture.yml", "--site-dir", str(scratch / "site")],
        cwd=full,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "CAPTURE_DIR": str(capture)},
    )
    if proc.returncode != 0:
        raise SystemExit(f"capture build failed:\n{proc.stderr[-3000:]}")
    (full / "bench_capture.py").unlink()
    (full / "mkdocs.capture.yml").unlink()
    shutil.rmtree(full / "docs" / "journal" / "posts", ignore_errors=True)

    dest.mkdir(parents=True)
    shutil.copytree(full / "docs", dest / "docs", ignore=shutil.ignore_patterns("posts"))
    (dest / "mkdocs.yml").write_text(without_macros_and_plugin(config), encoding="utf-8")
    for page in (full / "docs").rglob("*.md"):
        rel = page.relative_to(full / "docs").as_posix()
        captured = capture / rel
        if captured.exists():  # blog views are regenerated by the blog plugin, not captured
            front = _front(page.read_text(encoding="utf-8"))
            (dest / "docs" / rel).write_text(front + captured.read_text(encoding="utf-8"), encoding="utf-8")
    for captured in capture.rglob("*.md"):  # pages the labbook plugin generates outside the blog (changes.md)
        rel = captured.relative_to(capture).as_posix()
        if not rel.startswith("journal/") and not (dest / "docs" / rel).exists():
            (dest / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / "docs" / rel).write_text(captured.read_text(encoding="utf-8"), encoding="utf-8")
    posts = dest / "docs" / "journal" / "posts"
    posts.mkdir(parents=True)
    for entry in (full / "journal").glob("*.md"):
        captured = capture / "journal" / "posts" / entry.name
        if captured.exists():  # drafts are not built, so not captured
            text = entry.read_text(encoding="utf-8")
            (posts / entry.name).write_text(_front(text, post=True) + captured.read_text(encoding="utf-8"))
    return dest


def _front(text: str, *, post: bool = False) -> str:
    """The page's front matter without ``render_macros`` (and, for posts, the description the hook sets)."""
    if not text.startswith("---\n"):
        return ""
    end = text.index("\n---", 4)
    meta = yaml.safe_load(text[4:end]) or {}
    meta.pop("render_macros", None)
    if post and meta.get("summary"):
        meta.setdefault("description", meta["summary"])
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n\n" if meta else ""


def medians(runs: list[Run]) -> Run:
    return Run(*(statistics.median(getattr(r, f) for r in runs) for f in ("wall", "cpu", "rss")))


def line(label: str, run: Run) -> str:
    return f"  {label:<38} CPU {run.cpu:7.2f} s   wall {run.wall:7.2f} s   peak {run.rss:6.0f} MiB"


def compare(name: str, full: Path, pre: Path, rounds: int, scratch: Path) -> float:
    """MkDocs: full against pre-rendered; returns the CPU ratio."""
    mkdocs_build(full, scratch / "warm-a")  # warm the OS file cache and .pyc files before measuring
    mkdocs_build(pre, scratch / "warm-b")
    ours: list[Run] = []
    theirs: list[Run] = []
    for i in range(rounds):
        pair = [(full, ours), (pre, theirs)]
        for project, sink in pair if i % 2 == 0 else reversed(pair):
            site = scratch / f"site-{len(ours) + len(theirs)}"
            sink.append(mkdocs_build(project, site))
            shutil.rmtree(site)
    a, b = medians(ours), medians(theirs)
    entries = sum(1 for _ in (full / "journal").glob("*.md"))
    print(f"{name} ({entries} journal entries, {rounds} interleaved builds each, medians):")
    print(line("MkDocs full (macros + labbook plugin):", a))
    print(line("MkDocs pre-rendered (neither):", b))
    print(f"  ratio: CPU {a.cpu / b.cpu:.3f}x   wall {a.wall / b.wall:.3f}x")
    return a.cpu / b.cpu


def compare_builders(name: str, project: Path, rounds: int, scratch: Path) -> None:
    """Zensical cold and warm against MkDocs, on the same project."""
    folder = scratch / "zensical-build"
    mkdocs_build(project, scratch / "warm-m")  # .pyc files and the OS cache, for both tools
    zensical_build(project, scratch / "warm-z", folder)
    runs: dict[str, list[Run]] = {"mkdocs": [], "cold": [], "warm": []}
    for i in range(rounds):
        steps = ["mkdocs", "zensical"] if i % 2 == 0 else ["zensical", "mkdocs"]
        for step in steps:
            site = scratch / f"site-{i}-{step}"
            if step == "mkdocs":
                runs["mkdocs"].append(mkdocs_build(project, site))
            else:
                shutil.rmtree(folder, ignore_errors=True)  # cold: no build folder, no Zensical cache
                runs["cold"].append(zensical_build(project, site, folder))
                runs["warm"].append(zensical_build(project, site, folder))  # warm: the same, again
            shutil.rmtree(site, ignore_errors=True)
    m, cold, warm = (medians(runs[k]) for k in ("mkdocs", "cold", "warm"))
    print(f"{name}: Zensical against MkDocs ({rounds} interleaved rounds, medians):")
    print(line("mkdocs build --strict:", m))
    print(line("labbook zensical, cold (no cache):", cold))
    print(line("labbook zensical, warm (rebuild):", warm))
    for label, run in (("cold", cold), ("warm", warm)):
        print(
            f"  Zensical {label} / MkDocs: CPU {run.cpu / m.cpu:.3f}x   wall {run.wall / m.wall:.3f}x   "
            f"peak memory {run.rss / m.rss:.3f}x"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="builds of each variant per corpus (default: 3)")
    parser.add_argument("--entries", type=int, default=1000, help="synthetic journal size (default: 1000)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from labbook.load.inventory import load_inventory

    ids = sorted(load_inventory(ROOT / "inventory").ids())
    with tempfile.TemporaryDirectory(prefix="labbook-bench-") as tmp:
        base = Path(tmp)
        example = copy_project(base / "example" / "full")
        pre = pre_render(example, base / "example" / "pre", base / "example" / "scratch")
        compare("example site", example, pre, args.rounds, base / "example" / "scratch")
        compare_builders("example site", example, args.rounds, base / "example" / "scratch")

        big = copy_project(base / "big" / "full")
        synthetic_journal(big / "journal", args.entries, ids)
        pre = pre_render(big, base / "big" / "pre", base / "big" / "scratch")
        ratio = compare(f"{args.entries} entries", big, pre, args.rounds, base / "big" / "scratch")
        compare_builders(f"{args.entries} entries", big, args.rounds, base / "big" / "scratch")
    verdict = "ok" if ratio <= GOAL else "over the goal"
    print(f"site build: {ratio:.3f}x CPU at {args.entries} entries (goal <= {GOAL:.2f}x: {verdict})")
    if shutil.which("git"):
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        print(f"at commit {rev.stdout.strip() or '?'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
