"""`labbook validate` end to end: exit codes, one line per problem, never a traceback."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

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


def test_usage_error_is_one_line_named_after_the_subcommand(cli) -> None:
    result = cli("validate", "--nope")
    assert result.code == 2
    assert result.err == "labbook validate: unrecognized arguments: --nope (see labbook validate --help)\n"
    typo = cli("validate", "--invetory", "x")
    assert typo.err == (
        "labbook validate: unrecognized arguments: --invetory x; did you mean --inventory? "
        "(see labbook validate --help)\n"
    )


@pytest.mark.parametrize(
    "argv,codes",
    [
        (["validate"], "02"),
        (["new"], "02"),
        (["schema"], "012"),
        (["init"], "02"),
        (["flux", "list"], "02"),
        (["drift", "flux"], "012"),
        (["drift", "docs"], "012"),
        (["drift", "cluster"], "0123"),
        (["snapshot"], "023"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else v,
)
def test_help_lists_the_exit_codes_the_command_can_return(cli, argv: list[str], codes: str) -> None:
    result = cli(*argv, "--help")
    assert result.code == 0
    listed = result.out.split("exit codes:\n", 1)[1]
    assert [line.split()[0] for line in listed.splitlines() if line.strip()] == list(codes)
    assert ("drift found" in listed) == ("drift" in argv)
    assert "--inventory DIR" in result.out and "--journal DIR" in result.out


def test_warnings_are_printed_and_do_not_fail(cli, tmp_path: Path, inventory_copy: Path) -> None:
    (inventory_copy / "extra.yaml").write_text("a: 1\n")
    (tmp_path / "journal").mkdir()
    result = cli("validate", cwd=tmp_path)
    assert result.code == 0
    assert result.err == (
        "warning: inventory/extra.yaml: not read: not an inventory file "
        "(expected hardware.yaml, platform.yaml, rdma.yaml, site.yaml)\n"
    )
