"""The reader against real kubectl kustomize + Flux substitution, Flux Kustomization by Flux Kustomization."""

from __future__ import annotations

import pytest

from labbook.commands.flux_list import rows as flux_list_rows
from labbook.sources.flux import build, read_repo
from labbook.sources.flux.diagnostics import Diagnostics
from labbook.sources.flux.observe import helmrelease
from tests.conftest import CORPORA
from tests.oracle.cases import CASES, Case
from tests.oracle.oracle import COMPARED, Oracle, Result, Row, helmreleases

pytestmark = pytest.mark.oracle

Seen = dict[tuple[str, str], tuple[set[Row], str | None, str, tuple[str, str] | None]]
Releases = set[tuple[str, str, str | None, str | None]]
_cache: dict[str, tuple[dict[tuple[str, str], Result], Seen, Releases, list[str]]] = {}


def _reader(case: Case) -> Seen:
    """Per Flux Kustomization: rows, why it was skipped, its path, and the Kustomization that applied it."""
    found = build(case.repo, case.path, case.source)
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
        oracle = Oracle(
            kubectl, case.repo, case.entry, tmp_path_factory.mktemp(name), case.roots, case.root, case.ignores
        )
        listed = flux_list_rows(read_repo(case.repo, case.path, case.source))
        releases = {(r["namespace"], r["name"], r["chart"], r["version"]) for r in listed if r["kind"] == "HelmRelease"}
        _cache[name] = (oracle.run(), _reader(case), releases, oracle.prepared)
    return _cache[name]


@pytest.mark.parametrize("compared", list(CASES), ids=list(CASES), indirect=True)
def test_reader_matches_kubectl_kustomize(compared):
    oracle, reader, _, _ = compared
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
    oracle, reader, _, _ = compared
    skipped = [f"{k[0]}/{k[1]} ({r.path}): {r.skipped}" for k, r in sorted(oracle.items()) if r.skipped]
    skipped += [
        f"{k[0]}/{k[1]} ({path}): applied by {parent[0]}/{parent[1]}, which kustomize could not build"
        for k, (_, _, path, parent) in sorted(reader.items())
        if k not in oracle and parent in oracle and oracle[parent].skipped
    ]
    if skipped:
        pytest.skip(f"{len(skipped)} path(s) not compared: " + "; ".join(skipped))


@pytest.mark.parametrize("compared", list(CASES), ids=list(CASES), indirect=True)
def test_flux_list_helmreleases_equal_kubectl_over_the_whole_repository(compared):
    """The (namespace, name, chart, version) of every HelmRelease `labbook flux list` reports, against every one
    kubectl kustomize plus Flux substitution builds from the same entry point.

    Where two Kustomizations apply the same HelmRelease differently (kustomize-controller would fight over it),
    the reader reports one of the versions built, and warns.
    """
    oracle, _, listed, _ = compared
    built: dict[tuple[str, str], set[tuple[str, str, str | None, str | None]]] = {}
    for row in helmreleases(oracle):
        built.setdefault(row[:2], set()).add(row)
    assert built, "kubectl built no HelmRelease"
    reported = {row[:2]: row for row in listed}
    assert sorted(set(reported) - set(built)) == [], "flux list reports HelmReleases kubectl does not build"
    assert sorted(set(built) - set(reported)) == [], "kubectl builds HelmReleases flux list does not report"
    differ = sorted((reported[k], sorted(built[k], key=str)) for k in reported if reported[k] not in built[k])
    assert differ == [], "flux list reports a chart or version kubectl does not build"
