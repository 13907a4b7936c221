"""gitignore patterns as source-controller applies them (go-git v5), where they differ from git's."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labbook.sources.flux.gitignore import EXCLUDE, Matcher, patterns


def excluded(lines: list[str], path: str, domain: tuple[str, ...] = ()) -> bool:
    return Matcher(patterns(lines, domain)).excluded(path)


@pytest.mark.parametrize(
    ("lines", "path", "expected"),
    [
        # the Flux documentation's spec.ignore example: an inclusion keeps everything below it
        (["/*", "!/deploy", "/deploy/**/*.md"], "deploy/apps/app.yaml", False),
        (["/*", "!/deploy", "/deploy/**/*.md"], "deploy/apps/README.md", True),
        (["/*", "!/deploy"], "other/app.yaml", True),
        (["/*", "!/deploy"], "top.yaml", True),
        # where git keeps the file excluded, go-git v5 lets the later inclusion of its folder win
        (["shared/extra.yaml", "!/shared"], "shared/extra.yaml", False),
        (["!/shared", "shared/extra.yaml"], "shared/extra.yaml", True),
        # a name without a slash matches at any depth; a trailing slash means a folder
        (["drafts/"], "a/drafts/b.yaml", True),
        (["drafts/"], "a/drafts", False),
        (["*.draft.yaml", "!keep.draft.yaml"], "x/keep.draft.yaml", False),
        (["*.draft.yaml", "!keep.draft.yaml"], "x/wip.draft.yaml", True),
        (["**/.sops.yaml"], "a/b/.sops.yaml", True),
        (["/local.yaml"], "apps/local.yaml", False),
        (["# a comment", ""], "a.yaml", False),
    ],
)
def test_go_git_v5_semantics(lines, path, expected):
    assert excluded(lines, path) is expected


def test_a_pattern_is_scoped_to_the_folder_of_its_file():
    assert excluded(["/local.yaml"], "apps/local.yaml", ("apps",))
    assert not excluded(["/local.yaml"], "apps/deeper/local.yaml", ("apps",))
    assert not excluded(["/local.yaml"], "local.yaml", ("apps",))


NAMES = [
    "a",
    "k8s",
    "global",
    "cluster-0",
    "shared",
    "drafts",
    "x.yaml",
    "keep.draft.yaml",
    "w.draft.yaml",
    ".sops.yaml",
]
LINES = [
    *(".git/", ".github/", "*.zip", "**/.sops.yaml"),
    *("/*", "!/k8s/global", "/k8s/**/*.md", "drafts/", "*.draft.yaml", "!keep.draft.yaml", "shared/x.yaml", "!/shared"),
    *("a/**", "**/global/x.yaml", "!**/.sops.yaml"),
]


@given(
    st.lists(st.sampled_from(LINES), min_size=1, max_size=8),
    st.lists(st.sampled_from(NAMES), min_size=1, max_size=5),
    st.sampled_from([(), ("k8s",)]),
)
def test_the_per_folder_plan_decides_as_every_pattern_would_one_by_one(lines, parts, domain):
    """Matcher groups patterns per folder for speed; the verdict is the last matching pattern's, as in go-git."""
    ps = patterns(lines, domain)
    path = "/".join(parts)
    expected = False
    for pattern in reversed(ps):
        found = pattern.match(parts, False)
        if found:
            expected = found == EXCLUDE
            break
    assert Matcher(ps).excluded(path) is expected
