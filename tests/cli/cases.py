"""Every case of issue 11, as data: what a user does, and exactly how labbook must answer.

``tests/cli/test_contract.py`` runs them.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import ROOT

FLUX = ROOT / "examples" / "flux"
KNOWN_NODES = "talos-76w-3r0, talos-7aj-lwl, talos-ysi-4k0"


@dataclass(frozen=True)
class Case:
    """One thing a user can do, and exactly how labbook must answer."""

    id: str
    argv: tuple[str, ...]
    code: int
    first: str | re.Pattern[str]
    """The first line of stderr (or of ``stream``): exact text, or a pattern for lines worded on another branch."""
    setup: Callable[[Path], None] = lambda root: None
    stream: str = "err"
    more: tuple[str, ...] = field(default_factory=tuple)
    """Further lines that must follow the first one (an empty tuple: nothing is checked)."""


def write(rel: str, text: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    return setup


def entry(name: str, front: str, body: str = "Text.\n") -> Callable[[Path], None]:
    return write(f"journal/{name}", f"---\n{front}---\n\n{body}")


def edit(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return setup


def both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        for step in steps:
            step(root)

    return setup


def rename(old: str, new: str) -> Callable[[Path], None]:
    return lambda root: (root / old).rename(root / new)


def _pos(rel: str, needle: str) -> str:
    """``line:col`` of ``needle`` in the example file, after the same edit."""
    text = (ROOT / rel).read_text(encoding="utf-8").replace("talos-ysi-4k0\n        nic", needle + "\n        nic", 1)
    at = text.index(needle)
    return f"{text.count(chr(10), 0, at) + 1}:{at - text.rfind(chr(10), 0, at)}"


SERIES = (
    entry("2026-01-01-a.md", "title: A\ndate: 2026-01-01\nseries: RDMA on Kubernetes\n"),
    entry("2026-01-02-b.md", "title: B\ndate: 2026-01-02\nseries: RDMA on Kubernetes\n"),
    entry("2026-01-03-c.md", "title: C\ndate: 2026-01-03\nseries: RDMA on Kubernets\n"),
)

CASES = [
    # --- exit 70 on bad input, now exit 2 with the path ------------------------------------------------------------
    Case(
        "output-is-a-folder",
        ("drift", "flux", "--repo", str(FLUX), "--output", "inventory"),
        2,
        "inventory: is a folder (expected a file name to write the output to)",
    ),
    Case(
        "output-under-a-file",
        ("drift", "docs", "--output", "some/file/x.txt"),
        2,
        "some/file/x.txt: cannot write the output: some/file is a file, not a folder (expected a writable folder)",
        setup=write("some/file", "not a folder\n"),
    ),
    Case(
        "report-in-proc",
        ("drift", "docs", "--report", "/proc/x.json"),
        2,
        "/proc/x.json: cannot write the report: /proc does not take new files (expected a writable folder)",
    ),
    Case(
        "report-parent-cannot-be-made",
        ("drift", "docs", "--report", "/proc/labbook/x.json"),
        2,
        "/proc/labbook/x.json: cannot write the report: /proc/labbook cannot be created: /proc does not take new "
        "files (expected a writable folder)",
    ),
    Case(
        "new-journal-is-a-file",
        ("new", "Title", "--journal", "notes.txt"),
        2,
        "notes.txt: is a file, not a folder (expected a writable folder for journal entries)",
        setup=write("notes.txt", "mine\n"),
    ),
    Case(  # /proc/1/fdinfo and its like cannot be read, even by root: that once crashed the reader
        "repo-is-proc",
        ("drift", "flux", "--repo", "/proc"),
        2,
        re.compile(r"^/proc: no Flux entry point found \(expected .+ folders could not be read, e\.g\. .+\)$"),
    ),
    # --- no silent defaults ------------------------------------------------------------------------------------------
    Case(
        "no-repo-and-no-config",
        ("drift", "flux"),
        2,
        "labbook drift flux: no Flux repository to check (expected --repo DIR, or flux: repo: in labbook.yaml); "
        "hint: run from the folder that holds labbook.yaml, or give --repo",
    ),
    Case(
        "config-given-but-missing",
        ("validate", "--config", "labook.yaml"),
        2,
        "labook.yaml: file not found (expected an existing file)",
    ),
    Case(
        "flux-list-without-repo",
        ("flux", "list"),
        2,
        "labbook flux list: no Flux repository to check (expected --repo DIR, or flux: repo: in labbook.yaml); "
        "hint: run from the folder that holds labbook.yaml, or give --repo",
    ),
    Case(
        "path-outside-the-repo",
        ("drift", "flux", "--repo", str(FLUX), "--path", "/etc"),
        2,
        re.compile(r"^(?!.*flux/etc).*/etc\b.*\(expected .+\)"),
    ),
    Case(
        "repo-is-a-file",
        ("drift", "flux", "--repo", "README.md"),
        2,
        "README.md: is a file (expected a checked-out Flux repository folder)",
        setup=write("README.md", "# mine\n"),
    ),
    Case(
        "unknown-inventory-file",
        ("validate",),
        0,
        "warning: inventory/extra.yaml: not read: not an inventory file "
        "(expected hardware.yaml, platform.yaml, rdma.yaml, site.yaml)",
        setup=write("inventory/extra.yaml", "nodes: []\n"),
    ),
    Case(
        "journal-markdown-suffix",
        ("validate",),
        0,
        "warning: journal/2026-01-01-x.markdown: not read: file name is not a journal entry name "
        "(expected YYYY-MM-DD-slug.md); hint: rename it to 2026-01-01-x.md",
        setup=write("journal/2026-01-01-x.markdown", "---\ntitle: X\ndate: 2026-01-01\n---\n\nText.\n"),
    ),
    Case(
        "yml-instead-of-yaml",
        ("validate",),
        2,
        "inventory/hardware.yaml: file not found (expected an existing file); "
        "hint: rename inventory/hardware.yml to hardware.yaml",
        setup=rename("inventory/hardware.yaml", "inventory/hardware.yml"),
    ),
    # --- plain-language messages -------------------------------------------------------------------------------------
    Case(
        "date-that-does-not-exist",
        ("validate",),
        2,
        "journal/2026-02-30-x.md:3:7: date: 2026-02-30 is not a date: day is out of range for month "
        "(expected a date that exists, like 2026-01-31)",
        setup=entry("2026-02-30-x.md", "title: X\ndate: 2026-02-30\n"),
    ),
    Case(
        "datetime-date",
        ("validate",),
        2,
        "journal/2026-01-05-x.md:3:7: date: got 2026-01-05 09:30:00 (expected a date without a time, like 2026-01-05)",
        setup=entry("2026-01-05-x.md", "title: X\ndate: 2026-01-05 09:30:00\n"),
    ),
    Case(
        "front-matter-never-closed",
        ("validate",),
        2,
        "journal/2026-01-05-x.md:1:1: front matter is not closed (expected a '---' line after the title, date and "
        "other keys); hint: add a line with only '---' before the text",
        setup=write("journal/2026-01-05-x.md", "---\ntitle: X\ndate: 2026-01-05\n\nText.\n"),
    ),
    Case(
        "new-tags-are-lowercased",
        ("new", "Title", "--tags", "Hardware", "--date", "2026-01-05"),
        0,
        "journal/2026-01-05-title.md",
        stream="out",
    ),
    Case(
        "node-typo",
        ("validate",),
        2,
        f"inventory/rdma.yaml:{_pos('inventory/rdma.yaml', 'talos-ysi-4kO')}: links[0].endpoints[1].node: unknown "
        f"node 'talos-ysi-4kO' (did you mean 'talos-ysi-4k0'? expected one of: {KNOWN_NODES})",
        setup=edit("inventory/rdma.yaml", "talos-ysi-4k0\n        nic", "talos-ysi-4kO\n        nic"),
    ),
    Case(
        "component-typo-in-related",
        ("validate",),
        2,
        "journal/2026-01-05-x.md:4:11: related[0]: unknown id 'cilum' (did you mean 'cilium'? "
        "expected a component or node id)",
        setup=entry("2026-01-05-x.md", "title: X\ndate: 2026-01-05\nrelated: [cilum]\n"),
    ),
    Case(
        "node-typo-in-related",
        ("validate",),
        2,
        "journal/2026-01-05-x.md:4:11: related[0]: unknown id 'talos-ysi-4kO' (did you mean 'talos-ysi-4k0'? "
        "expected a component or node id)",
        setup=entry("2026-01-05-x.md", "title: X\ndate: 2026-01-05\nrelated: [talos-ysi-4kO]\n"),
    ),
    Case(
        "tag-in-capitals",
        ("validate",),
        2,
        "journal/2026-01-05-x.md:4:8: tags[0]: got 'Hardware' (did you mean 'hardware'? expected a lowercase tag: "
        "lowercase letters, digits and '-', starting and ending with a letter or digit)",
        setup=entry("2026-01-05-x.md", "title: X\ndate: 2026-01-05\ntags: [Hardware]\n"),
    ),
    Case(
        "series-typo",
        ("validate",),
        0,
        "warning: journal/2026-01-03-c.md:4:9: series: 'RDMA on Kubernets' is used by no other entry "
        "(did you mean 'RDMA on Kubernetes'?)",
        setup=both(*SERIES),
    ),
    Case(
        "colon-in-a-title",
        ("validate",),
        2,
        "journal/2026-01-05-x.md:2:12: a ': ' inside an unquoted value (expected the whole value in quotes); "
        'hint: write title: "Test: with colon"',
        setup=entry("2026-01-05-x.md", "title: Test: with colon\ndate: 2026-01-05\n"),
    ),
    Case(
        "list-item-out-of-line",
        ("validate",),
        2,
        "journal/2026-01-05-x.md:6:3: this line is not aligned with the list items above it (expected '- ' at the "
        "list's indentation); hint: start every item of one list with '- ' at the same indentation",
        setup=entry("2026-01-05-x.md", "title: X\ndate: 2026-01-05\ntags:\n  - a\n  -b: c\n"),
    ),
    Case(
        "bad-kubeconfig-is-one-plain-line",
        ("drift", "cluster", "--kubeconfig", "kc.yaml"),
        2,
        "kc.yaml:2:11: a '[' that is not closed (expected its items and a closing ']'); "
        "hint: quote values that contain ',', '[' or ']'",
        setup=write("kc.yaml", "apiVersion: v1\nclusters: [\n"),
    ),
    Case(
        "empty-docs-folder",
        ("drift", "docs", "--docs", "empty"),
        2,
        re.compile(r"^empty: .*\(expected .+\)"),
        setup=lambda root: (root / "empty").mkdir(),
    ),
    # --- labbook new ---------------------------------------------------------------------------------------------------
    Case(
        "new-slug-taken-under-another-date",
        ("new", "Same", "--date", "2026-02-02"),
        2,
        "journal/2026-02-02-same.md: slug 'same' is already used by journal/2026-01-01-same.md (expected a new title)",
        setup=entry("2026-01-01-same.md", "title: Same\ndate: 2026-01-01\n"),
    ),
    Case(
        "new-long-title-cut-between-words",
        (
            "new",
            "Running NCCL all-reduce across two DGX Sparks over one ConnectX-7 cable with GPUDirect",
            "--date",
            "2026-01-05",
        ),
        0,
        "journal/2026-01-05-running-nccl-all-reduce-across-two-dgx-sparks-over-one-connectx-7-cable-with.md",
        stream="out",
    ),
    # --- small things ----------------------------------------------------------------------------------------------
    Case(
        "name-too-long",
        ("validate", "--inventory", "x" * 300),
        2,
        f"{'x' * 300}: cannot use this inventory folder: the name is too long (expected a folder of YAML files)",
    ),
    Case(
        "name-too-long-anywhere-else",
        ("schema", "--check", "--output", "x" * 300),
        2,
        f"{'x' * 300}: cannot use this path: the name is too long (expected a usable file or folder)",
    ),
    Case(
        "mistyped-option",
        ("drift", "flux", "--repoo", "x"),
        2,
        "labbook drift flux: unrecognized arguments: --repoo x; did you mean --repo? (see labbook drift flux --help)",
    ),
    Case(
        "bad-timeout",
        ("drift", "cluster", "--snapshot", str(ROOT / "examples/cluster/snapshot.yaml"), "--timeout", "-1"),
        2,
        "--timeout: got -1 (expected a positive number of seconds)",
    ),
]


def scratch(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copytree(ROOT / "inventory", root / "inventory")
    shutil.copytree(ROOT / "docs", root / "docs")
    (root / "journal").mkdir()
    return root
