"""kustomize field paths for replacements, as kyaml reads them (split, source lookup, target slots)."""

from __future__ import annotations

import pytest

from labbook.sources.flux.transformers.fieldpath import MISSING, PathError, lookup, slots, split

DOC = {
    "spec": {
        "containers": [{"name": "app", "image": "a:1"}, {"name": "myapp2", "image": "b:2"}, {"name": "db"}],
        "args": ["--x", "--y"],
    },
    "metadata": {"annotations": {"config.kubernetes.io/index": "0"}},
}


@pytest.mark.parametrize(
    ("path", "parts"),
    [
        ("spec.containers.[name=app].image", ["spec", "containers", "[name=app]", "image"]),
        (
            "metadata.annotations.[config.kubernetes.io/index]",
            ["metadata", "annotations", "config.kubernetes.io/index"],
        ),
        ("spec.containers.[name=a.b].image", ["spec", "containers", "[name=a.b]", "image"]),
        ("data.a\\.b", ["data", "a.b"]),
        ("/spec/x", ["/spec/x"]),
        (".spec.x", ["spec", "x"]),
    ],
)
def test_split_like_smarter_path_splitter(path, parts):
    assert split(path) == parts


def test_source_lookup_matches_list_entries_exactly():
    assert lookup(DOC, split("spec.containers.[name=app].image")) == "a:1"
    assert lookup(DOC, split("spec.args.1")) == "--y"
    assert lookup(DOC, split("spec.args.-")) == "--y"
    assert lookup(DOC, split("spec.containers.[name=ap].image")) is MISSING
    assert lookup(DOC, split("metadata.annotations.[config.kubernetes.io/index]")) == "0"
    assert lookup(DOC, split("spec.nope.deeper")) is MISSING


def test_target_list_entries_are_unanchored_regular_expressions():
    found = slots({"": DOC}, "", split("spec.containers.[name=app].image"))
    assert [c["name"] for c, _ in found] == ["app", "myapp2"]  # kyaml's PathMatcher: regexp MatchString


def test_target_wildcard_and_index():
    assert len(slots({"": DOC}, "", split("spec.containers.*.name"))) == 3
    assert slots({"": DOC}, "", split("spec.args.0")) == [(DOC["spec"]["args"], 0)]
    with pytest.raises(PathError):
        slots({"": DOC}, "", split("spec.args.5"))


def test_create_makes_missing_maps_lists_and_list_entries():
    doc: dict = {"spec": {}}
    ((container, key),) = slots({"": doc}, "", split("spec.deps.[name=db].namespace"), None)
    container[key] = "data"
    assert doc == {"spec": {"deps": [{"name": "db", "namespace": "data"}]}}
    ((container, key),) = slots({"": doc}, "", split("spec.list.0"), None)
    container[key] = "first"
    assert doc["spec"]["list"] == ["first"]


def test_without_create_a_missing_field_has_no_slot():
    assert slots({"": {"spec": {}}}, "", split("spec.chart.version")) == []
