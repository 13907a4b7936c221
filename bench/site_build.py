"""Site build time with the macros and the journal hook, against the same pages pre-rendered, side by side.

For each corpus (the example site, then the example site plus a synthetic journal
of 1,000 entries) it prepares, in a temp dir:

- **full**: the project as it is: mkdocs-macros renders the opted-in pages and
  ``hooks/journal.py`` adds the journal and appends series and related links;
- **pre-rendered**: the same pages with macros and the hook switched off. Every
  page's final markdown (after macros and the hook) is captured from one build
  and written out as plain pages, journal entries as ordinary blog posts.

Both are built as fresh ``mkdocs build --strict`` processes, interleaved (the
order flips every round, so drift in the machine's speed hits both alike), and
compared by their medians. The ratio is taken on CPU time (user + system of the
build process), which other work on a shared machine disturbs far less than
wall time; wall time is printed beside it. Goal: at most 1.10x at 1,000 entries.

    .venv/bin/python bench/site_build.py [--rounds 3] [--entries 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GOAL = 1.10
PARTS = ("mkdocs.yml", "docs", "journal", "inventory", "macros", "hooks")

CAPTURE_HOOK = '''
"""Bench only: write each page's final markdown (after macros and the journal hook) to CAPTURE_DIR."""
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


def mkdocs_build(project: Path, site: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one ``mkdocs build --strict``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"mkdocs build in {project} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def without_macros_and_hook(config: str) -> str:
    """``mkdocs.yml`` with the ``hooks:`` list and the macros plugin taken out (and ``watch:``, which
    names folders the pre-rendered copy does not have)."""
    out: list[str] = []
    skipping = None  # "hooks" (until the next top-level key) or "macros" (until the next plugin)
    for line in config.splitlines(keepends=True):
        top_level = bool(line.strip()) and not line.startswith((" ", "#"))
        ends = {"hooks": top_level, "macros": top_level or line.startswith("  - ")}
        if skipping is not None and ends[skipping]:
            skipping = None
        if line.startswith(("hooks:", "watch:")):
            skipping = "hooks"
        elif line.startswith("  - macros:"):
            skipping = "macros"
        if skipping is None:
            out.append(line)
    return "".join(out)


def pre_render(full: Path, dest: Path, scratch: Path) -> Path:
    """The pre-rendered twin of ``full``: captured final markdown as plain pages, no macros, no hook."""
    capture = scratch / "capture"
    (full / "bench_capture.py").write_text(CAPTURE_HOOK, encoding="utf-8")
    config = (full / "mkdocs.yml").read_text(encoding="utf-8")
    (full / "mkdocs.capture.yml").write_text(
        config.replace("  - hooks/journal.py\n", "  - hooks/journal.py\n  - bench_capture.py\n"), encoding="utf-8"
    )
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
    (dest / "mkdocs.yml").write_text(without_macros_and_hook(config), encoding="utf-8")
    for page in (full / "docs").rglob("*.md"):
        rel = page.relative_to(full / "docs").as_posix()
        captured = capture / rel
        if captured.exists():  # blog views are regenerated by the blog plugin, not captured
            front = _front(page.read_text(encoding="utf-8"))
            (dest / "docs" / rel).write_text(front + captured.read_text(encoding="utf-8"), encoding="utf-8")
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


def compare(name: str, full: Path, pre: Path, rounds: int, scratch: Path) -> float:
    mkdocs_build(full, scratch / "warm-a")  # warm the OS file cache and .pyc files before measuring
    mkdocs_build(pre, scratch / "warm-b")
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    for i in range(rounds):
        pair = [(full, ours), (pre, theirs)]
        for project, sink in pair if i % 2 == 0 else reversed(pair):
            site = scratch / f"site-{len(ours) + len(theirs)}"
            sink.append(mkdocs_build(project, site))
            shutil.rmtree(site)
    wall_a, wall_b = (statistics.median(w for w, _ in runs) for runs in (ours, theirs))
    cpu_a, cpu_b = (statistics.median(c for _, c in runs) for runs in (ours, theirs))
    entries = sum(1 for _ in (full / "journal").glob("*.md"))
    print(f"{name} ({entries} journal entries, {rounds} interleaved builds each, medians):")
    print(f"  full (macros + hook):                 CPU {cpu_a:7.2f} s   wall {wall_a:7.2f} s")
    print(f"  pre-rendered (no macros, no hook):    CPU {cpu_b:7.2f} s   wall {wall_b:7.2f} s")
    print(f"  ratio: CPU {cpu_a / cpu_b:.3f}x   wall {wall_a / wall_b:.3f}x")
    return cpu_a / cpu_b


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

        big = copy_project(base / "big" / "full")
        synthetic_journal(big / "journal", args.entries, ids)
        pre = pre_render(big, base / "big" / "pre", base / "big" / "scratch")
        ratio = compare(f"{args.entries} entries", big, pre, args.rounds, base / "big" / "scratch")
    verdict = "ok" if ratio <= GOAL else "over the goal"
    print(f"site build: {ratio:.3f}x CPU at {args.entries} entries (goal <= {GOAL:.2f}x: {verdict})")
    if shutil.which("git"):
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        print(f"at commit {rev.stdout.strip() or '?'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
