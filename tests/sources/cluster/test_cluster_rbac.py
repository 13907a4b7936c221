"""deploy/rbac.yaml grants exactly what the checker reads, get and list only, and it is enough."""

from __future__ import annotations

from pathlib import Path

import pytest

from labbook.errors import SourceUnavailable
from labbook.load.inventory import load_inventory
from labbook.sources.cluster.connection import Target
from labbook.sources.cluster.plan import read_plan
from labbook.sources.cluster.reads import read_cluster
from tests.conftest import ROOT
from tests.sources.cluster.apiserver import rbac_grants

RBAC = ROOT / "deploy" / "rbac.yaml"
PLAN = read_plan(load_inventory(ROOT / "inventory"))
GRANTS = rbac_grants(RBAC, "arc-runners", "labbook")


def test_every_read_is_granted() -> None:
    for call in PLAN.calls:
        assert any(
            (g.group, g.resource) == (call.group, call.plural)
            and "list" in g.verbs
            and (g.namespace is None or g.namespace == call.namespace)
            for g in GRANTS
        ), call.describe()


def test_nothing_more_is_granted() -> None:
    reads = {(c.group, c.plural) for c in PLAN.calls}
    cluster_wide = {(c.group, c.plural) for c in PLAN.calls if c.namespace is None}
    for g in GRANTS:
        assert g.verbs == {"get", "list"}, g
        assert (g.group, g.resource) in reads, g
        if g.namespace is None:
            assert (g.group, g.resource) in cluster_wide, (
                f"{g.resource} granted cluster-wide but only read in namespaces"
            )
        else:
            assert g.namespace in {c.namespace for c in PLAN.calls if (c.group, c.plural) == (g.group, g.resource)}, g
    assert not [g for g in GRANTS if g.resource in ("secrets", "*") or g.group == "*"]


def test_the_checker_runs_in_cluster_with_exactly_these_grants(serve, tmp_path: Path) -> None:
    server = serve("homelab", rbac=GRANTS)
    token, ca, environ = server.service_account(tmp_path / "sa")
    capture = read_cluster(Target(in_cluster=True, token_file=token, ca_file=ca, environ=environ, timeout=5), PLAN)
    assert len(capture.objects) == 42 and [r.status for r in server.log] == [200] * len(PLAN.calls)


def test_a_missing_binding_is_a_403_naming_what_to_grant(serve, tmp_path: Path) -> None:
    grants = [g for g in GRANTS if g.namespace != "nvidia-device-plugin"]
    server = serve("homelab", rbac=grants)
    token, ca, environ = server.service_account(tmp_path / "sa")
    with pytest.raises(SourceUnavailable) as exc:
        read_cluster(Target(in_cluster=True, token_file=token, ca_file=ca, environ=environ, timeout=5), PLAN)
    assert exc.value.reason == "403"
    [line] = exc.value.lines()
    assert line.endswith(
        "(expected RBAC verbs get, list on daemonsets.apps in API group apps in namespace nvidia-device-plugin: "
        "apply deploy/rbac.yaml, or add the rule to the role bound to this account)"
    )
