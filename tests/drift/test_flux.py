"""drift/flux: the pure comparison of the inventory with what a Flux repository deploys."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from labbook.drift.flux import check, compare, normalize_path
from labbook.load.inventory import load_inventory
from labbook.models.inventory import Inventory
from labbook.models.location import Location
from labbook.models.observed import FluxObserved, ObservedHelmRelease, ObservedKustomization
from labbook.sources.flux import read_repo
from tests.conftest import ROOT

STAMP = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def example() -> FluxObserved:
    return read_repo(ROOT / "examples" / "flux")


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return load_inventory(ROOT / "inventory")


def _with(observed: FluxObserved, **changes) -> FluxObserved:
    return observed.model_copy(update=changes)


def _hr(observed: FluxObserved, name: str) -> ObservedHelmRelease:
    return next(h for h in observed.helmreleases if h.name == name)


def _replace_hr(observed: FluxObserved, name: str, **changes) -> FluxObserved:
    hrs = [h.model_copy(update=changes) if h.name == name else h for h in observed.helmreleases]
    return _with(observed, helmreleases=hrs)


def _line_of(text: str, after: str, key: str) -> int:
    """1-based line of the first ``key`` line after the line containing ``after``, found independently."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i in range(start, len(lines)) if re.match(rf"\s*(- )?{key}:", lines[i])) + 1


def test_example_repo_is_in_sync(inventory, example):
    report = compare(inventory, example, generated_at=STAMP)
    assert report.in_sync, [f.message for f in report.findings]
    assert report.subjects == [f"component/{c.id}" for c in inventory.platform.components]
    assert report.source == "flux" and report.generated_at == STAMP
    assert report.target == example.target and report.warnings == example.warnings


def test_version_bump_points_at_the_version_line_and_the_repo_file(inventory, example):
    bumped = _replace_hr(example, "cilium", version="1.19.0")
    report = compare(inventory, bumped, generated_at=STAMP)
    text = (ROOT / "inventory" / "platform.yaml").read_text()
    assert [(f.code, f.subject, f.field, f.documented, f.observed) for f in report.findings] == [
        ("mismatch", "component/cilium", "chart.version", "1.18.4", "1.19.0"),
        ("mismatch", "component/hubble", "chart.version", "1.18.4", "1.19.0"),
    ]
    cilium, hubble = report.findings
    assert cilium.where == Location(file="inventory/platform.yaml", line=_line_of(text, "- id: cilium", "version"))
    assert hubble.where.line == _line_of(text, "- id: hubble", "version")
    assert cilium.source == _hr(example, "cilium").origin
    assert "1.19.0" in cilium.message and "1.18.4" in cilium.message


def test_missing_helmrelease(inventory, example):
    gone = _with(example, helmreleases=[h for h in example.helmreleases if h.name != "longhorn"])
    (finding,) = compare(inventory, gone).findings
    assert (finding.code, finding.subject, finding.field) == ("missing", "component/longhorn", None)
    assert finding.message == "documented, but no HelmRelease longhorn-system/longhorn in the repo"
    text = (ROOT / "inventory" / "platform.yaml").read_text()
    assert finding.where.line == _line_of(text, "- id: longhorn", "- chart")


def test_undocumented_helmrelease_and_kustomization(inventory, example):
    extra_hr = _hr(example, "coder").model_copy(
        update={"namespace": "web", "name": "podinfo", "chart": "podinfo", "version": "6.9.2"}
    )
    extra_ks = ObservedKustomization(
        namespace="flux-system", name="extras", path="./extras", origin=Location(file="clusters/homelab/x.yaml", line=3)
    )
    observed = _with(
        example,
        helmreleases=[*example.helmreleases, extra_hr],
        kustomizations=[*example.kustomizations, extra_ks],
    )
    report = compare(inventory, observed)
    assert [(f.code, f.subject, f.observed, f.where, f.source) for f in report.findings] == [
        ("undocumented", "component/podinfo", "web/podinfo", None, extra_hr.origin),
        ("undocumented", "component/extras", "flux-system/extras", None, extra_ks.origin),
    ]
    assert report.subjects[-2:] == ["component/podinfo", "component/extras"]
    assert "HelmRelease web/podinfo (chart podinfo 6.9.2)" in report.findings[0].message


def test_ignore_rules_use_shell_wildcards(inventory, example):
    extra = _hr(example, "coder").model_copy(update={"namespace": "scratch", "name": "tmp-1"})
    observed = _with(example, helmreleases=[*example.helmreleases, extra])
    rules = [*inventory.platform.ignore]
    ignoring = inventory.model_copy(
        update={
            "platform": inventory.platform.model_copy(
                update={
                    "ignore": [
                        *rules,
                        rules[0].model_copy(update={"kind": "HelmRelease", "name": "tmp-*", "namespace": "scr*"}),
                    ]
                }
            )
        }
    )
    assert compare(ignoring, observed).in_sync
    assert [f.code for f in compare(inventory, observed).findings] == ["undocumented"]


def test_an_ignore_rule_never_hides_a_missing_component(inventory, example):
    gone = _with(example, helmreleases=[h for h in example.helmreleases if h.name != "nats"])
    platform = inventory.platform.model_copy(
        update={
            "ignore": [
                *inventory.platform.ignore,
                inventory.platform.ignore[0].model_copy(update={"kind": "HelmRelease", "name": "*"}),
            ]
        }
    )
    assert [f.code for f in compare(inventory.model_copy(update={"platform": platform}), gone).findings] == ["missing"]


def test_a_release_moved_to_another_namespace_is_one_namespace_mismatch(inventory, example):
    moved = _replace_hr(example, "nats", namespace="messaging")
    report = compare(inventory, moved)
    assert [(f.code, f.subject, f.field, f.documented, f.observed) for f in report.findings] == [
        ("mismatch", "component/nats", "namespace", "nats", "messaging")
    ]
    (fix,) = check(inventory, moved).fixable
    assert (fix.path, fix.old, fix.new) == (("namespace",), "nats", "messaging")


def test_target_namespace_counts_as_where_it_installs(inventory, example):
    elsewhere = _replace_hr(example, "coder", target_namespace="dev")
    (finding,) = compare(inventory, elsewhere).findings
    assert (finding.field, finding.documented, finding.observed) == ("namespace", "coder", "dev")
    assert check(inventory, elsewhere).fixable == []  # targetNamespace is left to the owner


def test_chart_and_source_mismatch(inventory, example):
    changed = _replace_hr(example, "grafana", chart="grafana-operator", source_name="grafana-community")
    report = compare(inventory, changed)
    assert [(f.field, f.documented, f.observed) for f in report.findings] == [
        ("chart.name", "grafana", "grafana-operator"),
        ("source", "HelmRepository flux-system/grafana", "HelmRepository flux-system/grafana-community"),
    ]
    assert [f.path for f in check(inventory, changed).fixable] == [("helm", 0, "chart")]


def test_a_namespace_fix_for_one_of_several_releases_goes_to_that_release(inventory, example):
    moved = _replace_hr(example, "arc-controller", namespace="actions")
    (fix,) = check(inventory, moved).fixable
    assert (fix.subject, fix.path, fix.new) == ("component/arc", ("helm", 0, "namespace"), "actions")


def test_kustomization_path_and_target_namespace(inventory, example):
    kss = [
        k.model_copy(update={"path": "./infra/sriov"}) if k.name == "sriov-device-plugin" else k
        for k in example.kustomizations
    ]
    kss = [k.model_copy(update={"target_namespace": "rmq"}) if k.name == "rabbitmq-operator" else k for k in kss]
    report = compare(inventory, _with(example, kustomizations=kss))
    assert [(f.subject, f.field, f.documented, f.observed) for f in report.findings] == [
        ("component/rabbitmq", "namespace", "rabbitmq-system", "rmq"),
        ("component/sriov-device-plugin", "path", "./infrastructure/gpu/sriov-device-plugin", "./infra/sriov"),
    ]


def test_missing_kustomization(inventory, example):
    kss = [k for k in example.kustomizations if k.name != "multus"]
    (finding,) = compare(inventory, _with(example, kustomizations=kss)).findings
    assert (finding.code, finding.subject) == ("missing", "component/multus")
    assert finding.message == "documented, but no Flux Kustomization flux-system/multus in the repo"


@pytest.mark.parametrize(
    ("a", "b"),
    [("./infra/x", "infra/x"), ("./infra/x/", "./infra/x"), ("/infra/x", "infra/x"), ("./", "")],
    ids=["dot-slash", "trailing-slash", "leading-slash", "root"],
)
def test_paths_compare_normalized(a, b):
    assert normalize_path(a) == normalize_path(b)


@pytest.mark.parametrize("pinned", ["2.1.1", "v2.1.1", "2.1.1+41b39ad27d99"])
def test_versions_compare_as_semver(inventory, example, pinned):
    # documented v2.1.1: a leading v and +build metadata do not make another version
    assert compare(inventory, _replace_hr(example, "kgateway", version=pinned)).in_sync


def test_other_versions_and_ranges_still_differ(inventory, example):
    for pinned in ("2.1.2", "2.1.1-rc.1", ">=2.1.0"):
        report = compare(inventory, _replace_hr(example, "kgateway", version=pinned))
        assert [(f.field, f.documented, f.observed) for f in report.findings] == [("chart.version", "v2.1.1", pinned)]


def test_unresolved_chart_is_a_mismatch_that_is_not_fixable(inventory, example):
    unknown = _replace_hr(example, "strimzi-kafka-operator", chart=None, version=None)
    outcome = check(inventory, unknown)
    assert [(f.field, f.observed) for f in outcome.findings] == [("chart.name", None), ("chart.version", None)]
    assert outcome.fixable == []


def test_the_comparison_is_pure_and_stable(inventory, example):
    changed = _replace_hr(example, "cilium", version="9")
    first = compare(inventory, changed, generated_at=STAMP)
    again = compare(inventory, changed, generated_at=STAMP)
    assert first == again
    assert Path(ROOT / "inventory" / "platform.yaml").read_text() == (ROOT / "inventory" / "platform.yaml").read_text()
