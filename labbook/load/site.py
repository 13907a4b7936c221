"""Everything a site build reads, loaded once per build and shared by the hook and the macros.

``mkdocs.yml`` names the folders under ``extra.labbook`` (relative to the config
file)::

    extra:
      labbook:
        inventory: inventory
        journal: journal
        reports: reports

:func:`site_data` caches the result on the mkdocs config object: a build (and
each ``mkdocs serve`` rebuild, which gets a fresh config) loads the inventory,
the journal and the reports exactly once, however many pages use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labbook.errors import BadInput, Problem
from labbook.files import display
from labbook.load.inventory import load_inventory
from labbook.load.journal import load_journal
from labbook.load.reports import KINDS, load_reports
from labbook.models.inventory import Inventory
from labbook.models.journal import Journal
from labbook.models.report import Report

DEFAULTS = {"inventory": "inventory", "journal": "journal", "reports": "reports"}
"""``extra.labbook`` keys and their defaults."""

_CACHE = "_labbook_site_data"


@dataclass(frozen=True)
class SitePaths:
    """The folders a build reads."""

    inventory: Path
    """Inventory folder."""
    journal: Path
    """Journal folder."""
    reports: Path
    """Drift reports folder (``make check`` writes it)."""


@dataclass(frozen=True)
class SiteData:
    """What the pages are rendered from."""

    paths: SitePaths
    """Where it was read."""
    inventory: Inventory
    """The inventory."""
    journal: Journal
    """Every entry, drafts included, newest first."""
    reports: dict[str, Report | None]
    """Latest report per source (``flux``, ``cluster``, ``docs``), None when absent."""
    drafts: bool
    """Whether drafts are part of this build (``mkdocs serve``)."""

    def report_paths(self) -> dict[str, str]:
        """Where each report is (or would be), as shown to people."""
        return {k: display(self.paths.reports / f"{k}.json") for k in KINDS}


def site_paths(config_file: str | Path, extra: Mapping[str, Any] | None) -> SitePaths:
    """Folders from ``extra.labbook`` of the config at ``config_file``."""
    base = Path(config_file).resolve().parent
    settings = (extra or {}).get("labbook") or {}
    shown = display(config_file)
    if not isinstance(settings, Mapping):
        raise BadInput(Problem(shown, None, None, "extra.labbook: expected a mapping of inventory/journal/reports"))
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise BadInput(
            Problem(shown, None, None, f"extra.labbook: unknown key {unknown[0]!r} (expected {', '.join(DEFAULTS)})")
        )
    values = {}
    for key, default in DEFAULTS.items():
        value = settings.get(key, default)
        if not isinstance(value, str) or not value:
            raise BadInput(Problem(shown, None, None, f"extra.labbook.{key}: got {value!r} (expected a folder path)"))
        values[key] = base / value
    return SitePaths(**values)


def load_site(paths: SitePaths, drafts: bool = False) -> SiteData:
    """Load the inventory, journal and reports; :class:`BadInput` lists every problem of all three."""
    problems: list[Problem | str] = []
    inventory = journal = None
    reports: dict[str, Report | None] = {}
    try:
        inventory = load_inventory(paths.inventory)
    except BadInput as exc:
        problems += exc.problems
    try:
        journal = load_journal(paths.journal, inventory.ids() if inventory else None)
    except BadInput as exc:
        problems += exc.problems
    try:
        reports = load_reports(paths.reports)
    except BadInput as exc:
        problems += exc.problems
    if problems or inventory is None or journal is None:
        raise BadInput(problems)
    return SiteData(paths=paths, inventory=inventory, journal=journal, reports=reports, drafts=drafts)


def drafts_in_build(config: Any) -> bool:
    """True when the Material blog plugin includes drafts (``mkdocs serve`` with ``draft_on_serve``)."""
    plugins = getattr(config, "plugins", None) or {}
    for name, plugin in plugins.items():
        if name.split("/")[-1].split(" ")[0] == "blog":
            settings = plugin.config
            return bool(settings.draft or (getattr(plugin, "is_serve", False) and settings.draft_on_serve))
    return False


def site_data(config: Any) -> SiteData:
    """The build's :class:`SiteData`, loaded on first use and kept on the mkdocs ``config``."""
    cached = getattr(config, _CACHE, None)
    if cached is None:
        paths = site_paths(config.config_file_path, config.get("extra"))
        cached = load_site(paths, drafts=drafts_in_build(config))
        setattr(config, _CACHE, cached)
    return cached
