"""The commit and the remotes of a checkout, read from .git without running git."""

from __future__ import annotations

from pathlib import Path

import pytest

from labbook.sources.flux.git import normalize_url, remotes, revision

SHA = "0123456789abcdef0123456789abcdef01234567"
OTHER = "fedcba9876543210fedcba9876543210fedcba98"


def _git(tmp_path: Path, head: str) -> Path:
    git = tmp_path / "repo" / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text(head)
    return git


def test_branch_ref(tmp_path):
    git = _git(tmp_path, "ref: refs/heads/main\n")
    (git / "refs" / "heads" / "main").write_text(SHA + "\n")
    assert revision(tmp_path / "repo") == SHA


def test_packed_ref(tmp_path):
    git = _git(tmp_path, "ref: refs/heads/main\n")
    (git / "packed-refs").write_text(
        f"# pack-refs with: peeled fully-peeled sorted\n{OTHER} refs/heads/dev\n{SHA} refs/heads/main\n"
    )
    assert revision(tmp_path / "repo") == SHA


def test_detached_head_and_a_subfolder_of_the_checkout(tmp_path):
    _git(tmp_path, OTHER + "\n")
    sub = tmp_path / "repo" / "examples" / "flux"
    sub.mkdir(parents=True)
    assert revision(sub) == OTHER


def test_worktree_gitdir_file(tmp_path):
    git = _git(tmp_path, "ref: refs/heads/main\n")
    (git / "refs" / "heads" / "main").write_text(SHA)
    work = tmp_path / "worktree"
    work.mkdir()
    (work / ".git").write_text(f"gitdir: {git}\n")
    assert revision(work) == SHA


def test_not_a_checkout(tmp_path):
    assert revision(tmp_path) is None


def test_unborn_branch(tmp_path):
    _git(tmp_path, "ref: refs/heads/main\n")
    assert revision(tmp_path / "repo") is None


def test_remotes_in_config_order(tmp_path):
    git = _git(tmp_path, "ref: refs/heads/main\n")
    (git / "config").write_text(
        '[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:me/lab.git\n'
        '\tfetch = +refs/heads/*:refs/remotes/origin/*\n[branch "main"]\n\tremote = origin\n'
        '[remote "upstream"]\n    url = "https://github.com/them/lab"\n'
    )
    assert remotes(tmp_path / "repo" / "clusters") == [
        ("origin", "git@github.com:me/lab.git"),
        ("upstream", "https://github.com/them/lab"),
    ]


def test_no_remotes_outside_a_checkout(tmp_path):
    assert remotes(tmp_path) == []


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/Me/Lab.git",
        "https://github.com/me/lab",
        "https://token@github.com:443/me/lab/",
        "ssh://git@github.com/me/lab.git",
        "ssh://git@github.com:22/me/lab",
        "git@github.com:me/lab.git",
        "github.com:me/lab",
    ],
)
def test_https_ssh_and_scp_like_urls_of_one_repository_compare_equal(url):
    assert normalize_url(url) == "github.com/me/lab"


@pytest.mark.parametrize("url", ["oci://ghcr.io/me/manifests", "file:///srv/lab", "", None, "lab"])
def test_what_is_not_a_git_url_of_a_host(url):
    assert normalize_url(url) is None
