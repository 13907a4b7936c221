"""What a build is configured with: the labbook plugin's options, the blog's own, as both builders read them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.dates import format_datetime
from hypothesis import given
from hypothesis import strategies as st
from material.plugins.blog.config import BlogConfig
from material.plugins.blog.plugin import BlogPlugin
from mkdocs.config import load_config

from labbook.errors import BadInput
from labbook.load.site import SitePaths
from labbook.site.mkdocs_plugin import LabbookConfig, blog_settings
from labbook.site.settings import BlogSettings, SiteSettings, ldml_date, read_config
from tests.conftest import ROOT


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_folders_are_the_plugin_options_relative_to_the_config(tmp_path: Path) -> None:
    config = config_file(tmp_path, "site_name: x\nplugins:\n  - labbook:\n      reports: out/reports\n  - blog\n")
    source = read_config(config)
    assert source.paths() == SitePaths(
        inventory=tmp_path / "inventory",
        journal=tmp_path / "journal",
        reports=tmp_path / "out" / "reports",
        docs=tmp_path / "docs",
        project=tmp_path / "labbook.yaml",
    )


def test_bad_plugin_options_are_all_reported_with_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = config_file(
        tmp_path,
        "site_name: x\nplugins:\n  - labbook:\n      journal: 3\n      report: x\n  - blog:\n      draft: maybe\n",
    )
    with pytest.raises(BadInput) as exc:
        read_config(config)
    assert exc.value.lines() == [
        "mkdocs.yml: plugins.labbook.journal: got 3 (expected input should be a valid string)",
        "mkdocs.yml: plugins.labbook.report: unknown option (expected inventory, journal, reports, project)",
        "mkdocs.yml: plugins.blog.draft: got 'maybe' (expected input should be a valid boolean, unable to interpret "
        "input)",
    ]


def test_the_plugin_and_one_blog_are_required(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BadInput) as exc:
        read_config(config_file(tmp_path, "site_name: x\nplugins:\n  - search\n"))
    assert exc.value.lines() == [
        "mkdocs.yml: plugins: no 'labbook' plugin (expected `- labbook` in plugins)",
        "mkdocs.yml: plugins: 0 blog plugins (expected one `- blog`)",
    ]
    with pytest.raises(BadInput, match=r"mkdocs.yml:3:1: invalid YAML: expected the node content"):
        read_config(config_file(tmp_path, "site_name: x\nplugins: [\n"))


def test_env_tags_resolve_and_python_tags_are_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABBOOK_TEST_JOURNAL", "notes")
    config = config_file(
        tmp_path,
        "site_name: x\nplugins:\n  - labbook:\n      journal: !ENV [LABBOOK_TEST_JOURNAL, journal]\n"
        "      inventory: !ENV [LABBOOK_TEST_UNSET, inv]\n  - material/blog:\n      blog_dir: journal\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
    )
    source = read_config(config)
    assert source.site == SiteSettings(journal="notes", inventory="inv")
    assert source.blog.blog_dir == "journal"


def test_labbook_blog_defaults_are_materials() -> None:
    """An option left out of mkdocs.yml means the same to labbook as to the blog (mkdocs-material's BlogConfig)."""
    material = BlogConfig()
    material.load_dict({})
    errors, _ = material.validate()
    assert errors == []
    assert BlogSettings().model_dump() == {name: material[name] for name in BlogSettings.model_fields}


def test_both_builders_read_the_same_blog_options_from_mkdocs_yml() -> None:
    """MkDocs' typed BlogConfig (what the plugin reads) and labbook's reader (what the Zensical build reads) agree."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    assert blog_settings(config, "mkdocs.yml") == read_config(ROOT / "mkdocs.yml").blog
    assert read_config(ROOT / "mkdocs.yml").blog.posts_dir == "journal/posts"


def test_the_plugin_config_is_the_settings_model() -> None:
    schema = dict(LabbookConfig._schema)
    assert list(schema) == list(SiteSettings.model_fields)
    assert {k: v.default for k, v in schema.items()} == {k: f.default for k, f in SiteSettings.model_fields.items()}


@pytest.mark.parametrize(
    ("draft", "draft_on_serve", "serving", "expected"),
    [(False, True, False, False), (False, True, True, True), (False, False, True, False), (True, True, False, True)],
    ids=["build", "serve", "serve-without-drafts", "draft-true"],
)
def test_drafts_follow_the_blog_options(draft: bool, draft_on_serve: bool, serving: bool, expected: bool) -> None:
    assert BlogSettings(draft=draft, draft_on_serve=draft_on_serve).drafts(serving) is expected


PATTERNS = ["yyyy/MM", "yyyy", "yyyy-MM-dd", "yy/M/d", "'y'yyyy'm'MM", "yyyy''MM", "MM.yyyy"]


@given(day=st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)), pattern=st.sampled_from(PATTERNS))
def test_numeric_date_patterns_format_as_babel_does(day: dt.date, pattern: str) -> None:
    """Material formats archive URLs with Babel; labbook formats the numeric patterns identically."""
    moment = dt.datetime(day.year, day.month, day.day)
    assert ldml_date(day, pattern) == format_datetime(moment, pattern, locale="en")


def test_locale_dependent_patterns_are_refused() -> None:
    with pytest.raises(ValueError, match=r"'MMMM' is not supported in URLs"):
        ldml_date(dt.date(2025, 11, 2), "MMMM yyyy")


@pytest.mark.parametrize(
    "options",
    [
        {"archive_url_date_format": "yyyy/MM", "archive_url_format": "archive/{date}"},
        {"archive_url_date_format": "yyyy", "archive_url_format": "/by-year/{date}/"},
        {"archive_url_date_format": "yyyy-MM", "archive_url_format": "{date}"},
    ],
)
def test_archive_paths_are_the_ones_the_blog_writes(options: dict) -> None:
    """The oracle is Material's own ``_format_path_for_archive`` on the same options."""
    plugin = BlogPlugin()
    plugin.load_config({"blog_dir": "journal", **options})
    config = SimpleNamespace(theme={"language": "en"})
    post = SimpleNamespace(config=SimpleNamespace(date=SimpleNamespace(created=dt.datetime(2025, 11, 16))))
    ours = BlogSettings(blog_dir="journal", **options).archive_path(2025, 11)
    assert ours == plugin._format_path_for_archive(post, config)
