"""``labbook zensical``: the same site built by Zensical (see :mod:`labbook.site.zensical`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from labbook.errors import Collector, Problem
from labbook.files import display
from labbook.site.zensical import build


def run(args: argparse.Namespace, found: Collector) -> int:
    """Exit 0 when built; bad input (exit 2) lists every problem, a failed Zensical build says so."""
    site_dir = Path(args.site_dir)
    prepared = build(Path(args.config_file), Path(args.build_dir), site_dir, tracebacks=args.debug)
    for notice in prepared.content.notices:
        found.add(Problem.of(notice, warning=True))
    print(f"built {display(site_dir)}/ with Zensical ({len(prepared.content.files)} generated files)")
    return 0
