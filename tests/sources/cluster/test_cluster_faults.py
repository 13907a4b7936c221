"""Every way a cluster read can fail ends in exit 3 with its own one-line message (a 404 CRD: a finding).

Each runs ``labbook drift cluster`` as a subprocess against the loopback server
with ``--timeout 0.5``. Faults that stall (a slow server, a body that never
finishes) stall for far longer than the subprocess is allowed to run, so a
checker that did not honour its timeout would fail the test by hanging.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import trustme
import yaml

from tests.conftest import run_labbook
from tests.sources.cluster.apiserver import ApiServer, Fault, closed_port

STALL = 60.0
"""How long a stalling fault stalls: far past the timeout and the subprocess limit."""
LIMIT = 20.0
"""Subprocess time limit: interpreter start-up plus the 0.5 s timeout, with room for a slow CI machine."""


def _check(kubeconfig: Path, *extra: str):
    return run_labbook(
        "drift", "cluster", "--kubeconfig", str(kubeconfig), "--timeout", "0.5", *extra, timeout=LIMIT
    )  # fmt: skip


def _one_line_exit_3(result, pattern: str) -> None:
    assert result.code == 3, (result.code, result.out, result.err)
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert re.search(pattern, lines[0]), lines[0]
    assert "Traceback" not in result.err
    assert result.out == ""  # a failed read is never reported, let alone as "in sync"


def test_connection_refused(serve: Callable[..., ApiServer], tmp_path: Path) -> None:
    server = serve("homelab")
    port = closed_port()
    kc = server.kubeconfig(tmp_path / "kc.yaml", server=f"https://127.0.0.1:{port}")
    _one_line_exit_3(
        _check(kc),
        rf"^\S*/kc\.yaml \(context admin@homelab\): connection to https://127\.0\.0\.1:{port} refused "
        r"\(expected an API server listening there: check the server address of the context",
    )


def test_untrusted_certificate(serve: Callable[..., ApiServer], tmp_path: Path) -> None:
    server = serve("homelab")
    kc = server.kubeconfig(tmp_path / "kc.yaml", ca=trustme.CA())  # the client trusts another CA
    _one_line_exit_3(
        _check(kc),
        r"TLS verification of https://127\.0\.0\.1:\d+ failed: .*certificate verify failed.* "
        r"\(expected a server certificate signed by the context's certificate authority: check the CA\)$",
    )
    assert server.log == []  # the handshake failed before any request


def test_slow_response_past_the_timeout(serve: Callable[..., ApiServer], tmp_path: Path) -> None:
    server = serve("homelab")
    server.faults["nodes"] = Fault(delay=STALL)
    _one_line_exit_3(
        _check(server.kubeconfig(tmp_path / "kc.yaml")),
        r"GET https://127\.0\.0\.1:\d+/api/v1/nodes: no answer within 0\.5 s \(expected a reply in time: .*raise --timeout\)$",
    )


def test_body_that_never_finishes(serve: Callable[..., ApiServer], tmp_path: Path) -> None:
    server = serve("homelab")
    server.faults["helmreleases"] = Fault(unfinished=True)
    _one_line_exit_3(
        _check(server.kubeconfig(tmp_path / "kc.yaml")),
        r"GET https://127\.0\.0\.1:\d+/apis/helm\.toolkit\.fluxcd\.io/v2/helmreleases: the response body did not finish "
        r"within 0\.5 s \(\d+ bytes received\) \(expected a complete reply",
    )


def test_401_credentials_rejected(serve: Callable[..., ApiServer], tmp_path: Path) -> None:
    server = serve("homelab")
    kc = server.kubeconfig(tmp_path / "kc.yaml", token="expired-token")
    _one_line_exit_3(
        _check(kc),
        r"GET https://127\.0\.0\.1:\d+/api/v1/nodes: 401 Unauthorized: the credentials were rejected "
        r"\(expected a valid token or client certificate: refresh the credentials of context admin@homelab\)$",
    )
    assert len(server.log) == 1  # no retry


def test_403_names_the_missing_rbac_verbs(serve: Callable[..., ApiServer], tmp_path: Path) -> None:
    server = serve("homelab")
    server.faults["daemonsets"] = Fault(status=403)
    _one_line_exit_3(
        _check(server.kubeconfig(tmp_path / "kc.yaml")),
        r"GET https://127\.0\.0\.1:\d+/apis/apps/v1/namespaces/nvidia-device-plugin/daemonsets: 403 Forbidden: "
        r'daemonsets\.apps is forbidden: User "system:serviceaccount:ci:labbook" cannot list resource "daemonsets" .* '
        r"\(expected RBAC verbs get, list on daemonsets\.apps in API group apps in namespace nvidia-device-plugin: "
        r"apply deploy/rbac\.yaml",
    )


def test_404_crd_absent_is_a_finding_not_a_failure(serve: Callable[..., ApiServer], tmp_path: Path) -> None:
    server = serve("homelab", absent={"network-attachment-definitions.k8s.cni.cncf.io"})
    result = _check(server.kubeconfig(tmp_path / "kc.yaml"), "--format", "json")
    assert result.code == 1, result.err
    assert result.err == ""
    import json

    report = json.loads(result.out)
    assert [(f["code"], f["subject"], f["field"]) for f in report["findings"]] == [
        ("missing", "component/multus", "crd")
    ]
    assert "CRD network-attachment-definitions.k8s.cni.cncf.io is not installed" in report["findings"][0]["message"]
    nad = [r for r in server.log if "network-attachment-definitions" in r.path]
    assert [r.status for r in nad] == [404]
    assert len(server.log) == 9  # every other read still happened


def test_500_server_error(serve: Callable[..., ApiServer], tmp_path: Path) -> None:
    server = serve("homelab")
    server.faults["kustomizations"] = Fault(status=500)
    _one_line_exit_3(
        _check(server.kubeconfig(tmp_path / "kc.yaml")),
        r"/apis/kustomize\.toolkit\.fluxcd\.io/v1/kustomizations: 500 Internal Server Error: "
        r"Internal error occurred: etcdserver: request timed out \(expected a healthy API server: try again",
    )
    assert len(server.requests()) == 4  # nodes, helmreleases, ocirepositories, kustomizations: no retry, nothing after


def test_malformed_json(serve: Callable[..., ApiServer], tmp_path: Path) -> None:
    server = serve("homelab")
    server.faults["nodes"] = Fault(malformed=True)
    _one_line_exit_3(
        _check(server.kubeconfig(tmp_path / "kc.yaml")),
        r"GET https://127\.0\.0\.1:\d+/api/v1/nodes: malformed JSON in the response: .* "
        r"\(expected a JSON list object from a Kubernetes API server\)$",
    )


def test_json_that_is_not_a_list(serve, tmp_path: Path) -> None:
    server = serve("homelab")
    server.faults["nodes"] = Fault(body=b'{"kind": "Status", "apiVersion": "v1", "status": "Success"}')
    _one_line_exit_3(
        _check(server.kubeconfig(tmp_path / "kc.yaml")),
        r"GET https://127\.0\.0\.1:\d+/api/v1/nodes: the response is not a list \(expected a NodeList with items",
    )


def test_continue_token_that_loops(serve: Callable[..., ApiServer], tmp_path: Path) -> None:
    server = serve("homelab")
    template = server.objects[("helm.toolkit.fluxcd.io", "v2", "helmreleases")][0]
    for i in range(600):  # more than one page of 500
        extra = copy.deepcopy(template)
        extra["metadata"].update(name=f"extra-{i:03d}", namespace="zz-extra")
        server.add(extra)
    server.faults["helmreleases"] = Fault(loop_continue=True)
    _one_line_exit_3(
        _check(server.kubeconfig(tmp_path / "kc.yaml")),
        r"/apis/helm\.toolkit\.fluxcd\.io/v2/helmreleases: the server sent continue token '.+' again after 2 pages "
        r"\(expected each page to advance: the API server or a proxy loops\)$",
    )
    assert len([r for r in server.log if "helmreleases" in r.path]) == 2


def test_redirect_is_not_followed(serve, tmp_path: Path) -> None:
    server = serve("homelab")
    server.faults["nodes"] = Fault(redirect=f"{server.url}/login?next=/api/v1/nodes")
    _one_line_exit_3(
        _check(server.kubeconfig(tmp_path / "kc.yaml")),
        r"GET https://127\.0\.0\.1:\d+/api/v1/nodes: the server answered with a redirect \(expected the API server "
        r"itself, not a proxy or login page",
    )
    assert [r.path for r in server.log] == ["/api/v1/nodes"]


@pytest.mark.parametrize("field", ["capacity", "history"], ids=["bad-quantity", "bad-history"])
def test_object_in_an_unusable_shape(serve: Callable[..., ApiServer], tmp_path: Path, field: str) -> None:
    server = serve("homelab")
    if field == "capacity":
        server.objects[("", "v1", "nodes")][0]["status"]["capacity"]["memory"] = "a lot"
        pattern = r"Node talos-76w-3r0: status\.capacity\.memory: got 'a lot' \(expected a Kubernetes quantity"
    else:
        server.objects[("helm.toolkit.fluxcd.io", "v2", "helmreleases")][0]["status"]["history"] = "v1"
        pattern = r"HelmRelease arc-runners/arc-runners-amd64: status\.history: got 'v1' \(expected a list\)$"
    _one_line_exit_3(_check(server.kubeconfig(tmp_path / "kc.yaml")), pattern)


def test_a_bad_kubeconfig_is_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "kc.yaml"
    broken.write_text("apiVersion: v1\nclusters: [\n")
    result = _check(broken)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        f"{broken}:2:11: a '[' that is not closed (expected its items and a closing ']'); "
        "hint: quote values that contain ',', '[' or ']'"
    ]


def test_a_failing_exec_credential_plugin_is_one_line(serve, tmp_path: Path) -> None:
    server = serve("homelab")
    kc = server.kubeconfig(tmp_path / "kc.yaml")
    doc = yaml.safe_load(kc.read_text())
    doc["users"][0]["user"] = {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": "no-such-plugin"}}
    kc.write_text(yaml.safe_dump(doc))
    _one_line_exit_3(
        _check(kc),
        r"\(context admin@homelab\): the exec credential plugin failed: .*no-such-plugin.* \(expected the context's "
        r"users\[\]\.exec command to print credentials",
    )
    assert server.log == []


def test_insecure_skip_tls_verify_is_one_warning_line(serve, tmp_path: Path) -> None:
    server = serve("homelab")
    kc = server.kubeconfig(tmp_path / "kc.yaml", insecure=True)
    result = _check(kc)
    assert result.code == 0, result.err
    [line] = result.err.splitlines()  # not one urllib3 InsecureRequestWarning per request
    assert re.fullmatch(
        r"warning: \S+kc\.yaml \(context admin@homelab\): insecure-skip-tls-verify is set, so the identity "
        r"of https://127\.0\.0\.1:\d+ is not verified \(remove it and set certificate-authority-data to check it\)",
        line,
    )
