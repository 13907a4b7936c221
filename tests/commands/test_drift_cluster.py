"""``labbook drift cluster`` end to end: live over HTTPS, in-cluster, offline snapshots, three-way with --repo."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from labbook.formats import render
from labbook.sources.cluster import connection
from tests.conftest import ROOT, run_labbook
from tests.drift.test_cluster import DRIFTED, check, observed_fixture
from tests.sources.cluster.apiserver import ApiServer

EXAMPLE = ROOT / "examples" / "cluster" / "snapshot.yaml"
FLUX_EXAMPLE = ROOT / "examples" / "flux"
GOLDENS = ROOT / "tests" / "goldens"
LINE = re.compile(r"^[^:\s]+(:\d+(:\d+)?)?: .+ \(expected .+\)$")


def test_example_snapshot_is_in_sync_offline_without_the_kubernetes_client() -> None:
    code = (
        "import sys\n"
        "from labbook.cli import main\n"
        "rc = main(['drift', 'cluster', '--snapshot', 'examples/cluster/snapshot.yaml'])\n"
        "print('kubernetes imported:', 'kubernetes' in sys.modules)\n"
        "sys.exit(rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "labbook drift cluster: examples/cluster/snapshot.yaml @ 2025-11-27T21:45:00Z"
    assert lines[-2] == "in sync: 28 subjects checked"
    assert lines[-1] == "kubernetes imported: False"


def test_make_check_line_with_the_example_flux_repo(tmp_path: Path) -> None:
    report = tmp_path / "reports" / "cluster.json"
    result = run_labbook(
        "drift", "cluster", "--snapshot", "examples/cluster/snapshot.yaml", "--repo", "examples/flux",
        "--report", str(report),
    )  # fmt: skip
    assert result.code == 0, result.out + result.err
    assert result.out.endswith("in sync: 28 subjects checked\n")
    data = json.loads(report.read_text())
    taken = re.search(r"^taken_at: '(.+)'$", EXAMPLE.read_text(), re.M).group(1)
    assert (data["source"], data["target"], data["revision"], data["in_sync"]) == (
        "cluster",
        "examples/cluster/snapshot.yaml",
        taken,
        True,
    )


@pytest.mark.parametrize("repo", [[], ["--repo", "examples/flux"]], ids=["alone", "with-repo"])
def test_live_homelab_in_sync(cli, kubeconfig: Path, homelab: ApiServer, repo: list[str]) -> None:
    # eight charts come from OCIRepositories and run 2.1.1+<digest>-style versions: no finding
    result = cli("drift", "cluster", "--kubeconfig", str(kubeconfig), "--context", "admin@homelab", *repo)
    assert (result.code, result.err) == (0, "")
    assert result.out == "labbook drift cluster: admin@homelab\n\nin sync: 28 subjects checked\n"
    assert {r.method for r in homelab.log} == {"GET"}


def test_live_drifted_is_the_pure_comparison(cli, serve, tmp_path: Path) -> None:
    # read over HTTPS, the same report as the pure comparison of the fixture (tests/drift/test_cluster.py)
    server = serve("drifted")
    result = cli("drift", "cluster", "--kubeconfig", str(server.kubeconfig(tmp_path / "kc.yaml")), "--format", "json")
    assert result.code == 1, result.err
    live = json.loads(result.out)
    pure = json.loads(render(check(observed_fixture("drifted")), "json"))
    assert live["findings"] == pure["findings"] and live["subjects"] == pure["subjects"]


def _json(result) -> list[tuple]:
    assert result.code in (0, 1), result.err
    return [(f["code"], f["subject"], f["field"], f.get("label")) for f in json.loads(result.out)["findings"]]


def test_drifted_with_a_git_checkout_finds_each_plant_live_and_from_a_snapshot(cli, serve, flux_checkout, tmp_path):
    """Every planted drift, labelled, nothing else: read live, and again offline from a snapshot."""
    server = serve("drifted")
    flux_checkout.align(server, behind=("rabbitmq-operator",))
    kc = server.kubeconfig(tmp_path / "kc.yaml")
    repo = str(flux_checkout.path)
    live = cli("drift", "cluster", "--kubeconfig", str(kc), "--repo", repo, "--format", "json")
    assert _json(live) == DRIFTED
    [revision] = [f for f in json.loads(live.out)["findings"] if f["field"] == "revision"]
    assert (revision["documented"], revision["observed"]) == (flux_checkout.head, flux_checkout.previous)
    snap = tmp_path / "drifted.yaml"
    assert cli("snapshot", "--kubeconfig", str(kc), "-o", str(snap)).code == 0
    offline = cli("drift", "cluster", "--snapshot", str(snap), "--repo", repo, "--format", "json")
    assert json.loads(offline.out)["findings"] == json.loads(live.out)["findings"]


def test_homelab_with_a_git_checkout_is_in_sync_live_and_from_a_snapshot(cli, serve, flux_checkout, tmp_path):
    server = serve("homelab")
    flux_checkout.align(server)
    kc = server.kubeconfig(tmp_path / "kc.yaml")
    repo = str(flux_checkout.path)
    assert _json(cli("drift", "cluster", "--kubeconfig", str(kc), "--repo", repo, "--format", "json")) == []
    snap = tmp_path / "homelab.yaml"
    assert cli("snapshot", "--kubeconfig", str(kc), "-o", str(snap)).code == 0
    assert _json(cli("drift", "cluster", "--snapshot", str(snap), "--repo", repo, "--format", "json")) == []
    # a checkout one commit ahead of what Flux applied: every Kustomization built from it is behind
    flux_checkout.align(server, behind=("flux-system", "multus", "sriov-device-plugin", "rabbitmq-operator"))
    behind = _json(cli("drift", "cluster", "--kubeconfig", str(kc), "--repo", repo, "--format", "json"))
    assert {(s, lab) for _, s, f, lab in behind if f == "revision"} == {
        (f"component/{c}", "not-reconciled") for c in ("flux", "multus", "sriov-device-plugin", "rabbitmq")
    }


def test_formats_output_and_report_files(cli, serve, tmp_path: Path) -> None:
    server = serve("drifted")
    kc = server.kubeconfig(tmp_path / "kc.yaml")
    out, report = tmp_path / "out" / "junit.xml", tmp_path / "report.json"
    result = cli(
        "drift", "cluster", "--kubeconfig", str(kc), "--format", "junit", "-o", str(out), "--report", str(report)
    )
    assert (result.code, result.out) == (1, "")
    assert out.read_text().startswith("<?xml")
    data = json.loads(report.read_text())
    assert data["counts"] == {"checked": 29, "drift": 11, "warnings": 0} and data["target"] == "admin@homelab"


def test_in_cluster_service_account(cli, homelab: ApiServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token, _, environ = homelab.service_account(tmp_path / "serviceaccount")
    monkeypatch.setattr(connection, "SERVICE_ACCOUNT", token.parent)
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    result = cli("drift", "cluster", "--in-cluster", "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["target"] == "in-cluster"
    assert {r.authorization for r in homelab.log} == {f"bearer {homelab.token}"}


def test_in_cluster_token_and_ca_files(cli, homelab: ApiServer, tmp_path: Path, monkeypatch) -> None:
    token, ca, environ = homelab.service_account(tmp_path / "mounted-elsewhere")
    for key, value in environ.items():  # the host and port come from the pod's environment
        monkeypatch.setenv(key, value)
    result = cli("drift", "cluster", "--in-cluster", "--token-file", str(token), "--ca-file", str(ca))
    assert (result.code, result.err) == (0, "")
    missing = cli("drift", "cluster", "--in-cluster", "--token-file", str(tmp_path / "none"), "--ca-file", str(ca))
    assert missing.code == 2
    assert missing.err == (
        f"{tmp_path / 'none'}: --in-cluster: no service-account token (expected the pod's mounted service-account "
        "token)\n"
    )
    without = cli("drift", "cluster", "--token-file", str(token))
    assert (without.code, without.err) == (2, "--token-file: only used with --in-cluster (expected --in-cluster too)\n")


def _flux_copy(tmp_path: Path, versions: dict[str, tuple[str, str]]) -> Path:
    repo = tmp_path / "flux"
    shutil.copytree(FLUX_EXAMPLE, repo)
    for rel, (old, new) in versions.items():
        path = repo / rel
        text = path.read_text()
        assert f"version: {old}\n" in text, rel
        path.write_text(text.replace(f"version: {old}\n", f"version: {new}\n"))
    return repo


def test_three_way_labels_with_repo(cli, serve, tmp_path: Path) -> None:
    repo = _flux_copy(
        tmp_path,
        {
            "infrastructure/observability/grafana/helmrelease.yaml": ("10.1.4", "10.1.5"),
            "infrastructure/messaging/nats/helmrelease.yaml": ("1.3.16", "1.3.17"),
        },
    )
    server = serve("homelab")
    hrs = {h["metadata"]["name"]: h for h in server.objects[("helm.toolkit.fluxcd.io", "v2", "helmreleases")]}
    # grafana: Flux applied Git's 10.1.5 and upgraded; the docs still say 10.1.4
    hrs["grafana"]["spec"]["chart"]["spec"]["version"] = "10.1.5"
    hrs["grafana"]["status"]["history"][0]["chartVersion"] = "10.1.5"
    # cilium: docs = Git = spec 1.18.4, but the upgrade failed and 1.18.3 still runs
    failed = dict(hrs["cilium"]["status"]["history"][0], status="failed")
    hrs["cilium"]["status"]["history"] = [failed, dict(failed, chartVersion="1.18.3", status="deployed")]
    hrs["cilium"]["status"]["conditions"][0].update(status="False", reason="UpgradeFailed", message="timed out")
    # nats: Git pins 1.3.17, the cluster's HelmRelease still asks for 1.3.16 and runs 1.3.15
    hrs["nats"]["status"]["history"][0]["chartVersion"] = "1.3.15"
    kc = server.kubeconfig(tmp_path / "kc.yaml")
    result = cli("drift", "cluster", "--kubeconfig", str(kc), "--repo", str(repo), "--format", "json")
    assert result.code == 1, result.err
    found = [(f["subject"], f["documented"], f["observed"], f.get("label")) for f in json.loads(result.out)["findings"]]
    assert found == [
        ("component/cilium", "1.18.4", "1.18.3", "not-reconciled"),  # C = G, R != C: the upgrade failed
        ("component/grafana", "10.1.4", "10.1.5", "docs-stale"),  # D != G, C = G
        ("component/hubble", "1.18.4", "1.18.3", "not-reconciled"),
        ("component/nats", "1.3.16", "1.3.15", "out-of-band"),  # C != G
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--snapshot", "examples/cluster/snapshot.yaml", "--timeout", "0"],
            "--timeout: got 0 (expected a positive number of seconds)",
        ),
        (
            ["--snapshot", "examples/cluster/snapshot.yaml", "--kubeconfig", "kc.yaml"],
            "--kubeconfig: not used with --snapshot (expected one or the other)",
        ),
        (["--snapshot", "missing.yaml"], "missing.yaml: file not found (expected an existing file)"),
        (["--kubeconfig", "missing.yaml"], "missing.yaml: kubeconfig not found (expected an existing kubeconfig file)"),
    ],
    ids=["timeout", "both", "no-snapshot", "no-kubeconfig"],
)
def test_bad_arguments_exit_2(args: list[str], expected: str) -> None:
    result = run_labbook("drift", "cluster", *args)
    assert (result.code, result.out) == (2, ""), result.err
    assert result.err.splitlines() == [expected]


def test_bad_snapshot_exit_2_with_file_line(tmp_path: Path) -> None:
    bad = tmp_path / "snap.yaml"
    bad.write_text(EXAMPLE.read_text().replace("      cpu: '20'", "      cpu: twenty", 1))
    inventory = str(ROOT / "inventory")
    result = run_labbook("drift", "cluster", "--inventory", inventory, "--snapshot", "snap.yaml", cwd=tmp_path)
    assert (result.code, result.out) == (2, "")
    [line] = result.err.splitlines()
    n = EXAMPLE.read_text().splitlines().index("      cpu: '20'") + 1
    assert line.startswith(
        f"snap.yaml:{n}:12: objects[1].status.capacity.cpu: got 'twenty' (expected a Kubernetes quantity"
    )
    assert LINE.match(line)


def test_inventory_and_repo_problems_together(tmp_path: Path, inventory_copy: Path) -> None:
    hw = inventory_copy / "hardware.yaml"
    hw.write_text(hw.read_text().replace("threads: 32", "threads: lots"))
    result = run_labbook(
        "drift", "cluster", "--inventory", str(inventory_copy), "--snapshot", str(EXAMPLE), "--repo", str(tmp_path / "nope"),
    )  # fmt: skip
    assert result.code == 2
    lines = result.err.splitlines()
    assert len(lines) == 2 and "threads: got 'lots' (expected an integer)" in lines[0]
    assert "nope" in lines[1] and "Traceback" not in result.err
