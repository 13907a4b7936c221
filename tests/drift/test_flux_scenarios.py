"""Drift scenarios on a temp copy of examples/flux, end to end through `labbook drift flux`.

Each scenario edits the copy the way an owner's commit would, then checks the
findings, the exit code and every output format against goldens in
tests/goldens/flux/ (``generated_at`` normalised; regenerate with
``pytest --update-goldens`` on purpose).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from labbook.formats import FORMATS
from tests.conftest import ROOT

STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def bump_version(repo: Path) -> None:
    _edit(repo / "infrastructure/network/cilium/helmrelease.yaml", "version: 1.18.4", "version: 1.19.0")


def delete_helmrelease(repo: Path) -> None:
    (repo / "infrastructure/storage/longhorn/helmrelease.yaml").unlink()
    _edit(repo / "infrastructure/storage/longhorn/kustomization.yaml", "  - helmrelease.yaml\n", "")


def add_undocumented(repo: Path) -> None:
    (repo / "apps/podinfo").mkdir()
    (repo / "apps/podinfo/helmrelease.yaml").write_text(
        "---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n"
        "  namespace: podinfo\nspec:\n  interval: 1h\n  chart:\n    spec:\n      chart: podinfo\n"
        "      version: 6.9.2\n      sourceRef:\n        kind: HelmRepository\n        name: podinfo\n"
        "        namespace: flux-system\n"
    )
    _edit(repo / "apps/kustomization.yaml", "  - camel-k\n", "  - camel-k\n  - podinfo/helmrelease.yaml\n")


def change_namespace(repo: Path) -> None:
    _edit(repo / "infrastructure/messaging/nats/helmrelease.yaml", "namespace: nats", "namespace: messaging")


def everything(repo: Path) -> None:
    for scenario in (bump_version, delete_helmrelease, add_undocumented, change_namespace):
        scenario(repo)


SCENARIOS: dict[str, tuple[Callable[[Path], None] | None, int, list[tuple[str, str, str | None]]]] = {
    "in-sync": (None, 0, []),
    "bump-version": (
        bump_version,
        1,
        [("mismatch", "component/cilium", "chart.version"), ("mismatch", "component/hubble", "chart.version")],
    ),
    "delete-helmrelease": (delete_helmrelease, 1, [("missing", "component/longhorn", None)]),
    "add-undocumented": (add_undocumented, 1, [("undocumented", "component/podinfo", None)]),
    "change-namespace": (change_namespace, 1, [("mismatch", "component/nats", "namespace")]),
    "everything": (
        everything,
        1,
        [
            ("mismatch", "component/cilium", "chart.version"),
            ("missing", "component/longhorn", None),
            ("mismatch", "component/hubble", "chart.version"),
            ("mismatch", "component/nats", "namespace"),
            ("undocumented", "component/podinfo", None),
        ],
    ),
}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "examples" / "flux", tmp_path / "repo")
    shutil.copytree(ROOT / "inventory", tmp_path / "inventory")
    return tmp_path


def normalised(text: str) -> str:
    return STAMP.sub("<generated_at>", text)


@pytest.mark.parametrize("scenario", list(SCENARIOS), ids=list(SCENARIOS))
def test_findings_and_exit_code(cli, workspace, scenario):
    change, code, expected = SCENARIOS[scenario]
    if change:
        change(workspace / "repo")
    result = cli("drift", "flux", "--repo", "repo", "--inventory", "inventory", "--format", "json", cwd=workspace)
    assert result.code == code, result.err
    report = json.loads(result.out)
    assert [(f["code"], f["subject"], f["field"]) for f in report["findings"]] == expected
    assert report["in_sync"] is (code == 0)
    assert report["labbook_report"] == 1 and report["source"] == "flux" and report["target"] == "repo"
    assert report["counts"] == {"checked": len(report["subjects"]), "drift": len(expected), "warnings": 1}


@pytest.mark.parametrize("fmt", FORMATS, ids=FORMATS)
@pytest.mark.parametrize("scenario", list(SCENARIOS), ids=list(SCENARIOS))
def test_every_format_matches_its_golden(cli, workspace, golden, scenario, fmt):
    change, code, _ = SCENARIOS[scenario]
    if change:
        change(workspace / "repo")
    result = cli("drift", "flux", "--repo", "repo", "--inventory", "inventory", "--format", fmt, cwd=workspace)
    assert result.code == code, result.err
    assert result.err == ""
    suffix = {"json": "json", "junit": "xml", "markdown": "md", "github": "txt", "text": "txt"}[fmt]
    golden(f"flux/{scenario}.{fmt}.{suffix}", normalised(result.out))


def test_json_report_file_beside_any_format(cli, workspace):
    bump_version(workspace / "repo")
    result = cli(
        "drift",
        "flux",
        "--repo",
        "repo",
        "--inventory",
        "inventory",
        "--format",
        "github",
        "--report",
        "reports/flux.json",
        cwd=workspace,
    )
    assert result.code == 1
    assert result.out.startswith("::error file=inventory/platform.yaml,line=")
    saved = json.loads((workspace / "reports" / "flux.json").read_text())
    assert [f["field"] for f in saved["findings"]] == ["chart.version", "chart.version"]
    assert saved["findings"][0]["source"] == {
        "file": "infrastructure/network/cilium/helmrelease.yaml",
        "line": 2,
        "object": None,
    }
