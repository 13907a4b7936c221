"""`labbook init --from-flux`: a valid inventory that drift then finds in sync."""

from __future__ import annotations

from pathlib import Path

from labbook.load.inventory import load_inventory
from tests.conftest import ROOT, run_labbook


def test_init_from_the_example_then_drift_is_in_sync(tmp_path: Path):
    result = run_labbook("init", "--from-flux", str(ROOT / "examples/flux"), "--inventory", "inv", cwd=tmp_path)
    assert result.code == 0, result.err
    assert result.out.splitlines()[0].startswith(
        "wrote inv/platform.yaml: 25 components in 19 categories, 3 ignore rules"
    )
    inventory = load_inventory(tmp_path / "inv")
    assert inventory.hardware.nodes == [] and inventory.rdma.links == [] and inventory.site.philosophy == []
    assert inventory.site.cluster.name == "homelab"
    sriov = inventory.platform.component("sriov-device-plugin")
    assert sriov.kustomization.path == "./infrastructure/gpu/sriov-device-plugin"
    cilium = inventory.platform.component("cilium")
    assert (cilium.namespace, cilium.helm[0].chart, cilium.helm[0].version) == ("kube-system", "cilium", "1.18.4")
    assert {(r.kind, r.name) for r in inventory.platform.ignore} == {
        ("Kustomization", "flux-system"),
        ("Kustomization", "infrastructure"),
        ("Kustomization", "apps"),
    }
    drift = run_labbook("drift", "flux", "--repo", str(ROOT / "examples/flux"), "--inventory", "inv", cwd=tmp_path)
    assert drift.code == 0, drift.out
    assert "in sync: 25 subjects checked" in drift.out


def test_init_keeps_the_files_it_wrote_in_the_example_style(tmp_path: Path):
    run_labbook("init", "--from-flux", str(ROOT / "examples/flux"), "--inventory", "inv", cwd=tmp_path)
    text = (tmp_path / "inv/platform.yaml").read_text()
    assert text.startswith("# What runs on the cluster, as ")
    assert "            source: {kind: HelmRepository, name: cilium, namespace: flux-system}\n" in text
    assert "flux: {name: " not in text.split("- id: cilium")[1].split("- id:")[0]


def test_init_refuses_to_overwrite_without_force(tmp_path: Path):
    (tmp_path / "inv").mkdir()
    (tmp_path / "inv/site.yaml").write_text("title: mine\n")
    result = run_labbook("init", "--from-flux", str(ROOT / "examples/flux"), "--inventory", "inv", cwd=tmp_path)
    assert result.code == 2
    assert result.err == "inv/site.yaml: already exists (expected --force to overwrite it)\n"
    assert (tmp_path / "inv/site.yaml").read_text() == "title: mine\n"
    assert not (tmp_path / "inv/platform.yaml").exists()
    forced = run_labbook(
        "init", "--from-flux", str(ROOT / "examples/flux"), "--inventory", "inv", "--force", cwd=tmp_path
    )
    assert forced.code == 0
    assert (tmp_path / "inv/site.yaml").read_text() != "title: mine\n"


def test_init_names_releases_that_need_a_flux_reference(tmp_path: Path):
    repo = ROOT / "tests/fixtures/flux/helmrelease-versions"
    result = run_labbook("init", "--from-flux", str(repo), "--inventory", "inv", cwd=tmp_path)
    assert result.code == 0, result.err
    inventory = load_inventory(tmp_path / "inv")
    moved = inventory.platform.component("installs-elsewhere")
    assert moved.namespace == "web" and moved.helm[0].flux.namespace == "apps"
    rules = {(r.kind, r.name): r.reason for r in inventory.platform.ignore}
    assert set(rules) == {("HelmRelease", "dangling"), ("Kustomization", "flux-system")}
    assert "cannot be resolved offline" in rules[("HelmRelease", "dangling")]
    assert run_labbook("drift", "flux", "--repo", str(repo), "--inventory", "inv", cwd=tmp_path).code == 0


def test_init_from_an_unreadable_repo_is_exit_2(tmp_path: Path):
    result = run_labbook("init", "--from-flux", "nowhere", "--inventory", "inv", cwd=tmp_path)
    assert result.code == 2
    assert result.err == "nowhere: repository folder not found (expected a checked-out Flux repository)\n"
    assert not (tmp_path / "inv").exists()


def test_init_ignores_what_the_inventory_cannot_name(tmp_path: Path):
    repo = tmp_path / "repo"
    (repo / "clusters" / "lab").mkdir(parents=True)
    (repo / "clusters/lab/releases.yaml").write_text(
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: cert-manager.v1, namespace: infra}\n"
        "spec:\n  chart:\n    spec: {chart: cert-manager, version: 1.0.0, sourceRef: {kind: HelmRepository, name: jetstack}}\n"
        "---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: ok, namespace: infra}\n"
        "spec:\n  chart:\n    spec: {chart: c, version: 2.0.0, sourceRef: {kind: HelmRepository, name: repo.example}}\n"
        "---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: fine, namespace: infra}\n"
        "spec:\n  chart:\n    spec: {chart: c, version: 3.0.0, sourceRef: {kind: HelmRepository, name: charts}}\n"
    )
    made = run_labbook("init", "--from-flux", "repo", "--inventory", "inv", cwd=tmp_path)
    assert made.code == 0, made.err
    inventory = load_inventory(tmp_path / "inv")
    assert [c.id for c in inventory.platform.components] == ["fine"]
    assert sorted(r.name for r in inventory.platform.ignore if r.kind == "HelmRelease") == ["cert-manager.v1", "ok"]
    drift = run_labbook("drift", "flux", "--repo", "repo", "--inventory", "inv", cwd=tmp_path)
    assert drift.code == 0, drift.out


def test_init_without_path_under_the_flux_operator_then_drift_is_in_sync(tmp_path: Path):
    repo = str(ROOT / "tests/fixtures/flux/entry-flux-instance-chart")
    result = run_labbook("init", "--from-flux", repo, "--inventory", "inv", cwd=tmp_path)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("wrote inv/platform.yaml: ")
    assert lines[0].endswith("(deploy/cluster)")
    assert lines[2].startswith("entry point: deploy/cluster (Flux Operator: instance.sync in the values of")
    assert lines[3] == (
        "this repository: GitRepository flux-system/home-ops (the source of Kustomization flux-system/home-ops, which "
        "syncs the entry folder)"
    )
    inventory = load_inventory(tmp_path / "inv")
    assert inventory.site.cluster.name == "cluster"
    assert inventory.platform.component("prod-app").helm[0].version == "2.0.0"
    drift = run_labbook("drift", "flux", "--repo", repo, "--inventory", "inv", cwd=tmp_path)
    assert drift.code == 0, drift.out
    assert "  this repository: GitRepository flux-system/home-ops" in drift.out


def test_init_needs_a_source_when_the_repository_cannot_tell(tmp_path: Path):
    repo = str(ROOT / "tests/fixtures/flux/self-source-remote")
    named = ["--source", "GitRepository/flux-system/platform"]
    result = run_labbook("init", "--from-flux", repo, *named, "--inventory", "inv", cwd=tmp_path)
    assert result.code == 0, result.err
    assert load_inventory(tmp_path / "inv").platform.component("platform-app").helm[0].chart == "app"
    drift = run_labbook("drift", "flux", "--repo", repo, *named, "--inventory", "inv", cwd=tmp_path)
    assert drift.code == 0, drift.out


def test_init_leaves_a_project_that_validates_and_checks_without_flags(tmp_path: Path):
    result = run_labbook("init", "--from-flux", str(ROOT / "examples/flux"), cwd=tmp_path)
    assert result.code == 0, result.err
    assert "created journal/ for journal entries" in result.out
    assert "wrote labbook.yaml: `labbook drift flux` now checks" in result.out
    config = (tmp_path / "labbook.yaml").read_text()
    assert "\nflux:\n  repo: " in config and '\n  path: "clusters/homelab"\n' in config
    assert run_labbook("validate", cwd=tmp_path).code == 0
    drift = run_labbook("drift", "flux", cwd=tmp_path)
    assert (drift.code, drift.out.splitlines()[-1]) == (0, "in sync: 25 subjects checked, 1 warning")


def test_init_keeps_an_existing_project_config(tmp_path: Path):
    (tmp_path / "labbook.yaml").write_text("flux:\n  repo: elsewhere\n")
    result = run_labbook("init", "--from-flux", str(ROOT / "examples/flux"), cwd=tmp_path)
    assert result.code == 0, result.err
    assert "kept labbook.yaml: check that its flux: repo names " in result.out
    assert (tmp_path / "labbook.yaml").read_text() == "flux:\n  repo: elsewhere\n"
