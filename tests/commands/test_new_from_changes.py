"""`labbook new --from-changes [SINCE]`: a draft listing the lab's changes, with related: filled in, no prose.

Run end to end (a real process) on the history scenario (tests/history/README.md), whose inventory
is at ``lab/inventory`` beside a journal with one entry of 2025-11-13.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from labbook.load.journal import load_entry
from tests.conftest import run_labbook
from tests.history.conftest import build_scenario

ENTRY = "---\ntitle: GPUs in pods\ndate: 2025-11-13\nrelated: [nvidia-device-plugin]\n---\n\nWritten then.\n"
PATHS = ("--inventory", "lab/inventory", "--journal", "journal")


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("from-changes")
    build_scenario(root / "lab")
    return root


@pytest.fixture
def project(lab: Path, tmp_path: Path) -> Path:
    """A copy of the lab (the repository and a journal) with ``labbook.yaml`` naming its history."""
    shutil.copytree(lab / "lab", tmp_path / "lab", symlinks=True)
    (tmp_path / "journal").mkdir()
    (tmp_path / "journal" / "2025-11-13-gpu.md").write_text(ENTRY, encoding="utf-8")
    (tmp_path / "labbook.yaml").write_text("history:\n  inventory: lab/inventory\n", encoding="utf-8")
    return tmp_path


def test_drafts_the_changes_since_the_newest_entry(project: Path, golden) -> None:
    result = run_labbook("new", "--from-changes", "--date", "2025-12-10", *PATHS, cwd=project)
    assert result.code == 0, result.err
    assert result.out == "journal/2025-12-10-changes-since-2025-11-13.md\n"
    assert result.err == "5 changes since 2025-11-13\n"
    written = project / "journal" / "2025-12-10-changes-since-2025-11-13.md"
    golden("history/new-from-changes.md", written.read_text(encoding="utf-8"))
    entry, problems = load_entry(written)
    assert problems == [] and entry is not None and entry.front.draft
    # the retired PC is named in the body, never in related: (today's inventory has no such id)
    assert entry.front.related == ["nvidia-device-plugin", "spark-a", "cilium"]
    assert run_labbook("validate", *PATHS, cwd=project).code == 0


def test_since_a_date_with_a_title_and_related_of_its_own(project: Path, golden) -> None:
    result = run_labbook(
        "new", "Cilium 1.18.4", "--from-changes", "2025-12-02", "--date", "2025-12-10", "--related", "spark-b",
        *PATHS, cwd=project,
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.err == "2 changes since 2025-12-02\n"
    golden("history/new-from-changes-since.md", (project / "journal" / "2025-12-10-cilium-1-18-4.md").read_text())


@pytest.mark.parametrize(
    "setup,args,expected",
    [
        (None, ("--from-changes", "yesterday"), "--from-changes: 'yesterday' is not a date (expected YYYY-MM-DD"),
        ("history: false\n", ("--from-changes",), "labbook.yaml: history: false in labbook.yaml turns the lab's"),
        ("", ("--from-changes", "--inventory", "elsewhere"), "elsewhere: not in a Git repository"),
    ],
    ids=["since-not-a-date", "history-off", "not-in-git"],
)
def test_bad_input_writes_nothing(project: Path, setup: str | None, args: tuple[str, ...], expected: str) -> None:
    if setup is not None:
        (project / "labbook.yaml").write_text(setup, encoding="utf-8")
    shutil.copytree(project / "lab" / "inventory", project / "elsewhere")  # outside Git
    result = run_labbook("new", *PATHS, *args, cwd=project)
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err.startswith(expected), result.err
    assert sorted(p.name for p in (project / "journal").iterdir()) == ["2025-11-13-gpu.md"]


def test_a_title_is_required_without_from_changes(project: Path) -> None:
    result = run_labbook("new", *PATHS, cwd=project)
    assert result.code == 2 and result.err.startswith("title: missing (expected a title, or --from-changes)")
