"""The lab through time on the site: which Git history the site shows, read once per build.

The project config (``labbook.yaml`` beside ``mkdocs.yml``, the ``labbook`` plugin's ``project``
option) names it under ``history:``; without one, the history of the site's own inventory folder
is read, with ``flux.repo``'s when that is configured. Reading it never fails the build: without
Git, without commits or in a shallow clone the site is built without the history parts (or with
what a shallow clone has), and :attr:`SiteHistory.notice` says why in one line, with the fix. The
content step puts that line on the Changes page, and each builder reports it once per build
(:attr:`labbook.site.content.SiteContent.notices`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from labbook.config import HISTORY_OFF, history_paths, read_config
from labbook.errors import BadInput
from labbook.history import Timeline, read_history
from labbook.load.site import SitePaths


@dataclass(frozen=True)
class SiteHistory:
    """The history the site shows, or why it shows none."""

    timeline: Timeline | None
    """The timeline, when the inventory's history could be read (possibly only in part)."""
    notice: str | None
    """Why history is missing or partial, with the fix; None when it was read whole."""
    source: str = ""
    """The inventory folder whose history it is, as shown to people."""
    note: str | None = None
    """``history.note`` of the project config: a word for readers about this history."""
    watch: tuple[Path, ...] = ()
    """Files whose change means the history moved (``mkdocs serve`` rebuilds on them): the project
    config, and the ``HEAD`` reflog of each repository read."""

    def said(self) -> str | None:
        """The one line a builder says about it per build, or None when history was read whole."""
        if self.notice is None:
            return None
        then = (
            "the site is built without the history parts"
            if self.timeline is None
            else "the history parts show what was read"
        )
        return f"{self.notice}: {then}"


NOT_READ = SiteHistory(None, "history was not read for this build")
"""For a content step run without history (tests of the content step alone)."""


def read_site_history(paths: SitePaths) -> SiteHistory:
    """The history of ``paths.history`` per the project config; :class:`BadInput` only for a broken config."""
    config = None
    project = paths.project
    if project is not None and project.is_file():
        config, problems = read_config(project)
        if problems:
            raise BadInput(problems)
    base = project.parent if project is not None else Path(".")
    where = history_paths(config, base, paths.inventory)
    config_files = (project,) if project is not None and project.is_file() else ()
    if where is None:
        return SiteHistory(None, HISTORY_OFF, watch=config_files)
    timeline = read_history(where.inventory, where.flux)
    top = project.resolve().parent if project is not None else Path.cwd()
    # the statuses name each folder as read (absolute here): the site shows it relative to the project
    notice = timeline.notice()
    for folder in (where.inventory, where.flux):
        if notice is not None and folder is not None:
            notice = notice.replace(folder.as_posix(), _relative(folder, top))
    note = config.history.note if config is not None and config.history else None
    shown = _relative(where.inventory, top)
    watch = config_files + tuple(timeline.watched())
    return SiteHistory(timeline if timeline.available else None, notice, shown, note, watch)


def _relative(folder: Path, top: Path) -> str:
    """``folder`` relative to ``top`` when inside it (with ``..`` when beside it), as shown on the site."""
    return Path(os.path.relpath(folder.resolve(), top)).as_posix()
