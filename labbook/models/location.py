"""Where something was stated or seen. Pure: no I/O."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Location(BaseModel):
    """A place in a file, or an object in a cluster."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str | None = None
    """Path relative to the repository it belongs to."""
    line: int | None = None
    """1-based line."""
    object: str | None = None
    """A cluster object, ``Kind namespace/name``, when there is no file."""
    col: int | None = None
    """1-based column, where the source knows it (the docs check does)."""

    def __str__(self) -> str:
        if self.file:
            if not self.line:
                return self.file
            return f"{self.file}:{self.line}:{self.col}" if self.col else f"{self.file}:{self.line}"
        return self.object or "?"
