"""``labbook snapshot``: the facts of a live cluster, written atomically, checkable offline."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.conftest import ROOT, run_labbook
from tests.sources.cluster.apiserver import ApiServer, closed_port

EXAMPLE = ROOT / "examples" / "cluster" / "snapshot.yaml"
STAMP = re.compile(r"^taken_at: '\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ'$", re.M)


def _facts(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))


def test_snapshot_of_the_homelab_is_the_example(cli, homelab: ApiServer, kubeconfig: Path, tmp_path: Path) -> None:
    out = tmp_path / "snap.yaml"
    result = cli("snapshot", "--kubeconfig", str(kubeconfig), "-o", str(out))
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        f"wrote {out}: 42 objects from context admin@homelab at 2025-11-27T21:45:00Z (9 requests)\n"
    )  # the stamp is the API server's clock
    text = out.read_text()
    assert len(STAMP.findall(text)) == 1
    # the example shipped with the repo is exactly this (its header also says how it was made)
    assert _facts(text) == _facts(EXAMPLE.read_text())
    assert not any("secret" in r.path for r in homelab.log)
    assert {r.method for r in homelab.log} == {"GET"}
    checked = cli("drift", "cluster", "--snapshot", str(out))
    assert checked.code == 0 and checked.out.endswith("in sync: 28 subjects checked\n")


def test_absent_kinds_are_recorded_and_checked(cli, serve, tmp_path: Path) -> None:
    server = serve("homelab", absent={"kustomizations.kustomize.toolkit.fluxcd.io"})
    out = tmp_path / "snap.yaml"
    result = cli("snapshot", "--kubeconfig", str(server.kubeconfig(tmp_path / "kc.yaml")), "-o", str(out))
    assert result.code == 0 and result.out.endswith("(9 requests, not served: Kustomization)\n")
    doc = yaml.safe_load(out.read_text())
    assert doc["absent_kinds"] == ["Kustomization"]
    assert not [o for o in doc["objects"] if o["kind"] == "Kustomization"]
    checked = cli("drift", "cluster", "--snapshot", str(out), "--format", "github")
    assert checked.code == 1
    assert "the CRD kustomizations.kustomize.toolkit.fluxcd.io is not installed" in checked.out


def test_failed_read_writes_nothing(serve, tmp_path: Path) -> None:
    server = serve("homelab")
    kc = server.kubeconfig(tmp_path / "kc.yaml", server=f"https://127.0.0.1:{closed_port()}")
    out = tmp_path / "snap.yaml"
    out.write_text("previous snapshot\n")
    result = run_labbook("snapshot", "--kubeconfig", str(kc), "-o", str(out), "--timeout", "0.5", timeout=30)
    assert result.code == 3 and "refused" in result.err and result.out == ""
    assert out.read_text() == "previous snapshot\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".snap")] == []


def test_output_that_is_a_directory_is_bad_input(tmp_path: Path) -> None:
    result = run_labbook("snapshot", "-o", str(tmp_path), "--kubeconfig", str(tmp_path / "kc.yaml"))
    assert result.code == 2
    assert result.err.splitlines() == [f"{tmp_path}: is a folder (expected a file name to write the snapshot to)"]
