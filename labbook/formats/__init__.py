"""Report formats: one pure function per format, ``Report -> str``.

Everything a check prints comes from here: ``text`` for people, ``json`` for
tools, ``github`` annotations, a ``markdown`` job summary and ``junit`` XML.
"""

from __future__ import annotations

from collections.abc import Callable

from labbook.models.report import Report

FORMATS = ("text", "json", "github", "markdown", "junit")
"""Format names, as ``--format`` takes them."""


def render(report: Report, fmt: str) -> str:
    """Render ``report`` in format ``fmt`` (one of :data:`FORMATS`)."""
    return _renderer(fmt)(report)


def _renderer(fmt: str) -> Callable[[Report], str]:
    if fmt == "text":
        from labbook.formats.text import render_text as fn
    elif fmt == "json":
        from labbook.formats.json import render_json as fn
    elif fmt == "github":
        from labbook.formats.github import render_github as fn
    elif fmt == "markdown":
        from labbook.formats.markdown import render_markdown as fn
    elif fmt == "junit":
        from labbook.formats.junit import render_junit as fn
    else:
        raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    return fn


def title(report: Report) -> str:
    """``labbook drift flux`` and friends: what produced the report."""
    return f"labbook drift {report.source}"


def revision(rev: str | None) -> str:
    """A git commit shortened to 12 characters; anything else (a snapshot stamp) as is."""
    if rev and len(rev) == 40 and all(c in "0123456789abcdef" for c in rev):
        return rev[:12]
    return rev or ""


def shown(value: object) -> str:
    """A documented/observed value as people read it."""
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    return str(value)
