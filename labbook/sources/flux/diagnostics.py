"""Warnings the reader collects instead of failing: one per problem, in the order found, no repeats.

A warning may name its *cause* (a short sentence shared by every place with the
same problem, e.g. "remote resources are not fetched offline"). Then the
warnings list names each cause once, with a count and the first few places,
unless every place is asked for (``--verbose``).
"""

from __future__ import annotations

from labbook.models.report import ReportWarning

FIRST = 3
"""How many places a grouped warning names."""


class Diagnostics:
    """An ordered, de-duplicated list of repo file:line warnings."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, int | None, str], str | None] = {}

    def warn(self, file: str, line: int | None, message: str, cause: str | None = None) -> None:
        """Record that ``file`` (repo-relative) could not be fully read at ``line``.

        ``cause`` groups this warning with every other one of the same cause; ``message`` then says what is
        particular to this place.
        """
        self._seen.setdefault((file, line, message), cause)

    def __len__(self) -> int:
        return len(self._seen)

    def warnings(self, verbose: bool = False) -> list[ReportWarning]:
        """Every warning in the order found; each cause seen more than once is one warning unless ``verbose``."""
        groups: dict[str, list[tuple[str, int | None, str]]] = {}
        for (file, line, message), cause in self._seen.items():
            if cause is not None:
                groups.setdefault(cause, []).append((file, line, message))
        out: list[ReportWarning] = []
        told: set[str] = set()
        for (file, line, message), cause in self._seen.items():
            places = groups.get(cause) if cause is not None else None
            if verbose or places is None or len(places) == 1:
                out.append(ReportWarning(file=file, line=line, message=message))
                continue
            if cause in told:
                continue
            told.add(cause)
            distinct = list(dict.fromkeys(f"{f}:{n}" if n else f for f, n, _ in places))
            shown = ", ".join(distinct[:FIRST])
            more = f" and {len(distinct) - FIRST} more" if len(distinct) > FIRST else ""
            at = "at" if len(distinct) == 1 else f"at {len(distinct)} places:"
            out.append(
                ReportWarning(
                    file=file,
                    line=line,
                    message=f"{cause} ({len(places)} times, {at} {shown}{more}; --verbose lists each)",
                )
            )
        return out
