"""The lab through time on the site: the Changes page and each entry's "The lab on <date>" box.

The content step is checked on the history scenario (tests/history/README.md) with goldens; the
builds check what a reader and the owner see when there is no Git, a shallow clone, or
``history: false``: the site still builds under ``--strict`` and says why, once.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from labbook.config import HISTORY_OFF
from labbook.config import read_config as read_project
from labbook.history.git import FETCH_FIX
from labbook.load.site import SitePaths, load_site
from labbook.render import pages
from labbook.site.content import site_content
from labbook.site.history import read_site_history
from labbook.site.settings import read_config
from tests.conftest import ROOT
from tests.history.conftest import build_scenario
from tests.history.example import make_example
from tests.history.gitrepo import need_git
from tests.site.conftest import Build, build, built_ok, needs

BLOG = read_config(ROOT / "mkdocs.yml").blog

ENTRY = """---
title: GPUs in pods
date: 2025-11-13
summary: The device plugin, the runtime class and a first CUDA pod.
related: [nvidia-device-plugin, spark-a]
---

Written on the 13th.
"""


@pytest.fixture(scope="module")
def scenario_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[SitePaths, Path]:
    """The scenario repository with a journal entry of 2025-11-13 beside it, and a project config naming it."""
    root = tmp_path_factory.mktemp("site-history")
    repo = build_scenario(root / "lab")
    (root / "journal").mkdir()
    (root / "journal" / "2025-11-13-gpu.md").write_text(ENTRY, encoding="utf-8")
    project = root / "labbook.yaml"
    project.write_text("history:\n  inventory: lab/inventory\n  note: A scenario for tests.\n", encoding="utf-8")
    return SitePaths(repo.root / "inventory", root / "journal", root / "reports", project=project), root


def test_the_content_step_adds_the_changes_page_and_the_box_under_each_entry(scenario_site, golden) -> None:
    paths, _ = scenario_site
    site = load_site(paths)
    history = read_site_history(paths)
    assert history.timeline is not None and history.notice is None and history.source == "lab/inventory"
    content = site_content(site, BLOG, history)
    files = {f.src_uri: f.text for f in content.files}
    assert content.notices == ()
    golden("site/history/changes.md", files["changes.md"])
    post = files[pages.post_path(site.journal.entries[0])]
    golden("site/history/post.md", post)
    # written on the 13th against 0.17.0; the branch with 0.18.0 was merged on the 20th
    box = post[post.index('!!! info "The lab on 2025-11-13"') :]
    assert "<code>nvidia-device-plugin 0.17.0</code>" in box
    assert "2025-11-12 · NVIDIA device plugin: nvidia-device-plugin 0.17.0 → 0.18.0" in box


def test_without_git_the_content_step_says_why_once_and_adds_no_box(tmp_path: Path) -> None:
    for part in ("inventory", "journal"):
        shutil.copytree(ROOT / part, tmp_path / part)
    paths = SitePaths(tmp_path / "inventory", tmp_path / "journal", tmp_path / "reports", project=tmp_path / "x.yaml")
    history = read_site_history(paths)
    assert history.timeline is None
    content = site_content(load_site(paths), BLOG, history)
    assert content.notices == (
        "inventory: not in a Git repository, so it has no history (expected a folder inside a Git checkout): "
        "the site is built without the history parts",
    )
    files = {f.src_uri: f.text for f in content.files}
    assert not any("The lab on" in text for text in files.values())
    assert files["changes.md"].startswith(
        '# Changes\n\n!!! warning "No history in this build"\n\n    inventory: not in'
    )
    assert str(tmp_path) not in files["changes.md"]  # never a machine's path on the site


def _said(result: Build, line: str) -> int:
    return sum(1 for out in result.output.splitlines() if line in out)


def test_a_project_outside_git_builds_without_the_history_parts(project: Path, builder: str) -> None:
    (project / "labbook.yaml").unlink()  # the inventory's own repository: the copy is in none
    result = built_ok(build(project, builder))
    assert _said(result, "not in a Git repository, so it has no history") == 1
    changes = result.content("changes/")
    assert "No history in this build" in changes.text()
    assert not any("The lab on" in p.read_text(encoding="utf-8") for p in (result.site / "journal").rglob("*.html"))


def test_a_shallow_clone_is_reported_with_the_fix_and_shows_what_it_has(project: Path, tmp_path: Path) -> None:
    git = need_git()
    full = make_example(tmp_path / "full")
    config, problems = read_project(project / "labbook.yaml")
    assert config is not None and config.history and config.history.inventory, problems
    shallow = project / Path(config.history.inventory).parent
    subprocess.run(
        [git, "clone", "-q", "--depth", "1", full.resolve().as_uri(), str(shallow)], check=True, capture_output=True
    )
    result = built_ok(build(project))
    assert _said(result, "shallow clone, history stops at") == 1 and _said(result, FETCH_FIX) == 1
    page = result.content("changes/").text()
    assert "History incomplete" in page and "fetch-depth: 0" in page
    nccl = next((result.site / "journal" / "2025" / "12" / "14").rglob("index.html")).read_text(encoding="utf-8")
    assert "The history read starts after 2025-12-14." in nccl


def test_history_false_turns_the_history_parts_off(project: Path) -> None:
    (project / "labbook.yaml").write_text("history: false\n", encoding="utf-8")
    result = built_ok(build(project))
    assert _said(result, HISTORY_OFF) == 1
    assert "No history in this build" in result.content("changes/").text()


def test_the_example_site_shows_the_example_history_with_its_note(example_site: Build) -> None:
    needs(example_site.builder)
    page = example_site.content("changes/").text()
    assert "About this history" in page and "An example history, generated by" in page
    assert "build/example-history/inventory" in page
