"""`labbook drift docs` end to end: exit codes, report formats, --report/--output, and the repo's own docs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from labbook.drift.docs import compare_docs, name_shapes
from labbook.formats import FORMATS, render
from labbook.load.inventory import load_inventory
from labbook.sources.prose import read_docs
from tests.conftest import ROOT, run_labbook

FIXTURES = Path("tests/drift/fixtures/docs")
"""Relative to the repository root, so report paths are stable."""
STALE = str(FIXTURES / "stale" / "docs")
IN_SYNC = str(FIXTURES / "in-sync" / "docs")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
EXT = {"text": "txt", "json": "json", "github": "txt", "markdown": "md", "junit": "xml"}


def _report(docs: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(ROOT)
    inventory = load_inventory(Path("inventory"))
    return compare_docs(inventory, read_docs(Path(docs), name_shapes(inventory)), NOW)


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMATS)
@pytest.mark.parametrize("case", ["stale", "in-sync"], ids=["stale", "in-sync"])
def test_report_goldens(case: str, fmt: str, golden, monkeypatch: pytest.MonkeyPatch) -> None:
    report = _report(str(FIXTURES / case / "docs"), monkeypatch)
    golden(f"drift_docs/{case}.{fmt}.{EXT[fmt]}", render(report, fmt))


def test_stale_docs_exit_1_and_print_the_same_report(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    result = cli("drift", "docs", "--docs", STALE)
    assert result.code == 1, result.err
    assert result.err == ""
    assert result.out == render(_report(STALE, monkeypatch), "text")


def test_in_sync_docs_exit_0(cli) -> None:
    result = cli("drift", "docs", "--docs", IN_SYNC)
    assert result.code == 0, result.err
    assert "in sync: 2 subjects checked" in result.out


def test_github_annotations_land_on_the_docs_lines(cli) -> None:
    result = cli("drift", "docs", "--docs", STALE, "--format", "github")
    assert result.code == 1
    errors = [line for line in result.out.splitlines() if line.startswith("::error ")]
    assert len(errors) == 7
    assert errors[0].startswith(f"::error file={STALE}/index.md,line=3,title=mismatch%3A docs/index.md nodes::")
    assert any(f"file={STALE}/infrastructure/gpu-ai.md,line=3," in e and "talos-q9x-2mm" in e for e in errors)


def test_report_and_output_files(cli, tmp_path: Path) -> None:
    report, output = tmp_path / "reports" / "docs.json", tmp_path / "out" / "docs.xml"
    result = cli(
        "drift", "docs", "--docs", STALE, "--format", "junit", "--output", str(output), "--report", str(report)
    )
    assert result.code == 1
    assert result.out == ""
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["labbook_report"] == 1
    assert data["source"] == "docs"
    assert data["target"] == STALE
    assert data["in_sync"] is False
    assert data["counts"] == {"checked": 2, "drift": 7, "warnings": 0}
    assert {f["code"] for f in data["findings"]} == {"mismatch"}
    assert {f["subject"] for f in data["findings"]} == {"docs/index.md", "docs/infrastructure/gpu-ai.md"}
    assert output.read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert not list(output.parent.glob(".*.tmp")), "atomic write left a temp file behind"


def test_a_missing_docs_folder_is_bad_input(cli) -> None:
    result = cli("drift", "docs", "--docs", "no/such/docs")
    assert result.code == 2
    assert result.out == ""
    assert result.err == "no/such/docs: docs folder not found (expected a folder of markdown pages)\n"


def test_a_broken_inventory_is_bad_input_with_file_lines(cli, inventory_copy: Path) -> None:
    hw = inventory_copy / "hardware.yaml"
    hw.write_text(hw.read_text(encoding="utf-8").replace("      cores: 16\n", "      cores: many\n"), encoding="utf-8")
    result = cli("drift", "docs", "--docs", IN_SYNC, "--inventory", str(inventory_copy))
    assert result.code == 2
    (line,) = result.err.splitlines()
    assert line.endswith("hardware.yaml:14:14: nodes[0].cpu.cores: got 'many' (expected an integer)")


def test_real_process_exit_codes_and_no_traceback() -> None:
    stale = run_labbook("drift", "docs", "--docs", STALE, "--format", "json")
    assert stale.code == 1, stale.err
    assert json.loads(stale.out)["counts"]["drift"] == 7
    missing = run_labbook("drift", "docs", "--docs", "nope")
    assert missing.code == 2
    assert "Traceback" not in missing.err
    assert missing.err.strip() == "nope: docs folder not found (expected a folder of markdown pages)"


def test_the_repositorys_own_docs_are_in_sync(cli) -> None:
    """What the CI validate job runs: the hand-written pages agree with the example inventory."""
    if not (ROOT / "docs").is_dir():
        pytest.skip("docs/ does not exist yet: the site has not been written")
    result = cli("drift", "docs")
    assert result.code == 0, result.out
