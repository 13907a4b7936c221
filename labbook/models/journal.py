"""Journal entries: dated notes in ``journal/YYYY-MM-DD-slug.md``. Pure: no I/O."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator

from pydantic import Field

from labbook.models.base import Id, Model, Text, did_you_mean

PLACEHOLDER = "Write here."
"""The body ``labbook new`` writes; an entry still saying only this must be a draft."""


def tag_of(text: str) -> str:
    """A tag as written by a person, as a tag: ``"GPU Direct"`` → ``gpu-direct``."""
    import unicodedata  # labbook new and error messages only

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


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

    def near_misses(self) -> Iterator[tuple[JournalEntry, str, int | None, str, str]]:
        """Tags and series used by a single entry that look like a typo of one other entries use.

        Yields ``(entry, field, index, written, meant)``; ``index`` is the tag's
        position (None for ``series``). A new tag or series is fine: only one
        close to a term used at least twice is reported.
        """
        tags = Counter(t for e in self.entries for t in set(e.front.tags))
        series = Counter(e.front.series for e in self.entries if e.front.series)
        for entry in sorted(self.entries, key=lambda e: e.path):
            for i, tag in enumerate(entry.front.tags):
                meant = _common_near(tag, tags)
                if meant:
                    yield entry, "tags", i, tag, meant
            if entry.front.series and (meant := _common_near(entry.front.series, series)):
                yield entry, "series", None, entry.front.series, meant

    def related_to(self, ref: str, *, drafts: bool = False) -> list[JournalEntry]:
        """Entries that list ``ref`` under ``related``, newest first."""
        return [e for e in self.entries if ref in e.front.related and (drafts or not e.front.draft)]


def _common_near(term: str, counts: Counter[str]) -> str | None:
    """A term used at least twice that ``term`` (used once) is probably a typo of."""
    if counts[term] != 1:
        return None
    return did_you_mean(term, [t for t, n in counts.items() if n >= 2 and t != term])
