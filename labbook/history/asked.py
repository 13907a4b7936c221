"""Facts at commits asked about, kept between runs.

The site asks for the lab as of each journal entry's date on every build, and the answer for a
commit never changes. Working it out again means parsing and validating that commit's
inventory (tens of milliseconds per entry); so each answer is kept beside the history cache, in
``….asked.json``, and the next run reads it back. The file is trusted only when it was written
by this cache format and labbook version for the same history, and only for commits the history
still has; anything else in it is ignored, and a file that does not load is as if absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from labbook import __version__
from labbook.files import write_unsynced
from labbook.history.cache import FORMAT, Header
from labbook.models.history import Facts

LIMIT = 256
"""Most commits kept (the oldest asked are dropped first): a journal asks one per entry date."""


class _Asked(Header):
    """The file: who wrote it, and the facts by commit, oldest asked first."""

    facts: dict[str, dict[str, dict[str, str]]]
    """``{commit: facts}``."""


@dataclass(slots=True)
class Asked:
    """The answers kept for one history; :meth:`put` writes the file again."""

    path: Path | None
    """The file, or None when nothing is kept (no cache)."""
    key: str
    """The history (:meth:`~labbook.history.sources.Source.key`)."""
    facts: dict[str, Facts] = field(default_factory=dict)
    """``{commit: facts}``, oldest asked first."""
    loaded: bool = True
    """Whether :attr:`facts` holds the file's (else it is read on the first question)."""

    def _load(self) -> None:
        if not self.loaded:
            self.loaded = True
            self.facts = {**_read(self.path, self.key), **self.facts}

    def get(self, sha: str) -> Facts | None:
        """The facts at ``sha`` from an earlier run, or None."""
        self._load()
        return self.facts.get(sha)

    def put(self, sha: str, facts: Facts) -> None:
        """Keep the facts at ``sha`` (and write the file, when there is one)."""
        self._load()
        self.facts[sha] = facts
        while len(self.facts) > LIMIT:
            del self.facts[next(iter(self.facts))]
        if self.path is not None:
            out = _Asked(format=FORMAT, labbook=__version__, key=self.key, facts=self.facts)
            write_unsynced(self.path, out.model_dump_json().encode())


def asked_path(cache_file: Path) -> Path:
    """Where the answers of the history cached at ``cache_file`` are kept."""
    return cache_file.with_suffix(".asked.json")


def load_asked(path: Path | None, key: str) -> Asked:
    """The answers kept at ``path`` for the history ``key`` (none when absent, unreadable or not this
    one's), read when first asked: a run that asks nothing does not read the file."""
    return Asked(path, key, loaded=path is None)


def _read(path: Path | None, key: str) -> dict[str, Facts]:
    if path is None:
        return {}
    try:
        found = _Asked.model_validate_json(path.read_bytes())
    except (OSError, ValueError, ValidationError):
        return {}
    if (found.format, found.labbook, found.key) != (FORMAT, __version__, key):
        return {}
    return dict(found.facts)
