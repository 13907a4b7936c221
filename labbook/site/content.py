"""The content step: what labbook adds to a site build, the same for every builder.

:func:`site_content` turns the loaded inventory and journal into:

- the site's name and description, from ``inventory/site.yaml``;
- the generated files: every row of :data:`GENERATORS` yields files for the docs folder: each
  journal entry as a blog post (``journal/posts/<file name>``), with the rows of
  :data:`ENTRY_PARTS` appended ("The lab on <date>" from Git history, its series and related
  links), and the Changes page (``changes.md``). A new generated page is one more
  row of :data:`GENERATORS`; a new addition to every entry is one more row of
  :data:`ENTRY_PARTS`.

The builders only place the result: the MkDocs plugin adds the files to the build in memory
(:mod:`labbook.site.mkdocs_plugin`), the Zensical build writes them into its build folder
(:mod:`labbook.site.zensical`). Neither touches ``docs/`` or ``journal/``.

Entries keep their text as written: nothing here runs Jinja, so Helm and Go templates in an
entry stay verbatim. Drafts are generated too; the blog leaves them out of a build and shows
them while serving, and ``SiteData.drafts`` says which, so that links to drafts appear only when
the drafts themselves do.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from labbook.errors import BadInput, Problem
from labbook.files import display, read_bytes
from labbook.load.site import SiteData
from labbook.load.yaml import decode
from labbook.models.journal import JournalEntry
from labbook.render import history as history_render
from labbook.render import pages
from labbook.render.journal import entry_footer, series_index
from labbook.site.history import NOT_READ, SiteHistory
from labbook.site.settings import BlogSettings


@dataclass(frozen=True)
class GeneratedFile:
    """One file the content step adds to the docs folder."""

    src_uri: str
    """Path inside the docs folder, with ``/`` (``journal/posts/2025-11-16-sr-iov-on-talos.md``)."""
    text: str
    """Its whole markdown, front matter included."""
    source: str | None = None
    """The file in the working tree it comes from, as shown to people, if any."""


@dataclass(frozen=True)
class SiteContent:
    """Everything the content step gives a builder."""

    site_name: str
    """``site_name`` for the build: the owner, from ``site.yaml``, HTML-escaped."""
    site_description: str
    """``site_description`` for the build: the tagline, HTML-escaped.

    Material's templates, and Zensical's copies of them, print both without escaping."""
    files: tuple[GeneratedFile, ...]
    """Files to add to the docs folder, in a stable order."""
    notices: tuple[str, ...] = ()
    """What the builder says once per build (why the history parts are missing or partial)."""


@dataclass(frozen=True)
class Context:
    """What the rows below are computed from."""

    site: SiteData
    """The loaded inventory, journal and reports, and whether drafts are in the build."""
    blog: BlogSettings
    """The blog's options (posts folder, excerpt separator)."""
    series: dict[str, list[JournalEntry]]
    """Every series' parts in order (computed once for all entries)."""
    history: SiteHistory = NOT_READ
    """The lab's Git history (:func:`labbook.site.history.read_site_history`), or why there is none."""


EntryPart = Callable[[JournalEntry, Context], str]
"""Markdown appended to one entry (empty: nothing)."""
Generator = Callable[[Context], Iterable[GeneratedFile]]
"""Files for the docs folder."""


def journal_links(entry: JournalEntry, ctx: Context) -> str:
    """The other parts of the entry's series, and links to the components and nodes it relates to."""
    return entry_footer(entry, ctx.site.journal, ctx.site.inventory, ctx.site.drafts, ctx.series)


def lab_on_date(entry: JournalEntry, ctx: Context) -> str:
    """ "The lab on <date>": the nodes, and the components and nodes the entry relates to, as of its date;
    then what changed for them since. Nothing without history."""
    timeline = ctx.history.timeline
    if timeline is None:
        return ""
    as_of = timeline.as_of(entry.date, entry.front.related)
    return "\n" + history_render.entry_box(as_of, pages.post_path(entry), ctx.site.inventory)


ENTRY_PARTS: tuple[EntryPart, ...] = (lab_on_date, journal_links)
"""What is appended to every journal entry, in this order, after its excerpt separator."""


_DESCRIPTION = re.compile(r"^description\s*:", re.MULTILINE)


def post_text(entry: JournalEntry, source: str, ctx: Context) -> str:
    """The entry's markdown as a blog post.

    - ``description`` (page meta, RSS) is the entry's summary, unless the front matter sets one;
    - the excerpt ends where the author put the separator, else before what labbook appends
      (the blog would otherwise put it at the very end, footer included);
    - then each of :data:`ENTRY_PARTS`.
    """
    text = source.replace("\r\n", "\n")
    head, sep, body = text.partition("\n---\n") if text.startswith("---\n") else ("", "", text)
    if sep and entry.front.summary and not _DESCRIPTION.search(head):
        head += "\ndescription: " + json.dumps(" ".join(entry.front.summary.split()), ensure_ascii=False)
    separator = ctx.blog.post_excerpt_separator
    if separator not in body:
        body = body.rstrip("\n") + f"\n\n{separator}\n"
    return head + sep + body + "".join(part(entry, ctx) for part in ENTRY_PARTS)


def journal_posts(ctx: Context) -> Iterator[GeneratedFile]:
    """Every journal entry, drafts too, under the blog's posts folder."""
    for entry in ctx.site.journal.entries:
        name = posixpath.basename(entry.path)
        path = ctx.site.paths.journal / name
        shown = entry.path
        source = decode(shown, read_bytes(path, shown))
        yield GeneratedFile(pages.post_path(entry), post_text(entry, source, ctx), shown)


def changes(ctx: Context) -> Iterator[GeneratedFile]:
    """The Changes page: the lab's changes by month, with that month's journal entries; without history,
    why not."""
    timeline, notice = ctx.history.timeline, ctx.history.notice
    yield GeneratedFile(
        history_render.CHANGES,
        history_render.changes_file(
            timeline.history if timeline else None,
            ctx.site.inventory,
            ctx.site.journal,
            ctx.site.drafts,
            notice,
            ctx.history.source,
            ctx.history.note,
        ),
    )


GENERATORS: tuple[Generator, ...] = (journal_posts, changes)
"""Every source of generated files: one row per kind of generated page."""


def blog_problems(blog: BlogSettings, config_file: str) -> list[Problem]:
    """The blog must read posts where the content step puts them (every link to an entry points there)."""
    if blog.posts_dir == pages.POSTS:
        return []
    return [
        Problem(
            config_file,
            None,
            None,
            f"plugins.blog: posts are read from {blog.posts_dir}/ (expected {pages.POSTS}/: "
            f"blog_dir: {posixpath.dirname(pages.POSTS)} and the default post_dir)",
        )
    ]


def stray_posts(doc_pages: Iterable[str], docs_dir: str, site: SiteData) -> list[Problem]:
    """Pages written by hand in the blog's posts folder: entries belong in the journal, where they are validated."""
    journal = display(site.paths.journal)
    return [
        Problem(
            f"{docs_dir}/{uri}",
            None,
            None,
            f"a page in the blog's posts folder (expected journal entries in {journal}/, where labbook validates them)",
        )
        for uri in doc_pages
        if uri.startswith(pages.POSTS + "/") and uri.endswith(".md")
    ]


def site_content(site: SiteData, blog: BlogSettings, history: SiteHistory = NOT_READ) -> SiteContent:
    """The site's name and description, and every generated file (see the module docstring)."""
    ctx = Context(site=site, blog=blog, series=series_index(site.journal, site.drafts), history=history)
    files: list[GeneratedFile] = []
    seen: dict[str, GeneratedFile] = {}
    problems: list[Problem | str] = []
    for generate in GENERATORS:
        for file in generate(ctx):
            if file.src_uri in seen:
                problems.append(f"{file.source or file.src_uri}: generates {file.src_uri} twice")
            seen[file.src_uri] = file
            files.append(file)
    if problems:
        raise BadInput(problems)
    owner = site.inventory.site
    said = history.said()
    notices = (said,) if said else ()
    return SiteContent(html.escape(owner.name), html.escape(owner.tagline), tuple(files), notices)


def docs_pages(docs_dir: Path) -> list[str]:
    """Every markdown page under ``docs_dir`` as a ``src_uri``."""
    return sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md"))
