"""The live reader against the loopback API server: real kubeconfig, real TLS, real client."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from labbook.errors import BadInput
from labbook.load.inventory import load_inventory
from labbook.sources.cluster.connection import Target
from labbook.sources.cluster.plan import read_plan
from labbook.sources.cluster.reads import observed, read_cluster
from tests.conftest import ROOT
from tests.sources.cluster.apiserver import ApiServer

PLAN = read_plan(load_inventory(ROOT / "inventory"))


def test_reads_exactly_the_plan_with_get_lists(homelab: ApiServer, kubeconfig: Path) -> None:
    capture = read_cluster(Target(kubeconfig=str(kubeconfig), timeout=5), PLAN)
    assert capture.context == "admin@homelab" and capture.server == homelab.url
    assert capture.absent == []
    assert Counter(o.kind for o in capture.objects) == {
        "Node": 3,
        "HelmRelease": 22,
        "OCIRepository": 6,
        "Kustomization": 6,
        "NetworkAttachmentDefinition": 1,
        "ConfigMap": 1,  # not coredns: field selector
        "DaemonSet": 3,  # not cilium, GPU feature discovery, the MPS daemon nor the SR-IOV CNI
    }
    assert capture.taken_at == homelab.date  # the API server's clock (Date header), not this machine's
    log = homelab.log
    assert [r.method for r in log] == ["GET"] * len(PLAN.calls) == ["GET"] * capture.requests
    assert [r.path for r in log] == [c.path for c in PLAN.calls]
    assert all(r.query["limit"] == ["500"] for r in log)
    assert [r.query.get("fieldSelector", [None])[0] for r in log] == [c.field_selector for c in PLAN.calls]
    assert not any("secrets" in r.path for r in log)
    assert all(r.authorization == f"Bearer {homelab.token}" for r in log)
    assert all(r.status == 200 for r in log)


def test_pagination_follows_continue_and_adds_kind_to_builtin_items(homelab: ApiServer, kubeconfig: Path) -> None:
    capture = read_cluster(Target(kubeconfig=str(kubeconfig), timeout=5), PLAN, page_size=2)
    assert len(capture.objects) == 42  # not the Secret, nor what the field selectors leave out
    nodes = [r for r in homelab.log if r.path == "/api/v1/nodes"]
    assert len(nodes) == 2 and "continue" not in nodes[0].query and "continue" in nodes[1].query
    assert capture.pages["/apis/helm.toolkit.fluxcd.io/v2/helmreleases"] == 11
    assert capture.requests == len(homelab.log) == sum(capture.pages.values())
    assert {o.api_version for o in capture.objects if o.kind == "Node"} == {"v1"}  # the list items came without


def test_observed_from_live_read_is_in_sync_shape(kubeconfig: Path) -> None:
    seen = observed(read_cluster(Target(kubeconfig=str(kubeconfig), timeout=5), PLAN), PLAN)
    assert seen.source == "cluster" and seen.target == "admin@homelab" and seen.revision is None
    assert sorted(n.name for n in seen.nodes) == ["talos-76w-3r0", "talos-7aj-lwl", "talos-ysi-4k0"]


def test_in_cluster_with_injected_token_and_ca(homelab: ApiServer, tmp_path: Path) -> None:
    token, ca, environ = homelab.service_account(tmp_path / "sa")
    target = Target(in_cluster=True, token_file=token, ca_file=ca, environ=environ, timeout=5)
    capture = read_cluster(target, PLAN)
    assert capture.context == "in-cluster" and len(capture.objects) == 42
    # the in-cluster loader sends a lowercase scheme; the server matches it case-insensitively
    assert {r.authorization for r in homelab.log} == {f"bearer {homelab.token}"}


def test_in_cluster_outside_a_pod_is_bad_input(homelab: ApiServer, tmp_path: Path) -> None:
    token, ca, _ = homelab.service_account(tmp_path / "sa")
    with pytest.raises(BadInput, match="KUBERNETES_SERVICE_HOST/PORT are not set"):
        read_cluster(Target(in_cluster=True, token_file=token, ca_file=ca, environ={}), PLAN)
    env = {"KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": "1"}
    with pytest.raises(BadInput) as exc:
        read_cluster(Target(in_cluster=True, token_file=tmp_path / "none", ca_file=ca, environ=env), PLAN)
    assert exc.value.lines() == [
        f"{tmp_path / 'none'}: --in-cluster: no service-account token (expected the pod's mounted service-account token)"
    ]
    assert homelab.log == []


def test_kubeconfig_problems_are_bad_input(homelab: ApiServer, kubeconfig: Path, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"no context 'prod' \(expected one of: admin@homelab\)"):
        read_cluster(Target(kubeconfig=str(kubeconfig), context="prod"), PLAN)
    with pytest.raises(BadInput, match="kubeconfig not found"):
        read_cluster(Target(kubeconfig=str(tmp_path / "missing.yaml")), PLAN)
    broken = tmp_path / "broken.yaml"
    broken.write_text("apiVersion: v1\nclusters: [\n")
    with pytest.raises(BadInput) as exc:
        read_cluster(Target(kubeconfig=str(broken)), PLAN)
    assert exc.value.problems[0].line is not None and "'[' that is not closed" in exc.value.lines()[0]
    assert homelab.log == []
