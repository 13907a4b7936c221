"""The reader against real kubectl kustomize + Flux substitution, Flux Kustomization by Flux Kustomization."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from labbook.sources.flux import build
from labbook.sources.flux.diagnostics import Diagnostics
from labbook.sources.flux.observe import helmrelease
from tests.conftest import CORPORA, ROOT
from tests.oracle.oracle import COMPARED, Oracle, Result, Row

pytestmark = pytest.mark.oracle

FIXTURES = ROOT / "tests" / "fixtures" / "flux"
GIT = {"GitRepository/flux-system": ""}


@dataclass(frozen=True)
class Case:
    repo: Path
    entry: str
    roots: dict[str, str]
    path: str | None = None
    corpus: bool = False


CASES = {
    "example": Case(ROOT / "examples" / "flux", "clusters/homelab", GIT),
    **{
        f"fixture-{name}": Case(FIXTURES / name, "clusters/test", GIT)
        for name in (
            "generated-kustomization",
            "resources-and-namespace",
            "components",
            "patches",
            "substitution",
            "sourceignore",
            "helmrelease-versions",
            "tolerant-yaml",
            "deferred-vars",
            "duplicates",
        )
    },
    "fixture-other-sources": Case(
        FIXTURES / "other-sources", "clusters/test", {**GIT, "OCIRepository/flux-system": "deploy"}
    ),
    "fixture-entry-operator": Case(FIXTURES / "entry-operator", "kubernetes/flux/cluster", GIT),
    "corpus-flux2-example-staging": Case(
        CORPORA / "fluxcd__flux2-kustomize-helm-example", "clusters/staging", GIT, "clusters/staging", True
    ),
    "corpus-flux2-example-production": Case(
        CORPORA / "fluxcd__flux2-kustomize-helm-example", "clusters/production", GIT, "clusters/production", True
    ),
    "corpus-onedr0p": Case(CORPORA / "onedr0p__home-ops", "kubernetes/flux/cluster", GIT, None, True),
    "corpus-xunholy": Case(
        CORPORA / "xunholy__k8s-gitops",
        "kubernetes/clusters/cluster-00",
        {**GIT, "OCIRepository/flux-system": "kubernetes"},
        None,
        True,
    ),
}

Seen = dict[tuple[str, str], tuple[set[Row], str | None, str, tuple[str, str] | None]]
_cache: dict[str, tuple[dict[tuple[str, str], Result], Seen]] = {}


def _reader(case: Case) -> Seen:
    """Per Flux Kustomization: rows, why it was skipped, its path, and the Kustomization that applied it."""
    found = build(case.repo, case.path)
    sources = {(o.kind, o.namespace, o.name): o for o in found.objects if o.group == "source.toolkit.fluxcd.io"}
    parent = {
        (o.namespace, o.name): (ks.namespace, ks.name)
        for ks in found.kustomizations
        for o in ks.objects
        if o.kind == "Kustomization" and o.group == "kustomize.toolkit.fluxcd.io"
    }
    out: Seen = {}
    for ks in found.kustomizations:
        rows: set[Row] = set()
        for obj in ks.objects + ks.shadowed:
            if obj.kind not in COMPARED or (obj.kind == "Kustomization" and obj.group != "kustomize.toolkit.fluxcd.io"):
                continue
            if obj.kind == "HelmRelease":
                hr = helmrelease(obj, sources, Diagnostics())
                rows.add(("HelmRelease", hr.namespace, hr.name, hr.chart, hr.version))
            else:
                rows.add((obj.kind, obj.namespace, obj.name, None, None))
        out[(ks.namespace, ks.name)] = (rows, ks.skipped, ks.path, parent.get((ks.namespace, ks.name)))
    return out


@pytest.fixture
def compared(request, kubectl, tmp_path_factory):
    name = request.param
    case = CASES[name]
    if case.corpus and not CORPORA.is_dir():
        pytest.skip(f"real Flux corpora not found at {CORPORA} (they live in ../shared beside the checkout)")
    if name not in _cache:
        oracle = Oracle(kubectl, case.repo, case.entry, tmp_path_factory.mktemp(name), case.roots)
        _cache[name] = (oracle.run(), _reader(case))
    return _cache[name]


@pytest.mark.parametrize("compared", list(CASES), ids=list(CASES), indirect=True)
def test_reader_matches_kubectl_kustomize(compared):
    oracle, reader = compared
    differences = []
    for key, result in sorted(oracle.items()):
        where = f"Kustomization {key[0]}/{key[1]} (path {result.path})"
        if result.skipped:
            continue
        if key not in reader:
            differences.append(f"{where}: the reader did not follow it")
            continue
        rows, skipped, _, _ = reader[key]
        if skipped:
            differences.append(f"{where}: the reader skipped it ({skipped})")
        elif rows != result.rows:
            missing = sorted(result.rows - rows, key=str)
            extra = sorted(rows - result.rows, key=str)
            differences.append(f"{where}: reader lacks {missing}, has extra {extra}")
    for key, (_, skipped, path, parent) in sorted(reader.items()):
        compared_parent = parent in oracle and not oracle[parent].skipped
        if key not in oracle and not skipped and compared_parent:
            differences.append(f"Kustomization {key[0]}/{key[1]} (path {path}): followed by the reader, not by Flux")
    assert not differences, "\n".join(differences)
    assert any(not r.skipped and r.rows for r in oracle.values()), "nothing was compared"


@pytest.mark.parametrize("compared", list(CASES), ids=list(CASES), indirect=True)
def test_paths_kustomize_cannot_build_alone(compared):
    oracle, reader = compared
    skipped = [f"{k[0]}/{k[1]} ({r.path}): {r.skipped}" for k, r in sorted(oracle.items()) if r.skipped]
    skipped += [
        f"{k[0]}/{k[1]} ({path}): applied by {parent[0]}/{parent[1]}, which kustomize could not build"
        for k, (_, _, path, parent) in sorted(reader.items())
        if k not in oracle and parent in oracle and oracle[parent].skipped
    ]
    if skipped:
        pytest.skip(f"{len(skipped)} path(s) not compared: " + "; ".join(skipped))
