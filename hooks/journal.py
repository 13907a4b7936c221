"""mkdocs hook: the journal (``journal/YYYY-MM-DD-slug.md``, outside ``docs/``) as Material blog posts.

- ``on_config`` loads and validates the inventory, the journal and the drift
  reports once for the build (a bad entry fails the build with file:line), and
  takes the site name and description from ``inventory/site.yaml``.
- ``on_files`` adds each entry as ``journal/posts/<file name>``, backed by the
  real file, where the blog plugin (``blog_dir: journal``) picks it up; the
  blog decides about drafts (left out of ``mkdocs build``, shown by ``serve``).
- ``on_page_markdown`` appends, to each entry, the other parts of its series
  and links to the components and nodes it relates to. It runs after
  mkdocs-macros and never runs Jinja itself: Helm and Go templates in an entry
  stay verbatim.
- ``on_serve`` also watches the reports folder, so that ``make check`` while
  ``make serve`` runs refreshes Home and Status.
- ``on_post_build`` drops the RSS plugin's empty feed image (``<url>None</url>``).

mkdocs imports a hook once per ``mkdocs serve`` session, so nothing here keeps
state in module globals: per-build data lives on the build's config object.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from labbook.errors import LabbookError
from labbook.files import display
from labbook.load.site import SiteData, site_data
from labbook.models.journal import JournalEntry
from labbook.render import feeds, pages
from labbook.render.journal import entry_footer, series_index

EXCERPT = "<!-- more -->"
"""The blog's excerpt separator (``post_excerpt_separator``)."""

_POSTS = "_labbook_posts"
_SERIES = "_labbook_series"


def _data(config: Any) -> SiteData:
    try:
        return site_data(config)
    except LabbookError as exc:
        raise PluginError("\n".join(exc.lines())) from exc


@event_priority(100)
def on_config(config: Any) -> Any:
    """Load everything once, before any plugin needs it; a bad file fails the build, every problem listed."""
    data = _data(config)
    config["site_name"] = html.escape(data.inventory.site.name)
    config["site_description"] = html.escape(data.inventory.site.tagline)
    return config


def on_files(files: Files, config: Any) -> Files:
    """Add every journal entry under the blog's posts folder (which must hold nothing else)."""
    data = _data(config)
    docs = display(config.docs_dir)
    strays = [
        f"{docs}/{f.src_uri}: a page in the blog's posts folder "
        f"(expected journal entries in {display(data.paths.journal)}/, where labbook validates them)"
        for f in files.documentation_pages()
        if f.src_uri.startswith(pages.POSTS + "/")
    ]
    if strays:
        raise PluginError("\n".join(strays))
    posts: dict[str, JournalEntry] = {}
    for entry in data.journal.entries:
        src_uri = pages.post_path(entry)
        abs_src = data.paths.journal / src_uri.rsplit("/", 1)[-1]
        files.append(File.generated(config, src_uri, abs_src_path=str(abs_src)))
        posts[src_uri] = entry
    setattr(config, _POSTS, posts)
    setattr(config, _SERIES, series_index(data.journal, data.drafts))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Append the series and related links to a journal entry (no Jinja: templates stay verbatim)."""
    entry = getattr(config, _POSTS, {}).get(page.file.src_uri)
    if entry is None:
        return markdown
    data = _data(config)
    if entry.front.summary and not page.meta.get("description"):
        page.meta["description"] = entry.front.summary
    if EXCERPT not in markdown:
        markdown = markdown.rstrip("\n") + f"\n\n{EXCERPT}\n"
    index = getattr(config, _SERIES, None)
    return markdown + entry_footer(entry, data.journal, data.inventory, data.drafts, index)


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    """Rebuild when a drift report is written (the folder must exist: ``make serve`` creates it)."""
    reports = _data(config).paths.reports
    if reports.is_dir():
        server.watch(str(reports))
    return server


@event_priority(-100)  # after the RSS plugin has written its feeds
def on_post_build(config: Any) -> None:
    """Feeds carry a real image or none: remove the one the RSS plugin writes without a URL."""
    feeds.fix_feeds(Path(config.site_dir))
