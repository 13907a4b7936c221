"""The loopback API server answers the real ``kubernetes`` client the way kube-apiserver does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kubernetes import client, config
from kubernetes.client.exceptions import ApiException

from tests.sources.cluster import apiserver
from tests.sources.cluster.apiserver import ApiServer, label_match


def _core(server: ApiServer, tmp_path: Path, **kw) -> client.CoreV1Api:
    api = config.new_client_from_config(str(server.kubeconfig(tmp_path / "kc.yaml", **kw)), persist_config=False)
    return client.CoreV1Api(api)


@pytest.mark.parametrize(
    ("selector", "names"),
    [
        ("kubernetes.io/arch=arm64", ["talos-7aj-lwl", "talos-ysi-4k0"]),
        ("kubernetes.io/arch==amd64", ["talos-76w-3r0"]),
        ("kubernetes.io/arch!=arm64", ["talos-76w-3r0"]),
        ("nvidia.com/gpu.memory", ["talos-76w-3r0"]),
        ("!nvidia.com/gpu.memory", ["talos-7aj-lwl", "talos-ysi-4k0"]),
        ("nvidia.com/gpu.product in (NVIDIA-GB10, other)", ["talos-7aj-lwl", "talos-ysi-4k0"]),
        ("nvidia.com/gpu.product notin (NVIDIA-GB10),kubernetes.io/os=linux", ["talos-76w-3r0"]),
    ],
    ids=["eq", "double-eq", "not-eq", "exists", "not-exists", "in", "notin-and"],
)
def test_label_selectors(serve, tmp_path: Path, selector: str, names: list[str]) -> None:
    server = serve("homelab")
    nodes = _core(server, tmp_path).list_node(label_selector=selector)
    assert [n.metadata.name for n in nodes.items] == names


def test_label_match_without_a_server() -> None:
    assert label_match("a in (x, y),!b", {"a": "y"})
    assert not label_match("a in (x, y),!b", {"a": "y", "b": ""})


def test_field_selector_and_typed_pagination(serve, tmp_path: Path) -> None:
    server = serve("homelab")
    core = _core(server, tmp_path)
    maps = core.list_namespaced_config_map("kube-system", field_selector="metadata.name=sriovdp-config")
    assert [m.metadata.name for m in maps.items] == ["sriovdp-config"]
    page1 = core.list_node(limit=2)
    assert len(page1.items) == 2 and page1.metadata.remaining_item_count == 1
    page2 = core.list_node(limit=2, _continue=page1.metadata._continue)
    assert [n.metadata.name for n in page2.items] == ["talos-ysi-4k0"] and page2.metadata._continue is None
    with pytest.raises(ApiException) as exc:
        core.list_node(field_selector="spec.unschedulable=true")
    assert exc.value.status == 400
    assert json.loads(exc.value.body)["message"] == "invalid request: 'spec.unschedulable'"


def test_bearer_scheme_is_case_insensitive_and_anything_else_is_401(serve, tmp_path: Path) -> None:
    server = serve("homelab")
    core = _core(server, tmp_path)
    assert len(core.list_node(_headers={"Authorization": f"BEARER {server.token}"}).items) == 3
    with pytest.raises(ApiException) as exc:
        core.list_node(_headers={"Authorization": f"Basic {server.token}"})
    body = json.loads(exc.value.body)
    assert (exc.value.status, body["kind"], body["reason"], body["code"]) == (401, "Status", "Unauthorized", 401)
    assert [r.authorization.split()[0] for r in server.log] == ["BEARER", "Basic"]


def test_non_get_is_refused_and_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apiserver, "NON_GET", [])  # this test sends a POST on purpose; the suite guard stays clean
    with ApiServer() as server:
        core = _core(server, tmp_path)
        with pytest.raises(ApiException) as exc:
            core.create_namespaced_config_map("default", {"metadata": {"name": "x"}})
    assert exc.value.status == 405
    assert apiserver.NON_GET == ["POST /api/v1/namespaces/default/configmaps"]
    assert [(r.method, r.status) for r in server.log] == [("POST", 405)]


def test_absent_crd_is_404_status(serve, tmp_path: Path) -> None:
    server = serve("homelab", absent={"helmreleases.helm.toolkit.fluxcd.io"})
    api = config.new_client_from_config(str(server.kubeconfig(tmp_path / "kc.yaml")), persist_config=False)
    with pytest.raises(ApiException) as exc:
        client.CustomObjectsApi(api).list_cluster_custom_object("helm.toolkit.fluxcd.io", "v2", "helmreleases")
    assert exc.value.status == 404
    assert json.loads(exc.value.body)["reason"] == "NotFound"
    items = client.CustomObjectsApi(api).list_cluster_custom_object(
        "kustomize.toolkit.fluxcd.io", "v1", "kustomizations"
    )
    assert items["items"][0]["kind"] == "Kustomization"  # custom resources keep kind in list items
