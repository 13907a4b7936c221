"""``labbook flux list``: what the reader finds in a Flux repository, like ``flux get hr`` but offline from Git.

One row per HelmRelease, then one per chart source. The text table starts with
how the repository was read: the entry point and which Flux source is the
repository itself, each with how it was decided. ``--format json`` prints a
list of objects with the keys ``kind``, ``namespace``, ``name``, ``chart``,
``version``, ``source_kind``, ``source_name``, ``file`` and ``line``; those
header lines then go to stderr. Warnings (what could not be fully read, each
cause once unless ``--verbose``) go to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

from labbook.commands._emit import fit, terminal_width
from labbook.errors import Collector
from labbook.models.observed import FluxObserved
from labbook.sources.flux import read_repo
from labbook.sources.flux.observe import oci_chart

COLUMNS = ("kind", "namespace", "name", "chart", "version", "source_kind", "source_name", "file", "line")
"""Keys of every JSON row, in order."""


def rows(observed: FluxObserved) -> list[dict[str, Any]]:
    """HelmReleases, then sources, each as one flat row."""
    out: list[dict[str, Any]] = []
    for hr in observed.helmreleases:
        out.append(
            {
                "kind": "HelmRelease",
                "namespace": hr.namespace,
                "name": hr.name,
                "chart": hr.chart,
                "version": hr.version,
                "source_kind": hr.source_kind,
                "source_name": hr.source_name,
                "file": hr.origin.file,
                "line": hr.origin.line,
            }
        )
    for src in observed.sources:
        chart = oci_chart(src.url) if src.kind == "OCIRepository" else None
        version = (src.tag or src.semver) if src.kind == "OCIRepository" else None
        out.append(
            {
                "kind": src.kind,
                "namespace": src.namespace,
                "name": src.name,
                "chart": chart,
                "version": version,
                "source_kind": None,
                "source_name": None,
                "file": src.origin.file,
                "line": src.origin.line,
            }
        )
    return out


def table(observed: FluxObserved, width: int | None = None) -> str:
    """How the repository was read, then an aligned table no wider than ``width``; sources show their URL in the
    SOURCE column."""
    urls = {(s.kind, s.namespace, s.name): s.url for s in observed.sources}
    header = ("KIND", "NAMESPACE", "NAME", "CHART", "VERSION", "SOURCE", "FILE")
    lines: list[tuple[str, ...]] = [header]
    for row in rows(observed):
        if row["kind"] == "HelmRelease":
            source = f"{row['source_kind'] or '?'}/{row['source_name'] or '?'}" if row["source_kind"] else "-"
        else:
            source = urls.get((row["kind"], row["namespace"], row["name"])) or "-"
        lines.append(
            (
                row["kind"],
                row["namespace"],
                row["name"],
                row["chart"] or "-",
                row["version"] or "-",
                source,
                f"{row['file']}:{row['line']}",
            )
        )
    head = [w for line in observed.header for w in _wrapped(line, width)]
    head += [""] if head else []
    return "\n".join([*head, *fit(lines, width)]) + "\n"


def _wrapped(line: str, width: int | None) -> list[str]:
    """A header line, wrapped at spaces to ``width`` (continuations indented) when there is one."""
    if width is None or len(line) <= width:
        return [line]
    return textwrap.wrap(line, width, subsequent_indent="    ", break_long_words=False, break_on_hyphens=False)


def run(args: argparse.Namespace, found: Collector) -> int:
    """Print the table or the JSON list; exit 2 for an unreadable repository (``--repo``, or labbook.yaml's)."""
    observed = read_repo(Path(args.repo), args.path, args.source, args.verbose)
    if args.format == "json":
        sys.stdout.write(json.dumps(rows(observed), indent=2) + "\n")
        for line in observed.header:
            print(line, file=sys.stderr)
    else:
        sys.stdout.write(table(observed, terminal_width()))
    found.warn(observed.warnings)
    return 0
