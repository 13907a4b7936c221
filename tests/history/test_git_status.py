"""Shallow clones, folders outside Git and the cache: what history says and reads in each case."""

from __future__ import annotations

import subprocess

from labbook.history import read_history
from tests.history.gitrepo import need_git


def test_shallow_clone_is_read_in_part_and_says_how_to_fix_it(scenario, tmp_path) -> None:
    clone = tmp_path / "clone"
    subprocess.run([need_git(), "clone", "-q", "--depth", "3", f"file://{scenario.root}", str(clone)], check=True)
    timeline = read_history(clone / "inventory", cache_dir=False)
    (status,) = timeline.history.repos
    assert status.status == "shallow"
    assert status.fix == "fetch the full history: `git fetch --unshallow`, or `fetch-depth: 0` for actions/checkout"
    assert "shallow clone, history stops at" in status.message
    # the boundary commit is a baseline, not "everything added": only the last two commits change things
    assert [c.commit.message for c in timeline.history.changes] == ["fix, cilium 1.18.4"]
    assert timeline.notice() == f"{status.message} ({status.fix})"


def test_shallow_clone_cli_warns_once_and_exits_0(scenario, tmp_path, cli) -> None:
    clone = tmp_path / "clone"
    subprocess.run([need_git(), "clone", "-q", "--depth", "3", f"file://{scenario.root}", str(clone)], check=True)
    result = cli("history", "--no-cache", cwd=clone)
    assert result.code == 0
    (line,) = result.err.splitlines()[:1]
    assert line.startswith("warning: inventory: shallow clone") and "fetch-depth: 0" in line
    assert sum(line.startswith("warning: inventory: shallow") for line in result.err.splitlines()) == 1


def test_no_git_is_one_line_and_exit_2(tmp_path, cli) -> None:
    (tmp_path / "inventory").mkdir()
    timeline = read_history(tmp_path / "inventory", cache_dir=False)
    (status,) = timeline.history.repos
    assert status.status == "no-git" and not timeline.available
    assert timeline.notice() == status.message
    result = cli("history", cwd=tmp_path)
    assert result.code == 2
    assert result.err == (
        "inventory: not in a Git repository, so it has no history (expected a folder inside a Git checkout)\n"
    )


def test_cache_reads_only_new_commits(work, tmp_path) -> None:
    repo, work = work, work.root
    cache = tmp_path / "cache"
    first = read_history(work / "inventory", cache_dir=cache)
    assert first.history.repos[0].parsed == 10
    again = read_history(work / "inventory", cache_dir=cache)
    assert again.history.repos[0].parsed == 0
    assert (again.history.changes, again.history.warnings) == (first.history.changes, first.history.warnings)
    repo.write("inventory/rdma.yaml", (work / "inventory" / "rdma.yaml").read_text().replace("vfs: 8", "vfs: 6"))
    repo.commit("6 VFs", "2025-12-20T09:00:00+01:00")
    warm = read_history(work / "inventory", cache_dir=cache)
    assert warm.history.repos[0].parsed == 1
    assert warm.history.repos[0].commits == 11
    cold = read_history(work / "inventory", cache_dir=False)
    assert (warm.history.changes, warm.history.warnings) == (cold.history.changes, cold.history.warnings)
    assert warm.history.changes[0].summary == "SR-IOV on spark-a: VFs 8 → 6"


def test_corrupt_cache_is_ignored(scenario, tmp_path) -> None:
    cache = tmp_path / "cache"
    read_history(scenario.root / "inventory", cache_dir=cache)
    for f in cache.iterdir():
        f.write_text("{not json", encoding="utf-8")
    again = read_history(scenario.root / "inventory", cache_dir=cache)
    assert again.history.repos[0].parsed == 10


def test_cli_json_and_since(scenario, cli) -> None:
    import json

    result = cli("history", "--no-cache", "--format", "json", "--since", "2025-12-01", cwd=scenario.root)
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["labbook_history"] == 1
    assert [c["summary"] for c in doc["changes"]] == [
        "Cilium: cilium 1.18.3 → 1.18.4",
        "GPU-Direct RDMA across the Sparks: partial → working",
        "Node old-pc removed",
    ]
    assert result.err.startswith("warning: inventory/platform.yaml:1:13: a '[' that is not closed")
    bad = cli("history", "--since", "yesterday", cwd=scenario.root)
    assert (bad.code, bad.err) == (2, "labbook history: --since 'yesterday' is not a date (expected YYYY-MM-DD)\n")


def test_cache_across_a_branch_switch(work, tmp_path) -> None:
    """Back on a branch read before (whose commits the other branch does not have), the history is the
    branch's own, cache or not."""
    repo, work = work, work.root
    cache = tmp_path / "cache"
    rdma = work / "inventory" / "rdma.yaml"
    repo.git("checkout", "-q", "-b", "side")
    repo.write("inventory/rdma.yaml", rdma.read_text().replace("vfs: 8", "vfs: 2"))
    repo.commit("2 VFs on a branch", "2025-12-21T09:00:00+01:00")
    on_side = read_history(work / "inventory", cache_dir=cache)
    repo.git("checkout", "-q", "main")
    repo.write("inventory/rdma.yaml", rdma.read_text().replace("vfs: 8", "vfs: 6"))
    repo.commit("6 VFs", "2025-12-20T09:00:00+01:00")
    read_history(work / "inventory", cache_dir=cache)
    repo.git("checkout", "-q", "side")
    back = read_history(work / "inventory", cache_dir=cache)
    assert back.history.repos[0].parsed <= 1  # at most the branch's own commit again
    assert back.history.changes == on_side.history.changes
    assert back.history.changes == read_history(work / "inventory", cache_dir=False).history.changes
    assert back.history.changes[0].summary == "SR-IOV on spark-a: VFs 8 → 2"
