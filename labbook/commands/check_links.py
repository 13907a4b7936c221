"""``labbook check-links DIR``: every in-site link and anchor of a built site resolves (any builder)."""

from __future__ import annotations

import argparse
from pathlib import Path

from labbook.errors import EXIT_DRIFT, EXIT_OK, BadInput, Collector, Problem
from labbook.site.links import check_links


def run(args: argparse.Namespace, found: Collector) -> int:
    """Exit 0 when every link resolves, 1 listing each one that does not, 2 when there is no site."""
    root = Path(args.site)
    if not (root / "index.html").is_file():
        raise BadInput(Problem(args.site, None, None, "no index.html (expected a built site, e.g. site/)"))
    result = check_links(root, args.site_url)
    for broken in result.broken:
        print(f"{root.as_posix().rstrip('/')}/{broken}")
    verdict = f"{len(result.broken)} broken" if result.broken else "ok"
    print(f"{verdict}: {result.checked} in-site links in {result.pages} pages checked")
    return EXIT_DRIFT if result.broken else EXIT_OK
