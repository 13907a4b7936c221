"""`labbook validate` end to end: exit codes, one line per problem, never a traceback."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.conftest import ROOT, run_labbook

LINE = re.compile(r"^[^:\s]+:\d+(:\d+)?: .+ \(expected .+\)$")


def test_example_is_valid(cli, tmp_path: Path) -> None:
    (tmp_path / "journal").mkdir()
    result = cli("validate", "--journal", str(tmp_path / "journal"))
    assert result.code == 0, result.err
    assert result.out == "ok: 3 nodes, 23 components, 0 journal entries\n"
    assert result.err == ""


def test_problems_from_inventory_and_journal_together_exit_2(tmp_path: Path) -> None:
    inv = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventory", inv)
    hw = inv / "hardware.yaml"
    hw.write_text(hw.read_text().replace("threads: 32", "threads: lots"))
    journal = tmp_path / "journal"
    journal.mkdir()
    (journal / "2026-02-01-a.md").write_text("---\ntitle: A\ndate: 2026-02-03\n---\nx\n")
    (journal / "2026-02-02-b.md").write_text("---\ndate: 2026-02-02\n---\nx\n")
    result = run_labbook("validate", "--inventory", "inventory", "--journal", "journal", cwd=tmp_path)
    assert result.code == 2
    lines = result.err.splitlines()
    assert lines == [
        "inventory/hardware.yaml:15:16: nodes[0].cpu.threads: got 'lots' (expected an integer)",
        "journal/2026-02-01-a.md:3:7: date: 2026-02-03 differs from the file name (expected 2026-02-01)",
        "journal/2026-02-02-b.md:2:1: title: missing required key 'title' (expected it to be set)",
    ]
    assert all(LINE.match(line) for line in lines)
    assert "Traceback" not in result.err and result.out == ""


def test_journal_related_is_checked_only_when_inventory_loads(tmp_path: Path) -> None:
    (tmp_path / "inventory").mkdir()
    journal = tmp_path / "journal"
    journal.mkdir()
    (journal / "2026-02-01-a.md").write_text("---\ntitle: A\ndate: 2026-02-01\nrelated: [ghost]\n---\nx\n")
    result = run_labbook("validate", cwd=tmp_path)
    assert result.code == 2
    assert [line.split(":")[0] for line in result.err.splitlines()] == [
        "inventory/hardware.yaml", "inventory/platform.yaml", "inventory/rdma.yaml", "inventory/site.yaml",
    ]  # fmt: skip


def test_usage_error_is_one_line_exit_2(cli) -> None:
    result = cli("validate", "--nope")
    assert result.code == 2
    assert result.err.strip().splitlines()[-1] == "labbook: unrecognized arguments: --nope (see labbook --help)"


def test_help_documents_exit_codes(cli) -> None:
    result = cli("validate", "--help")
    assert result.code == 0
    for line in ("0  ok / in sync", "1  drift found", "2  bad input", "3  a source could not be read"):
        assert line in result.out
    assert "--inventory DIR" in result.out and "--journal DIR" in result.out
