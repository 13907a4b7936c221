"""The Flux repository's history: chart and version per HelmRelease agree with the Flux reader, bumps in a
moved file are followed, and releases are tied to the components documented for them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from labbook.history import read_history
from labbook.history.sources import FluxSource
from labbook.sources.flux import read_repo
from tests.conftest import ROOT
from tests.history import lab
from tests.history.gitrepo import GitRepo

FLUX = ROOT / "examples" / "flux"


def _repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "lab")
    shutil.copytree(FLUX, repo.root / "flux")
    repo.write("inventory/hardware.yaml", lab.hardware({"spark-a": lab.SPARK}))
    repo.write("inventory/platform.yaml", lab.platform(cilium="1.18.4", plugin="0.18.0"))
    repo.write("inventory/rdma.yaml", lab.rdma())
    repo.commit("the lab", "2025-11-01T10:00:00+00:00")
    return repo


def test_releases_at_head_agree_with_the_flux_reader(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    timeline = read_history(repo.root / "inventory", repo.root / "flux", cache_dir=False)
    added = {c.subject.rpartition("/")[2]: c for c in timeline.history.changes if c.origin == "flux"}
    observed = read_repo(repo.root / "flux").helmreleases
    assert observed and set(added) == {hr.name for hr in observed}
    for hr in observed:
        assert added[hr.name].summary.endswith(f"added: {hr.chart} {hr.version}"), hr.name


def test_bump_in_a_moved_file_and_component_refs(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    old = "flux/infrastructure/network/cilium/helmrelease.yaml"
    text = (repo.root / old).read_text(encoding="utf-8")
    assert "version: 1.18.4" in text
    repo.git("mv", "flux/infrastructure/network/cilium", "flux/infrastructure/network/cni")
    repo.commit("move cilium", "2025-11-02T10:00:00+00:00")
    new = "flux/infrastructure/network/cni/helmrelease.yaml"
    repo.write(new, text.replace("version: 1.18.4", "version: 1.18.5"))
    repo.commit("cilium 1.18.5", "2025-11-03T10:00:00+00:00", author="Flux Bot")
    timeline = read_history(repo.root / "inventory", repo.root / "flux", cache_dir=False)
    later = [c for c in timeline.history.changes if c.commit.message != "the lab"]
    assert len(later) == 1
    (bump,) = later
    assert (bump.origin, bump.field, bump.before, bump.after, bump.path) == ("flux", "version", "1.18.4", "1.18.5", new)
    assert bump.summary == "kube-system/cilium: cilium 1.18.4 → 1.18.5"
    assert bump.refs == ["cilium"]
    assert bump.commit.author == "Flux Bot"


def _release(version: str, ref: str | None = None) -> dict[str, str]:
    if ref is not None:
        return {"source": "OCIRepository x", "chartRef": ref}
    return {"chart": "cilium", "version": version, "source": "HelmRepository cilium"}


PARENT = {
    "a/cilium.yaml": {"releases": {"kube-system/cilium": _release("1.18.3")}, "charts": {}},
    "b/twice.yaml": {"releases": {"kube-system/cilium": _release("1.0.0"), "x/y": _release("2")}, "charts": {}},
    "c/oci.yaml": {
        "releases": {"x/gw": _release("", "OCIRepository/x/gw")},
        "charts": {"OCIRepository/x/gw": {"chart": "gw", "version": "v1"}},
    },
    "d/none.yaml": {},
}


@pytest.mark.parametrize(
    ("path", "part", "declines"),
    [
        pytest.param(
            "a/cilium.yaml",
            {"releases": {"kube-system/cilium": _release("1.18.4")}, "charts": {}},
            False,
            id="a bump in a file whose release a later file shadows",
        ),
        pytest.param(
            "b/twice.yaml",
            {"releases": {"kube-system/cilium": _release("1.0.1"), "x/y": _release("3")}, "charts": {}},
            False,
            id="bumps in the file read last",
        ),
        pytest.param(
            "c/oci.yaml",
            {
                "releases": PARENT["c/oci.yaml"]["releases"],
                "charts": {"OCIRepository/x/gw": {"chart": "gw", "version": "v2"}},
            },
            True,
            id="a chart by reference",
        ),
        pytest.param(
            "a/cilium.yaml", {"releases": {"kube-system/other": _release("1")}, "charts": {}}, True, id="renamed"
        ),
        pytest.param("d/none.yaml", None, False, id="a file without releases that did not read"),
    ],
)
def test_recomposing_changed_files_is_composing_them_all(path: str, part: dict | None, declines: bool) -> None:
    """The shortcut for a commit that changed a few files of a Flux repository gives exactly what
    composing every file gives (same facts, same order, same file per subject), or declines."""
    source = FluxSource.__new__(FluxSource)
    facts, where = source.compose(PARENT)
    parts = {**PARENT, path: part}
    quick = source.recompose(PARENT, facts, where, parts, [path])
    whole = source.compose(parts)
    assert (quick is None) == declines
    if quick is not None:
        assert quick == whole
        assert [list(quick[0]), list(quick[1])] == [list(whole[0]), list(whole[1])]
    if path == "a/cilium.yaml" and not declines:  # b/twice.yaml is read after a/: its cilium is the one
        assert whole == (facts, where)
    if path == "b/twice.yaml":
        versions = {s: f.get("version") for s, f in whole[0].items()}
        assert versions == {"helmrelease/kube-system/cilium": "1.0.1", "helmrelease/x/y": "3", "helmrelease/x/gw": "v1"}


@pytest.mark.parametrize(
    "name",
    [
        "bluevulpine__flux-talos",
        "fluxcd__flux2-kustomize-helm-example",
        "onedr0p__home-ops",
        "tvories__k8s-gitops",
        "waifulabs__infrastructure",
        "xunholy__k8s-gitops",
    ],
)
def test_a_real_flux_repository_is_cached_and_a_warm_read_is_the_cold_one(
    corpora: Path, tmp_path: Path, name: str
) -> None:
    """Every real corpus, committed as the Flux repository beside an inventory: what it reads is kept in
    the cache (nothing in it that the cache cannot write), and after one more commit a warm read
    reads that commit alone and gives what a cold read gives."""
    repo = GitRepo(tmp_path / "lab")
    shutil.copytree(corpora / name, repo.root / "flux", symlinks=True)
    repo.write("inventory/hardware.yaml", lab.hardware({"spark-a": lab.SPARK}))
    repo.write("inventory/platform.yaml", lab.platform(cilium="1.18.4", plugin="0.18.0"))
    repo.write("inventory/rdma.yaml", lab.rdma())
    repo.commit("the lab", "2025-11-01T10:00:00+00:00")
    cache = tmp_path / "cache"
    first = read_history(repo.root / "inventory", repo.root / "flux", cache_dir=cache)
    assert [s.status for s in first.history.repos] == ["ok", "ok"]
    assert any(c.origin == "flux" for c in first.history.changes)
    repo.write("inventory/platform.yaml", lab.platform(cilium="1.18.5", plugin="0.18.0"))
    repo.commit("cilium 1.18.5", "2025-11-02T10:00:00+00:00")
    warm = read_history(repo.root / "inventory", repo.root / "flux", cache_dir=cache)
    assert [s.parsed for s in warm.history.repos] == [1, 1]
    cold = read_history(repo.root / "inventory", repo.root / "flux", cache_dir=False)
    assert (warm.history.changes, warm.history.warnings) == (cold.history.changes, cold.history.warnings)


def test_a_cached_head_the_repository_no_longer_has_does_not_log_commits_twice(tmp_path: Path) -> None:
    """The last run's head was reset away and pruned (``git gc``): the walk cannot hide it, so it
    reaches commits the log already has. They are not read or logged again, and the warm read is
    the cold one."""
    repo = _repo(tmp_path)
    cilium = repo.root / "flux/infrastructure/network/cilium/helmrelease.yaml"
    text = cilium.read_text(encoding="utf-8")
    repo.write("inventory/rdma.yaml", lab.rdma(vfs=8))
    repo.commit("8 VFs", "2025-11-02T10:00:00+00:00")
    repo.write(cilium.relative_to(repo.root).as_posix(), text.replace("version: 1.18.4", "version: 1.18.5"))
    repo.commit("cilium 1.18.5", "2025-11-03T10:00:00+00:00")
    folders, cache = (repo.root / "inventory", repo.root / "flux"), tmp_path / "cache"
    read_history(*folders, cache_dir=cache)
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.git("reflog", "expire", "--expire=now", "--all")
    repo.git("gc", "-q", "--prune=now")
    repo.write(cilium.relative_to(repo.root).as_posix(), text.replace("version: 1.18.4", "version: 1.18.6"))
    repo.commit("cilium 1.18.6", "2025-11-04T10:00:00+00:00")
    warm = read_history(*folders, cache_dir=cache)
    cold = read_history(*folders, cache_dir=False)
    assert [s.commits for s in warm.history.repos] == [s.commits for s in cold.history.repos] == [3, 3]
    assert warm.history.changes == cold.history.changes
    again = read_history(*folders, cache_dir=cache)
    assert [s.parsed for s in again.history.repos] == [0, 0]
    assert again.history.changes == cold.history.changes
