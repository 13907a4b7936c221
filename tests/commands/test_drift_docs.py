"""`labbook drift docs` end to end: exit codes, report formats, --report/--output, and the repo's own docs."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from labbook.drift.docs import compare_docs, terms
from labbook.formats import FORMATS, render
from labbook.load.inventory import load_inventory
from labbook.sources.prose import read_docs
from tests.conftest import ROOT, run_labbook
from tests.history.example import history_config, make_example

FIXTURES = Path("tests/drift/fixtures/docs")
"""Relative to the repository root, so report paths are stable."""
STALE = str(FIXTURES / "stale" / "docs")
IN_SYNC = str(FIXTURES / "in-sync" / "docs")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
NO_JOURNAL = ("--journal", str(FIXTURES / "no-journal"))
"""A journal folder without entries: these tests are about the pages (the journal's check: test_history_docs)."""
EXT = {"text": "txt", "json": "json", "github": "txt", "markdown": "md", "junit": "xml"}


def _report(docs: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(ROOT)
    inventory = load_inventory(Path("inventory"))
    return compare_docs(inventory, read_docs(Path(docs), terms(inventory), Path("inventory"), inventory), NOW)


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMATS)
@pytest.mark.parametrize("case", ["stale", "in-sync"], ids=["stale", "in-sync"])
def test_report_goldens(case: str, fmt: str, golden, monkeypatch: pytest.MonkeyPatch) -> None:
    report = _report(str(FIXTURES / case / "docs"), monkeypatch)
    golden(f"drift_docs/{case}.{fmt}.{EXT[fmt]}", render(report, fmt))


def test_stale_docs_exit_1_and_print_the_same_report(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    result = cli("drift", "docs", "--docs", STALE, *NO_JOURNAL)
    assert result.code == 1, result.err
    assert result.err == ""
    assert result.out == render(_report(STALE, monkeypatch), "text")


def test_in_sync_docs_exit_0(cli) -> None:
    result = cli("drift", "docs", "--docs", IN_SYNC, *NO_JOURNAL)
    assert result.code == 0, result.err
    assert "in sync: 5 subjects checked" in result.out  # two pages and three inventory files with prose


def test_github_annotations_land_on_the_docs_lines(cli) -> None:
    result = cli("drift", "docs", "--docs", STALE, "--format", "github", *NO_JOURNAL)
    assert result.code == 1
    errors = [line for line in result.out.splitlines() if line.startswith("::error ")]
    assert len(errors) == 10
    assert errors[0].startswith(f"::error file={STALE}/index.md,line=3,col=3,title=mismatch%3A docs/index.md nodes::")
    assert any(f"file={STALE}/infrastructure/gpu-ai.md,line=3," in e and "talos-q9x-2mm" in e for e in errors)


def test_report_and_output_files(cli, tmp_path: Path) -> None:
    report, output = tmp_path / "reports" / "docs.json", tmp_path / "out" / "docs.xml"
    result = cli(
        "drift",
        "docs",
        "--docs",
        STALE,
        "--format",
        "junit",
        "--output",
        str(output),
        "--report",
        str(report),
        *NO_JOURNAL,
    )
    assert result.code == 1
    assert result.out == ""
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["labbook_report"] == 1
    assert data["source"] == "docs"
    assert data["target"] == STALE
    assert data["in_sync"] is False
    assert data["counts"] == {"checked": 5, "drift": 10, "warnings": 0}
    assert {f["code"] for f in data["findings"]} == {"mismatch"}
    assert {f["subject"] for f in data["findings"]} == {"docs/index.md", "docs/infrastructure/gpu-ai.md"}
    assert output.read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert not list(output.parent.glob(".*.tmp")), "atomic write left a temp file behind"


def test_a_missing_docs_folder_is_bad_input(cli) -> None:
    result = cli("drift", "docs", "--docs", "no/such/docs")
    assert result.code == 2
    assert result.out == ""
    assert result.err == "no/such/docs: docs folder not found (expected a folder of markdown pages)\n"


@pytest.mark.parametrize("pages", [[], ["journal/2025-01-01-old.md"], ["notes.txt"]], ids=["empty", "journal", "txt"])
def test_a_docs_folder_without_pages_is_bad_input(cli, tmp_path: Path, pages: list[str]) -> None:
    """Nothing to check is not "in sync": an empty folder, or one with only history or other files, exits 2."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for page in pages:
        (docs / page).parent.mkdir(parents=True, exist_ok=True)
        (docs / page).write_text("56 cores\n", encoding="utf-8")
    result = cli("drift", "docs", "--docs", str(docs))
    assert result.code == 2, result.out
    assert result.out == ""
    assert result.err == (
        f"{docs.as_posix()}: no markdown pages in the docs folder (expected the site's pages, e.g. index.md)\n"
    )


def test_a_four_node_tagline_is_found_at_its_line_and_column(cli, inventory_copy: Path) -> None:
    site = inventory_copy / "site.yaml"
    text = site.read_text(encoding="utf-8")
    site.write_text(text.replace("tagline: homelab", "tagline: four-node homelab"), encoding="utf-8")
    line = text.splitlines().index("tagline: homelab kubernetes & gpu infrastructure") + 1
    result = cli(
        "drift", "docs", "--docs", IN_SYNC, "--inventory", str(inventory_copy), "--format", "json", *NO_JOURNAL
    )
    assert result.code == 1, result.err
    (finding,) = json.loads(result.out)["findings"]
    assert finding["subject"] == "inventory/site.yaml"
    assert finding["field"] == "nodes"
    assert (finding["documented"], finding["observed"]) == (4, 3)
    assert finding["where"] == {
        "file": f"{inventory_copy.as_posix()}/site.yaml",
        "line": line,
        "col": 10,
        "object": None,
    }


def test_the_report_records_the_inputs_it_judged(cli, tmp_path: Path) -> None:
    report = tmp_path / "docs.json"
    assert cli("drift", "docs", "--docs", IN_SYNC, "--report", str(report), *NO_JOURNAL).code == 0
    inputs = json.loads(report.read_text(encoding="utf-8"))["inputs"]
    assert sorted(inputs["inventory"]) == ["hardware.yaml", "platform.yaml", "rdma.yaml", "site.yaml"]
    assert sorted(inputs["docs"]) == ["index.md", "infrastructure/hardware.md"]  # docs/journal/ is not a page
    assert inputs["journal"] == {}  # the journal folder's entries, judged against their date
    digest = hashlib.sha256((ROOT / "inventory" / "site.yaml").read_bytes()).hexdigest()
    assert inputs["inventory"]["site.yaml"] == f"sha256:{digest}"


def test_a_check_that_cannot_run_replaces_the_saved_report(cli, tmp_path: Path) -> None:
    """The last good report must not outlive a failing check: the saved report says it failed."""
    report = tmp_path / "docs.json"
    assert cli("drift", "docs", "--docs", IN_SYNC, "--report", str(report), *NO_JOURNAL).code == 0
    assert json.loads(report.read_text(encoding="utf-8"))["in_sync"] is True
    result = cli("drift", "docs", "--docs", "no/such/docs", "--report", str(report))
    assert result.code == 2
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["in_sync"] is False
    assert data["error"] == "no/such/docs: docs folder not found (expected a folder of markdown pages)"
    assert data["findings"] == [] and "inputs" not in data


def test_a_broken_inventory_is_bad_input_with_file_lines(cli, inventory_copy: Path) -> None:
    hw = inventory_copy / "hardware.yaml"
    hw.write_text(hw.read_text(encoding="utf-8").replace("      cores: 16\n", "      cores: many\n"), encoding="utf-8")
    result = cli("drift", "docs", "--docs", IN_SYNC, "--inventory", str(inventory_copy))
    assert result.code == 2
    (line,) = result.err.splitlines()
    assert line.endswith("hardware.yaml:14:14: nodes[0].cpu.cores: got 'many' (expected an integer)")


def test_real_process_exit_codes_and_no_traceback() -> None:
    stale = run_labbook("drift", "docs", "--docs", STALE, "--format", "json", *NO_JOURNAL)
    assert stale.code == 1, stale.err
    assert json.loads(stale.out)["counts"]["drift"] == 10
    missing = run_labbook("drift", "docs", "--docs", "nope")
    assert missing.code == 2
    assert "Traceback" not in missing.err
    assert missing.err.strip() == "nope: docs folder not found (expected a folder of markdown pages)"


def test_the_repositorys_own_docs_are_in_sync(cli, tmp_path: Path) -> None:
    """What `make check` and the CI validate job run: the hand-written pages agree with the example inventory,
    and every journal entry with the example history's inventory of its date (labbook.yaml's history:)."""
    if not (ROOT / "docs").is_dir():
        pytest.skip("docs/ does not exist yet: the site has not been written")
    config = history_config(tmp_path, make_example(tmp_path / "example"))
    result = cli("drift", "docs", "--config", str(config), "--format", "json")
    assert result.code == 0, result.out
    report = json.loads(result.out)
    entries = sorted(p.name for p in (ROOT / "journal").glob("*.md"))
    assert [s for s in report["subjects"] if s.startswith("journal/")] == [f"journal/{e}" for e in entries]
    assert report["warnings"] == []
