"""The command-line contract, case by case (issue 11): every exit code in 0-3, the exact first line of the message.

Each case runs ``labbook`` in-process from a scratch folder holding a copy of the example
inventory and an empty journal, after its own setup.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.cli.cases import CASES, Case, scratch
from tests.conftest import ROOT, Result


def params(cases: list[Case]) -> list:
    """Cases as pytest params, named by their ids."""
    return [pytest.param(case, id=case.id) for case in cases]


def run_case(cli, tmp_path: Path, case: Case) -> Result:
    root = scratch(tmp_path)
    case.setup(root)
    return cli(*case.argv, cwd=root)


@pytest.mark.parametrize("case", params(CASES))
def test_exit_code_and_first_line(cli, tmp_path: Path, case: Case) -> None:
    result = run_case(cli, tmp_path, case)
    text = result.err if case.stream == "err" else result.out
    lines = text.splitlines()
    assert (result.code, "Traceback" in result.err) == (case.code, False), result.err
    assert lines, f"nothing on std{case.stream}"
    if isinstance(case.first, re.Pattern):
        assert case.first.search(lines[0]), lines
        assert len(result.err.splitlines()) == 1, result.err
    else:
        assert lines[0] == case.first


@pytest.mark.parametrize("case", params(CASES))
def test_no_case_is_an_internal_error(cli, tmp_path: Path, case: Case) -> None:
    """Exit 70 is for bugs: nothing a user can type or write ends there, nor prints a traceback."""
    result = run_case(cli, tmp_path, case)
    assert 0 <= result.code <= 3, result.err
    assert "internal error" not in result.err and "Traceback" not in result.err
    assert all(not line.startswith(" ") for line in result.err.splitlines()), "one line per problem"


def test_the_new_entry_of_the_tags_case_is_lowercase(cli, tmp_path: Path) -> None:
    case = next(c for c in CASES if c.id == "new-tags-are-lowercased")
    root = tmp_path / "project"
    assert run_case(cli, tmp_path, case).code == 0
    assert yaml.safe_load((root / "journal/2026-01-05-title.md").read_text().split("---")[1])["tags"] == ["hardware"]


# --- a cluster read with TLS checks off: one warning at most -------------------------------------------------------


def test_insecure_skip_tls_verify_warns_once(serve, tmp_path: Path) -> None:
    server = serve("homelab")
    kc = server.kubeconfig(tmp_path / "kc.yaml", insecure=True)
    proc = subprocess.run(
        [sys.executable, "-m", "labbook", "drift", "cluster", "--kubeconfig", str(kc)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "warnings.warn(" not in proc.stderr
    assert proc.stderr.count("InsecureRequestWarning") <= 1
