"""`labbook drift flux` end to end: defaults, exit codes, errors as one line each, --output, --help."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import ROOT, run_labbook


def test_default_repo_is_the_embedded_example_and_it_is_in_sync():
    result = run_labbook("drift", "flux")
    assert result.code == 0, result.err
    assert result.out.startswith("labbook drift flux: examples/flux")
    assert result.out.rstrip().endswith("in sync: 23 subjects checked, 1 warning")
    assert result.err == ""


def test_bad_inventory_and_bad_repo_are_reported_together(tmp_path: Path):
    inv = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventory", inv)
    platform = inv / "platform.yaml"
    platform.write_text(platform.read_text().replace("version: 1.18.4", "version: [1, 2]", 1))
    result = run_labbook("drift", "flux", "--inventory", "inventory", "--repo", "no-such-repo", cwd=tmp_path)
    assert result.code == 2
    lines = result.err.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("inventory/platform.yaml:30:22: ") and "(expected a string)" in lines[0]
    assert lines[1] == "no-such-repo: repository folder not found (expected a checked-out Flux repository)"
    assert "Traceback" not in result.err and result.out == ""


def test_unknown_path_is_bad_input(tmp_path: Path):
    result = run_labbook("drift", "flux", "--path", "clusters/staging")
    assert result.code == 2
    assert result.err == (
        "examples/flux/clusters/staging: entry point not found or holds no files Flux reads (expected a folder such "
        "as clusters/<name>)\n"
    )


def test_usage_error_is_one_line_and_exit_2():
    result = run_labbook("drift", "flux", "--format", "yaml")
    assert result.code == 2
    assert len(result.err.splitlines()) == 1 and "invalid choice: 'yaml'" in result.err


def test_help_documents_the_exit_codes():
    result = run_labbook("drift", "flux", "--help")
    assert result.code == 0
    for line in ("0  ok / in sync", "1  drift found", "2  bad input"):
        assert line in result.out
    assert "--fix" in result.out and "--path" in result.out


def test_output_file_is_written_and_stdout_stays_empty(tmp_path: Path):
    result = run_labbook(
        "drift", "flux", "--repo", str(ROOT / "examples/flux"), "--format", "json", "-o", str(tmp_path / "r.json")
    )
    assert result.code == 0 and result.out == ""
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["in_sync"] is True and report["counts"]["checked"] == 23


def test_fix_output_goes_to_stderr_when_stdout_is_machine_readable(tmp_path: Path):
    shutil.copytree(ROOT / "examples" / "flux", tmp_path / "repo")
    shutil.copytree(ROOT / "inventory", tmp_path / "inventory")
    hr = tmp_path / "repo/infrastructure/network/metallb/helmrelease.yaml"
    hr.write_text(hr.read_text().replace("version: 0.15.2", "version: 0.15.3"))
    result = run_labbook(
        "drift", "flux", "--repo", "repo", "--inventory", "inventory", "--fix", "--format", "json", cwd=tmp_path
    )
    assert result.code == 0, result.err
    assert json.loads(result.out)["in_sync"] is True
    assert result.err.startswith("fixed: inventory/platform.yaml:")
    assert "component/metallb chart.version: 0.15.2 -> 0.15.3" in result.err
