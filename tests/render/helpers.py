"""Shared helpers for renderer tests: the example data and markdown rendered like the site renders it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import markdown

from labbook.load.inventory import load_inventory
from labbook.load.journal import load_journal
from labbook.models.inventory import Inventory
from labbook.models.journal import Journal
from tests.conftest import ROOT
from tests.site.html import Element, parse


@cache
def example() -> tuple[Inventory, Journal]:
    """The example inventory and journal, loaded once."""
    inv = load_inventory(ROOT / "inventory")
    return inv, load_journal(ROOT / "journal", inv.ids())


@cache
def _site_markdown_config() -> tuple[list, dict]:
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    return config.markdown_extensions, config.mdx_configs


def to_html(text: str) -> Element:
    """``text`` through Python-Markdown with the site's own extensions (from mkdocs.yml)."""
    extensions, configs = _site_markdown_config()
    return parse(markdown.markdown(text, extensions=extensions, extension_configs=configs))


def write_entry(folder: Path, name: str, front: str, body: str = "Body.\n") -> Path:
    """A journal entry file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    return path
