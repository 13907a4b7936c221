"""Warnings the reader collects instead of failing: one per problem, in the order found, no repeats."""

from __future__ import annotations

from labbook.models.report import ReportWarning


class Diagnostics:
    """An ordered, de-duplicated list of repo file:line warnings."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, int | None, str], None] = {}

    def warn(self, file: str, line: int | None, message: str) -> None:
        """Record that ``file`` (repo-relative) could not be fully read at ``line``."""
        self._seen.setdefault((file, line, message), None)

    def __len__(self) -> int:
        return len(self._seen)

    def warnings(self) -> list[ReportWarning]:
        """Every warning, in the order found."""
        return [ReportWarning(file=f, line=line, message=m) for f, line, m in self._seen]
