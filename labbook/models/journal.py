"""Journal entries: dated notes in ``journal/YYYY-MM-DD-slug.md``. Pure: no I/O."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from labbook.models.base import Id, Model, Text


class FrontMatter(Model):
    """The YAML block at the top of a journal entry."""

    title: Text
    """Entry title."""
    date: dt.date
    """Publication date; must match the date in the file name."""
    tags: list[Id] = []
    """Tags for the tag index."""
    draft: bool = False
    """Drafts are shown by ``make serve`` and left out of ``make site``."""
    summary: Text | None = None
    """One or two sentences for the journal index, the home page and RSS."""
    series: Text | None = None
    """Series this entry belongs to, e.g. ``RDMA on Kubernetes``."""
    related: list[Id] = []
    """Ids of components and nodes the entry is about; checked against the inventory."""
    render_macros: bool = False
    """Opt in to mkdocs-macros for this entry (off by default: code blocks stay verbatim)."""
    authors: list[str] = []
    """Material blog authors (ids in ``.authors.yml``)."""
    categories: list[str] = []
    """Material blog categories."""
    pin: bool = False
    """Material blog: pin to the top of the index."""
    slug: str | None = Field(default=None, pattern=r"^[a-z0-9][-a-z0-9]*$")
    """URL slug; by default the one in the file name."""


class JournalEntry(Model):
    """A loaded journal entry."""

    path: str
    """Path of the markdown file, relative to the repository root."""
    slug: str
    """``slug`` from the front matter, else the file name's slug."""
    front: FrontMatter
    """Validated front matter."""
    body_line: int
    """1-based line where the markdown body starts."""

    @property
    def title(self) -> str:
        """Entry title."""
        return self.front.title

    @property
    def date(self) -> dt.date:
        """Entry date."""
        return self.front.date


class Journal(Model):
    """All entries, newest first."""

    entries: list[JournalEntry] = []
    """Entries, newest first (ties broken by slug)."""

    def published(self) -> list[JournalEntry]:
        """Entries that are not drafts, newest first."""
        return [e for e in self.entries if not e.front.draft]

    def series(self, name: str, *, drafts: bool = False) -> list[JournalEntry]:
        """Parts of a series, oldest first."""
        parts = [e for e in self.entries if e.front.series == name and (drafts or not e.front.draft)]
        return sorted(parts, key=lambda e: (e.date, e.slug))

    def related_to(self, ref: str, *, drafts: bool = False) -> list[JournalEntry]:
        """Entries that list ``ref`` under ``related``, newest first."""
        return [e for e in self.entries if ref in e.front.related and (drafts or not e.front.draft)]
