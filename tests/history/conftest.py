"""The scenario repository every history test reads (built once per module, with the real git CLI)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.history import lab
from tests.history.gitrepo import GitRepo


def build_scenario(root: Path) -> GitRepo:
    """A lab's inventory over ten dated commits; see tests/history/README.md for what each exercises."""
    r = GitRepo(root)
    inv = "docs/inventory"
    nodes = {"spark-a": lab.SPARK, "spark-b": lab.SPARK, "old-pc": lab.PC}
    r.write(f"{inv}/hardware.yaml", lab.hardware(nodes))
    r.write(f"{inv}/platform.yaml", lab.platform())
    r.write(f"{inv}/rdma.yaml", lab.rdma())
    r.write(f"{inv}/site.yaml", lab.SITE)
    r.commit("initial inventory", "2025-10-01T10:00:00+02:00")
    r.write(f"{inv}/platform.yaml", lab.platform(cilium="1.18.3"))
    r.commit("cilium 1.18.3", "2025-10-15T10:00:00+02:00", author="Bo Ops")
    r.git("mv", "docs/inventory", "inventory")
    r.commit("move the inventory to the top", "2025-11-01T09:00:00+01:00")
    r.git("checkout", "-q", "-b", "gpu")
    r.write("inventory/platform.yaml", lab.platform(cilium="1.18.3", plugin="0.18.0"))
    r.commit("device plugin 0.18.0", "2025-11-12T09:00:00+01:00")
    r.git("checkout", "-q", "main")
    r.write("inventory/rdma.yaml", lab.rdma(vfs=8))
    r.commit("8 VFs", "2025-11-14T09:00:00+01:00")
    r.git("merge", "-q", "--no-ff", "gpu", "-m", "merge gpu", date="2025-11-20T09:00:00+01:00")
    del nodes["old-pc"]
    r.write("inventory/hardware.yaml", lab.hardware(nodes))
    r.commit("retire the old PC", "2025-12-01T09:00:00+01:00")
    r.write("inventory/rdma.yaml", lab.rdma(vfs=8, gdr="working"))
    r.commit("GPU-Direct works", "2025-12-05T09:00:00+01:00")
    r.write("inventory/platform.yaml", "categories: [\n")
    r.commit("oops", "2025-12-06T09:00:00+01:00")
    r.write("inventory/platform.yaml", lab.platform(cilium="1.18.4", plugin="0.18.0"))
    r.commit("fix, cilium 1.18.4", "2025-12-07T09:00:00+01:00")
    return r


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """The scenario repository (read-only for tests: copy it before changing it)."""
    return build_scenario(tmp_path_factory.mktemp("history") / "lab")


@pytest.fixture
def work(scenario: GitRepo, tmp_path: Path) -> GitRepo:
    """A copy of the scenario repository that a test may commit to."""
    repo = GitRepo.__new__(GitRepo)
    repo.root = tmp_path / "lab"
    shutil.copytree(scenario.root, repo.root)
    return repo
