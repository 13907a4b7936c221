"""The text-level passes that spare libyaml work: document split, kind sniffing, values elision."""

from __future__ import annotations

import yaml

from labbook.sources.flux.loader import load
from labbook.sources.flux.textscan import documents, elide_values, first_line, kind_of

HR = """\
---
# a release
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: app
spec:
  chart:
    spec: {chart: c, version: 1.0.0}
  values:
    image: &img
      tag: "1"
# a comment at column 0 inside values
    script: |
      echo "kind: Deployment"
      ---not a marker
    again: *img

  interval: 1h
"""


def test_elision_blanks_only_the_values_block_and_keeps_line_numbers():
    out = elide_values(HR)
    assert out is not None
    assert out.count("\n") == HR.count("\n")
    assert yaml.safe_load(out) == {
        "apiVersion": "helm.toolkit.fluxcd.io/v2",
        "kind": "HelmRelease",
        "metadata": {"name": "app"},
        "spec": {"chart": {"spec": {"chart": "c", "version": "1.0.0"}}, "values": {}, "interval": "1h"},
    }
    assert out.splitlines()[18] == "  interval: 1h"


def test_elision_follows_the_indentation_of_specs_children():
    four = HR.replace("\n  ", "\n    ").replace("\n    \n", "\n\n")
    out = elide_values(four)
    assert out is not None and yaml.safe_load(out)["spec"]["values"] == {}


def test_no_elision_when_unsure():
    assert elide_values(HR.replace("  values:\n", "  values: &v\n")) is None  # anchored: left to the parser
    assert elide_values(HR.replace("spec:\n", "spec: \n  # x\n", 1).replace("  values:", "  extra:")) is None
    assert elide_values("kind: HelmRelease\nspec: {values: {a: 1}}\n") is None


def test_an_alias_into_elided_values_falls_back_to_the_full_parse():
    text = HR.replace("  interval: 1h", "  interval: *img")
    docs, problem = load(text.encode())
    assert problem is None
    assert docs[0].obj["spec"]["interval"] == {"tag": "1"}


def test_documents_split_at_markers_with_their_line_offsets():
    text = "a: 1\n---\nkind: Deployment\n--- \nkind: HelmRelease\n"
    assert documents(text) == [(0, "a: 1\n"), (1, "---\nkind: Deployment\n"), (3, "--- \nkind: HelmRelease\n")]
    assert documents("%YAML 1.1\n---\na: 1\n") is None
    assert documents("a: 1\n...\n---\nb: 2\n") is None


def test_kind_sniffing_only_trusts_a_column_zero_key():
    assert kind_of("apiVersion: apps/v1\nkind: Deployment # a comment\n") == "Deployment"
    assert kind_of("kind: 'ConfigMap'\n") == "ConfigMap"
    assert kind_of("{kind: Deployment}\n") is None
    assert kind_of("  kind: Deployment\n") is None
    assert first_line("---\n# c\n\nkind: X\n") == 3


def test_dropped_kinds_are_never_parsed_but_still_counted_with_their_line():
    text = b"---\nkind: Deployment\nspec: {unclosed: [\n---\nkind: ConfigMap\nmetadata: {name: c}\n"
    docs, problem = load(text)
    assert problem is None  # the broken Deployment is never composed
    assert [(d.kind, d.line, d.obj is None) for d in docs] == [("Deployment", 2, True), ("ConfigMap", 5, False)]


def test_problem_lines_are_file_lines():
    docs, problem = load(b"kind: Namespace\nmetadata: {name: a}\n---\nkind: Secret\nmetadata: {name: [\n")
    assert docs == [] and problem is not None and problem.line == 6
