"""drift flux --fix: ruamel round-trip edits of platform.yaml that keep everything else."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from labbook.drift.fix import apply_fixes
from labbook.drift.flux import check
from labbook.load.inventory import load_inventory
from labbook.sources.flux import read_repo
from tests.conftest import ROOT


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "examples" / "flux", tmp_path / "repo")
    shutil.copytree(ROOT / "inventory", tmp_path / "inventory")
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    removed = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line.startswith("- ")]
    added = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line.startswith("+ ")]
    return list(zip([r[2:] for r in removed], [a[2:] for a in added], strict=True))


def _fix(cli, workspace: Path):
    return cli("drift", "flux", "--repo", "repo", "--inventory", "inventory", "--fix", cwd=workspace)


def test_fix_changes_exactly_the_mismatched_values_and_keeps_comments(cli, workspace):
    repo, platform = workspace / "repo", workspace / "inventory" / "platform.yaml"
    _edit(repo / "infrastructure/network/cilium/helmrelease.yaml", "version: 1.18.4", "version: 1.19.0")
    _edit(repo / "infrastructure/network/kgateway/ocirepositories.yaml", "tag: v2.1.1", "tag: v2.2.0")
    _edit(repo / "infrastructure/messaging/nats/helmrelease.yaml", "namespace: nats", "namespace: messaging")
    _edit(repo / "infrastructure/identity/keycloak/helmrelease.yaml", "chart: keycloakx", "chart: keycloak")
    before = platform.read_text()
    result = _fix(cli, workspace)
    assert result.code == 0, result.out + result.err
    after = platform.read_text()
    assert sorted(_changed_lines(before, after)) == sorted(
        [
            ("            version: 1.18.4", "            version: 1.19.0"),
            ("            version: 1.18.4", "            version: 1.19.0"),
            ("            version: v2.1.1", "            version: v2.2.0"),
            ("        namespace: nats", "        namespace: messaging"),
            ("          - chart: keycloakx", "          - chart: keycloak"),
        ]
    )
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#") or " # " in line]
    assert comments and all(line in after.splitlines() for line in comments)
    fixed = [line for line in result.out.splitlines() if line.startswith("fixed: ")]
    text = before.splitlines()

    def line_of(after: str, key: str) -> int:
        start = next(i for i, line in enumerate(text) if after in line)
        return next(i for i in range(start, len(text)) if text[i].strip().startswith((f"{key}:", f"- {key}:"))) + 1

    assert fixed == [
        f"fixed: inventory/platform.yaml:{line_of('- id: cilium', 'version')}: component/cilium chart.version: "
        "1.18.4 -> 1.19.0",
        f"fixed: inventory/platform.yaml:{line_of('- id: kgateway', 'version')}: component/kgateway chart.version: "
        "v2.1.1 -> v2.2.0",
        f"fixed: inventory/platform.yaml:{line_of('- id: keycloak', 'chart')}: component/keycloak chart.name: "
        "keycloakx -> keycloak",
        f"fixed: inventory/platform.yaml:{line_of('- id: hubble', 'version')}: component/hubble chart.version: "
        "1.18.4 -> 1.19.0",
        f"fixed: inventory/platform.yaml:{line_of('- id: nats', 'namespace')}: component/nats namespace: "
        "nats -> messaging",
    ]
    assert "in sync" in result.out


def test_fix_twice_changes_nothing_more(cli, workspace):
    _edit(workspace / "repo/infrastructure/network/cilium/helmrelease.yaml", "version: 1.18.4", "version: 1.19.0")
    assert _fix(cli, workspace).code == 0
    once = (workspace / "inventory" / "platform.yaml").read_bytes()
    again = _fix(cli, workspace)
    assert again.code == 0
    assert "fix: nothing to change in the inventory" in again.out
    assert (workspace / "inventory" / "platform.yaml").read_bytes() == once


def test_fix_never_adds_or_deletes_components_and_lists_them(cli, workspace):
    repo = workspace / "repo"
    (repo / "infrastructure/storage/longhorn/helmrelease.yaml").unlink()
    _edit(repo / "infrastructure/storage/longhorn/kustomization.yaml", "  - helmrelease.yaml\n", "")
    _edit(repo / "apps/kustomization.yaml", "  - camel-k\n", "  - camel-k\n  - extra.yaml\n")
    (repo / "apps/extra.yaml").write_text(
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: podinfo, namespace: podinfo}\n"
        "spec:\n  chart:\n    spec: {chart: podinfo, version: 6.9.2, sourceRef: {kind: HelmRepository, name: p}}\n"
    )
    before = (workspace / "inventory" / "platform.yaml").read_bytes()
    result = _fix(cli, workspace)
    assert result.code == 1
    assert (workspace / "inventory" / "platform.yaml").read_bytes() == before
    lines = result.out.splitlines()
    assert "fix: nothing to change in the inventory" in lines
    assert any(line.startswith("left for you: component/longhorn missing:") for line in lines)
    assert any(line.startswith("left for you: component/podinfo undocumented:") for line in lines)


def test_fix_keeps_quoting_and_quotes_what_plain_yaml_would_misread(workspace):
    platform = workspace / "inventory" / "platform.yaml"
    _edit(platform, "version: 0.48.0", 'version: "0.48.0"')
    _edit(workspace / "repo/infrastructure/messaging/strimzi/ocirepository.yaml", "tag: 0.48.0", "tag: 0.49.0")
    _edit(workspace / "repo/infrastructure/messaging/nats/helmrelease.yaml", "version: 1.3.16", 'version: "1.20"')
    inventory = load_inventory(workspace / "inventory")
    changes = apply_fixes(inventory, check(inventory, read_repo(workspace / "repo")), workspace / "inventory")
    assert [(c.subject, c.old, c.new) for c in changes] == [
        ("component/kafka", "0.48.0", "0.49.0"),
        ("component/nats", "1.3.16", "1.20"),
    ]
    text = platform.read_text()
    assert 'version: "0.49.0"' in text
    assert 'version: "1.20"' in text  # plain 1.20 would read back as the number 1.2
    assert load_inventory(workspace / "inventory").platform.component("nats").helm[0].version == "1.20"


def test_a_namespace_fix_for_one_of_several_releases_adds_the_key_to_that_release(workspace):
    _edit(
        workspace / "repo/apps/arc/controller.yaml",
        "  namespace: arc-systems\nspec:\n  interval: 1h\n  chartRef:\n    kind: OCIRepository\n"
        "    name: gha-runner-scale-set-controller\n",
        "  namespace: actions\nspec:\n  interval: 1h\n  chartRef:\n    kind: OCIRepository\n"
        "    name: gha-runner-scale-set-controller\n    namespace: arc-systems\n",
    )
    inventory = load_inventory(workspace / "inventory")
    observed = read_repo(workspace / "repo")
    changes = apply_fixes(inventory, check(inventory, observed), workspace / "inventory")
    assert [(c.subject, c.field, c.old, c.new) for c in changes] == [("component/arc", "namespace", None, "actions")]
    fixed = load_inventory(workspace / "inventory")
    arc = fixed.platform.component("arc")
    assert arc.namespace == "arc-systems" and arc.helm[0].namespace == "actions"
    # the chart source stays in arc-systems: that is for the owner to write down
    assert [(f.field, f.observed) for f in check(fixed, observed).findings] == [
        ("source", "OCIRepository arc-systems/gha-runner-scale-set-controller")
    ]
