"""``labbook zensical``: the build folder, the working tree left alone, warm rebuilds that see every change."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import yaml

from labbook.site import zensical
from labbook.site.content import site_content
from labbook.site.history import read_site_history
from labbook.site.settings import read_config
from tests.conftest import ROOT, run_labbook
from tests.site.conftest import Build, build, built_ok, needs
from tests.site.html import parse

pytestmark = pytest.mark.site


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def zbuild(project: Path) -> Build:
    needs("zensical")
    return built_ok(build(project, "zensical"))


def test_the_build_writes_nothing_into_docs_or_journal(project: Path) -> None:
    needs("zensical")
    before = {part: tree(project / part) for part in ("docs", "journal", "inventory")}
    built_ok(build(project, "zensical"))
    assert {part: tree(project / part) for part in before} == before  # nothing added, changed or removed


def test_the_build_folder_is_the_docs_plus_the_generated_files(zbuild: Build) -> None:
    folder = zbuild.root / "build" / "zensical"
    source = read_config(zbuild.root / "mkdocs.yml")
    expected = site_content(zensical.load_site(source.paths(), False), source.blog, read_site_history(source.paths()))
    docs = tree(folder / "docs")
    assert set(docs) == set(tree(zbuild.root / "docs")) | {f.src_uri for f in expected.files}
    for file in expected.files:
        assert (folder / "docs" / file.src_uri).read_text(encoding="utf-8") == file.text
    config = yaml.safe_load((folder / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["INHERIT"] == "../../mkdocs.yml"
    assert (config["site_name"], config["docs_dir"], config["site_dir"]) == (expected.site_name, "docs", "site")
    assert config["extra"]["labbook"]["config"] == str((zbuild.root / "mkdocs.yml").resolve())
    assert config["watch"] == ["../../inventory", "../../journal", "../../reports"]
    assert not (folder / "site").exists(), "the site is moved to --site-dir"


def test_a_rebuild_rewrites_only_what_changed_and_drops_what_went(zbuild: Build) -> None:
    posts = zbuild.root / "build" / "zensical" / "docs" / "journal" / "posts"
    before = {p.name: (p.read_text(encoding="utf-8"), p.stat().st_mtime_ns) for p in posts.iterdir()}
    gone, edited = "2026-01-11-gpu-direct-on-unified-memory.md", "2025-12-14-nccl-across-the-sparks.md"
    (zbuild.root / "journal" / gone).unlink()  # the draft: no other post links to it in a build
    entry = zbuild.root / "journal" / edited
    entry.write_text(entry.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    built_ok(build(zbuild.root, "zensical"))
    after = {p.name: (p.read_text(encoding="utf-8"), p.stat().st_mtime_ns) for p in posts.iterdir()}
    assert set(after) == set(before) - {gone}
    assert "One more line." in after[edited][0] and after[edited][1] != before[edited][1]
    assert {n: v for n, v in after.items() if n != edited} == {n: before[n] for n in after if n != edited}, (
        "an unchanged post keeps its file and its time, so Zensical's cache stays warm"
    )


def badge(site: Path) -> str:
    """The home page's status badge."""
    return parse((site / "index.html").read_text(encoding="utf-8")).find("article").find("span", cls="lb-badge").text()


def test_a_warm_rebuild_sees_inventory_journal_and_report_changes(zbuild: Build) -> None:
    """Zensical caches rendered pages; the macros read files it does not know: they are watched and fingerprinted."""
    root = zbuild.root
    assert (root / "build" / "zensical" / ".cache").is_dir(), "the first build left Zensical's cache"
    assert badge(zbuild.site) == "never checked"
    site_yaml = root / "inventory" / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("gpu infrastructure", "gpu lab, edited"))
    entry = root / "journal" / "2025-12-14-nccl-across-the-sparks.md"
    entry.write_text(
        entry.read_text(encoding="utf-8").replace("title: NCCL across the two Sparks", "title: NCCL, renamed")
    )
    result = built_ok(build(root, "zensical"))
    home = parse((result.site / "index.html").read_text(encoding="utf-8")).find("article").text()
    assert "gpu lab, edited" in home
    assert "NCCL, renamed" in home  # the recent list: a macro reading the journal
    for kind, extra in (
        ("flux", ("--repo", str(ROOT / "examples" / "flux"))),
        ("cluster", ("--snapshot", str(ROOT / "examples" / "cluster" / "snapshot.yaml"))),
        ("docs", ("--docs", "docs")),
    ):
        done = run_labbook("drift", kind, *extra, "--report", f"reports/{kind}.json", cwd=root)
        assert done.code == 0, done.out + done.err
    assert badge(built_ok(build(root, "zensical")).site) == "in sync"


def test_zensical_missing_is_one_line_and_exit_2(cli, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zensical, "installed", lambda: False)
    result = cli("zensical", cwd=project)
    assert result.code == 2
    assert result.err == (
        "zensical: not installed in this Python environment "
        "(expected the version pinned in requirements.lock: `pip install -r requirements.lock`)\n"
    )
    assert not (project / "site-zensical").exists()


def test_the_site_is_loaded_once_per_build_however_many_pages(monkeypatch: pytest.MonkeyPatch, project: Path) -> None:
    """Zensical loads the macros module for every page: the site behind them is loaded once per build."""
    calls = []
    real = zensical.load_site
    monkeypatch.setattr(zensical, "load_site", lambda *a: calls.append(a) or real(*a))
    zensical._load.cache_clear()
    extra = {"config": str(project / "mkdocs.yml"), "drafts": False, "inputs": "a"}
    first = zensical.site_for_build(extra)
    assert zensical.site_for_build(dict(extra)) is first and len(calls) == 1
    zensical.site_for_build({**extra, "inputs": "b"})  # the next build (changed inputs) loads afresh
    assert len(calls) == 2


def test_tracebacks_are_left_out_of_zensicals_errors() -> None:
    output = (
        'Build started\nTraceback (most recent call last):\n  File "x.py", line 1, in <module>\n    cli()\n'
        "RuntimeError: Python error: MacroError: docs/x.md: boom\nTraceback (most recent call last):\n"
        '  File "y.py", line 2\nValueError: boom\n'
    )
    assert zensical.without_tracebacks(output) == [
        "Build started",
        "RuntimeError: Python error: MacroError: docs/x.md: boom",
        "ValueError: boom",
    ]


def test_a_build_folder_inside_the_sources_is_refused(cli, project: Path) -> None:
    needs("zensical")
    result = cli("zensical", "--build-dir", "docs/build", cwd=project)
    assert (result.code, result.err) == (2, "docs/build: inside docs/ (expected a build folder of its own)\n")
    assert not (project / "docs" / "build").exists()


def test_the_fingerprint_follows_contents_not_times(project: Path) -> None:
    """Zensical tracks watched files by whole seconds; the fingerprint in the config catches any other edit."""
    paths = read_config(project / "mkdocs.yml").paths()
    before = zensical.fingerprint(paths, project / "mkdocs.yml")
    site_yaml = project / "inventory" / "site.yaml"
    stat = site_yaml.stat()
    os.utime(site_yaml, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert zensical.fingerprint(paths, project / "mkdocs.yml") == before  # touched, not changed: still warm
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("homelab", "homeLab"), encoding="utf-8")
    os.utime(site_yaml, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time, other content
    assert zensical.fingerprint(paths, project / "mkdocs.yml") != before


@pytest.mark.parametrize(
    ("site_dir", "why"),
    [
        (".", ".: holds the project or the build folder (expected a folder for the site alone)"),
        ("build", "build: holds the project or the build folder (expected a folder for the site alone)"),
        (
            "build/zensical/out",
            "build/zensical/out: inside the build folder build/zensical/ (expected a folder of its own)",
        ),
        ("docs/site", "docs/site: inside docs/ (expected a folder for the site alone)"),
        ("journal", "journal: inside journal/ (expected a folder for the site alone)"),
        ("notes", "notes: not empty and not a built site (no index.html): remove it or choose another"),
    ],
)
def test_a_site_folder_that_is_not_the_sites_alone_is_never_replaced(cli, project: Path, site_dir: str, why: str):
    needs("zensical")
    (project / "notes").mkdir()
    (project / "notes" / "keep.txt").write_text("mine", encoding="utf-8")
    before = {part: tree(project / part) for part in ("docs", "journal", "inventory", "notes")}
    result = cli("zensical", "--site-dir", site_dir, cwd=project)
    assert (result.code, result.err) == (2, why + "\n")
    assert {part: tree(project / part) for part in before} == before
