"""Commands that do not talk to a cluster never import the kubernetes client (it costs start-up time)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

IMPORTED = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*(?P<module>\S+)\s*$", re.M)


def imported_modules(*argv: str) -> tuple[int, set[str]]:
    """Exit code and every module ``python -X importtime`` saw imported while running ``argv``."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *argv], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    modules = {m["module"] for m in IMPORTED.finditer(proc.stderr)}
    assert modules, f"no -X importtime output: {proc.stderr[-500:]}"
    return proc.returncode, modules


def kubernetes_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m == "kubernetes" or m.startswith("kubernetes."))


def test_the_detector_sees_kubernetes_when_it_is_imported() -> None:
    code, modules = imported_modules("-c", "import kubernetes.client")
    assert code == 0
    assert "kubernetes" in kubernetes_in(modules)


@pytest.mark.parametrize(
    "argv",
    [
        ["validate"],
        ["drift", "docs"],
        ["schema", "--check"],
        ["drift", "flux", "--repo", "examples/flux"],
        ["flux", "list", "--repo", "examples/flux"],
        ["new", "--help"],
    ],
    ids=["validate", "drift-docs", "schema", "drift-flux", "flux-list", "new"],
)
def test_offline_commands_do_not_import_the_kubernetes_client(argv: list[str]) -> None:
    if argv[0] in ("drift", "flux") and argv[-1] == "examples/flux" and not (ROOT / "examples" / "flux").is_dir():
        pytest.skip("examples/flux is not there yet")
    code, modules = imported_modules("-m", "labbook", *argv)
    assert code in (0, 1), f"labbook {' '.join(argv)} exited {code}"
    assert "labbook.cli" in modules
    assert kubernetes_in(modules) == []
