"""The Flux repository's history: chart and version per HelmRelease agree with the Flux reader, bumps in a
moved file are followed, and releases are tied to the components documented for them."""

from __future__ import annotations

import shutil
from pathlib import Path

from labbook.history import read_history
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
