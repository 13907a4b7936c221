"""`labbook drift docs` on journal entries: each judged against the inventory as of its date.

The scenario (tests/history/README.md) has three nodes until the old PC is retired on 2025-12-01,
two after. An entry of November that says "three-node cluster" was right when written and must
not be flagged for being old; the same words in an entry of December are wrong and must be
caught at their line and column; an entry older than the history is left out, and the report
says so.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_labbook
from tests.history.conftest import build_scenario

CLAIM = "Our three-node cluster runs everything through Flux."


def _entry(date: str, slug: str) -> str:
    return f"---\ntitle: Notes of {date}\ndate: {date}\n---\n\n{CLAIM}\n"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("history-docs")
    build_scenario(root / "lab")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n\nThe lab's documentation.\n", encoding="utf-8")
    journal = root / "journal"
    journal.mkdir()
    for date, slug in (("2025-09-01", "before"), ("2025-11-13", "november"), ("2025-12-03", "december")):
        (journal / f"{date}-{slug}.md").write_text(_entry(date, slug), encoding="utf-8")
    return root


def _check(root: Path, *extra: str) -> tuple[int, dict]:
    result = run_labbook(
        "drift", "docs", "--docs", "docs", "--journal", "journal", "--inventory", "lab/inventory",
        "--format", "json", *extra, cwd=root,
    )  # fmt: skip
    assert "Traceback" not in result.err
    return result.code, json.loads(result.out)


def test_each_entry_is_judged_by_the_lab_of_its_date(lab: Path) -> None:
    code, report = _check(lab)
    assert code == 1
    (finding,) = report["findings"]  # only December's: in November the lab had three nodes
    assert finding["subject"] == "journal/2025-12-03-december.md"
    where = finding["where"]
    assert (where["file"], where["line"], where["col"]) == ("journal/2025-12-03-december.md", 6, 5)
    assert (finding["documented"], finding["observed"]) == (3, 2)
    assert "the inventory as of 2025-12-03 (commit " in finding["message"]
    assert finding["source"]["file"].endswith(":inventory/hardware.yaml")
    subjects = [s for s in report["subjects"] if s.startswith("journal/")]
    assert subjects == ["journal/2025-11-13-november.md", "journal/2025-12-03-december.md"]
    (warning,) = [w for w in report["warnings"] if "2025-09-01" in w["message"]]
    assert "starts later, on 2025-10-01" in warning["message"]


def test_without_history_entries_are_left_out_and_the_report_says_why(lab: Path, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(lab, root, ignore=shutil.ignore_patterns(".git"))  # the same files, outside Git
    code, report = _check(root)
    assert code == 0 and report["findings"] == []
    assert not [s for s in report["subjects"] if s.startswith("journal/")]
    assert any("not in a Git repository" in w["message"] for w in report["warnings"]), report["warnings"]


def test_history_false_leaves_the_journal_out(lab: Path, tmp_path: Path) -> None:
    config = tmp_path / "labbook.yaml"
    config.write_text("history: false\n", encoding="utf-8")
    code, report = _check(lab, "--config", str(config))
    assert code == 0 and report["findings"] == []
    assert any("history: false" in w["message"] for w in report["warnings"]), report["warnings"]
