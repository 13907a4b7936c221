"""Strategic merge, JSON 6902 and target selectors on their own."""

from __future__ import annotations

import pytest

from labbook.sources.flux.patches import (
    PatchError,
    apply_json6902,
    apply_strategic,
    merge,
    selector_matches,
    target_matches,
)
from labbook.sources.flux.resource import Res


def hr(**meta):
    return Res(
        {
            "apiVersion": "helm.toolkit.fluxcd.io/v2",
            "kind": "HelmRelease",
            "metadata": {"name": "web", **meta},
            "spec": {"chart": {"spec": {"chart": "c", "version": "1"}}, "dependsOn": [{"name": "a"}, {"name": "b"}]},
        },
        "f.yaml",
        1,
    )


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ("tier=web", {"tier": "web"}, True),
        ("tier==web", {"tier": "db"}, False),
        ("tier!=db", {}, True),
        ("tier in (web, api)", {"tier": "api"}, True),
        ("tier notin (web)", {"tier": "web"}, False),
        ("tier", {"tier": ""}, True),
        ("!tier", {"tier": "x"}, False),
        ("a=1,b!=2", {"a": "1", "b": "3"}, True),
        ("gitops.owncloud.ai/defaults!=disabled", {}, True),
    ],
    ids=["eq", "eqeq", "neq-absent", "in", "notin", "exists", "not-exists", "and", "prefixed-key"],
)
def test_label_selectors(selector, labels, expected):
    assert selector_matches(selector, labels) is expected


def test_targets_are_anchored_regexes():
    res = hr(namespace="apps", labels={"tier": "web"})
    assert target_matches({"kind": "HelmRelease", "name": "w.*"}, res)
    assert not target_matches({"name": "we"}, res)
    assert target_matches({"group": "helm.toolkit.fluxcd.io", "version": "v2", "namespace": "apps"}, res)
    assert not target_matches({"kind": "Kustomization"}, res)
    assert target_matches({"labelSelector": "tier=web"}, res)
    assert target_matches({"namespace": "default"}, hr())  # no namespace is the default namespace


def test_strategic_merge_merges_maps_replaces_plain_lists_and_keeps_identity():
    patch = {"metadata": {"name": "other"}, "spec": {"chart": {"spec": {"version": "2"}}, "suspend": True}}
    out = apply_strategic(hr(), patch)
    assert out.name == "web"
    assert out.spec["chart"]["spec"] == {"chart": "c", "version": "2"}
    assert out.spec["suspend"] is True


def test_strategic_merge_directives():
    base = {"a": {"x": 1, "y": 2}, "list": [{"name": "a", "v": 1}, {"name": "b", "v": 2}], "plain": [1, 2]}
    patch = {"a": {"y": None}, "list": [{"name": "b", "v": 3}, {"name": "a", "$patch": "delete"}], "plain": [9]}
    assert merge(base, patch) == {"a": {"x": 1}, "list": [{"name": "b", "v": 3}], "plain": [9]}
    assert merge(base, {"a": {"$patch": "replace", "z": 0}})["a"] == {"z": 0}
    assert base["a"] == {"x": 1, "y": 2}  # the input is never modified


def test_json6902_operations():
    ops = [
        {"op": "replace", "path": "/spec/chart/spec/version", "value": "3"},
        {"op": "add", "path": "/spec/dependsOn/-", "value": {"name": "c"}},
        {"op": "remove", "path": "/spec/dependsOn/0"},
        {"op": "copy", "from": "/spec/chart/spec/chart", "path": "/metadata/labels"},
        {"op": "test", "path": "/metadata/labels", "value": "c"},
        {"op": "add", "path": "/metadata/annotations~1x", "value": "slash"},
    ]
    out = apply_json6902(hr(), ops)
    assert out.spec["chart"]["spec"]["version"] == "3"
    assert out.spec["dependsOn"] == [{"name": "b"}, {"name": "c"}]
    assert out.meta["annotations/x"] == "slash"


@pytest.mark.parametrize(
    "op",
    [
        {"op": "replace", "path": "/spec/nope/x", "value": 1},
        {"op": "remove", "path": "/spec/dependsOn/9"},
        {"op": "test", "path": "/spec/chart/spec/version", "value": "2"},
        {"op": "frobnicate", "path": "/spec"},
    ],
    ids=["missing-path", "index-out-of-range", "test-fails", "unknown-op"],
)
def test_json6902_errors(op):
    with pytest.raises(PatchError):
        apply_json6902(hr(), [op])
