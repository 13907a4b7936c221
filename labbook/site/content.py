"""The content step: what labbook adds to a site build, the same for every builder.

:func:`site_content` turns the loaded inventory and journal into:

- the site's name and description, from ``inventory/site.yaml``;
- the generated files: every row of :data:`GENERATORS` yields files for the docs folder. Today
  that is each journal entry as a blog post (``journal/posts/<file name>``), with the rows of
  :data:`ENTRY_PARTS` (its series and related links) appended. A new generated page is one more
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
from labbook.render import pages
from labbook.render.journal import entry_footer, series_index
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


@dataclass(frozen=True)
class Context:
    """What the rows below are computed from."""

    site: SiteData
    """The loaded inventory, journal and reports, and whether drafts are in the build."""
    blog: BlogSettings
    """The blog's options (posts folder, excerpt separator)."""
    series: dict[str, list[JournalEntry]]
    """Every series' parts in order (computed once for all entries)."""


EntryPart = Callable[[JournalEntry, Context], str]
"""Markdown appended to one entry (empty: nothing)."""
Generator = Callable[[Context], Iterable[GeneratedFile]]
"""Files for the docs folder."""


def journal_links(entry: JournalEntry, ctx: Context) -> str:
    """The other parts of the entry's series, and links to the components and nodes it relates to."""
    return entry_footer(entry, ctx.site.journal, ctx.site.inventory, ctx.site.drafts, ctx.series)


ENTRY_PARTS: tuple[EntryPart, ...] = (journal_links,)
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


GENERATORS: tuple[Generator, ...] = (journal_posts,)
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


def site_content(site: SiteData, blog: BlogSettings) -> SiteContent:
    """The site's name and description, and every generated file (see the module docstring)."""
    ctx = Context(site=site, blog=blog, series=series_index(site.journal, site.drafts))
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
    return SiteContent(html.escape(owner.name), html.escape(owner.tagline), tuple(files))


def docs_pages(docs_dir: Path) -> list[str]:
    """Every markdown page under ``docs_dir`` as a ``src_uri``."""
    return sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md"))
