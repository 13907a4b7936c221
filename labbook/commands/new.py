"""``labbook new "Title"``: a correctly named journal entry with valid front matter."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import unicodedata
from pathlib import Path

import yaml
from pydantic import ValidationError

from labbook.errors import BadInput, Problem
from labbook.files import display
from labbook.load.errors import dotted
from labbook.load.inventory import load_inventory
from labbook.models.journal import FrontMatter


def slugify(title: str) -> str:
    """``"SR-IOV on Talos: why?"`` → ``sr-iov-on-talos-why``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:80].rstrip("-") or "entry"


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def run(args: argparse.Namespace) -> int:
    """Write ``<journal>/YYYY-MM-DD-slug.md``; refuses to overwrite."""
    try:
        date = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    except ValueError:
        raise BadInput(f"labbook new: --date {args.date!r} is not a date (expected YYYY-MM-DD)") from None
    front: dict[str, object] = {"title": args.title.strip(), "date": date}
    if args.summary:
        front["summary"] = args.summary
    if args.tags:
        front["tags"] = _csv(args.tags)
    if args.series:
        front["series"] = args.series
    if args.related:
        front["related"] = _csv(args.related)
    if args.draft:
        front["draft"] = True
    journal = Path(args.journal)
    path = journal / f"{date.isoformat()}-{slugify(args.title)}.md"
    if path.exists():
        raise BadInput(Problem(display(path), None, None, "already exists (expected a new title or --date)"))
    try:
        FrontMatter.model_validate(front)
    except ValidationError as exc:
        raise BadInput(
            [
                f"labbook new: {dotted(e['loc'])}: {e['msg']} (input {e['input']!r})"
                for e in exc.errors(include_url=False)
            ]
        ) from None
    if args.related:
        known = load_inventory(Path(args.inventory)).ids()
        unknown = [r for r in front["related"] if r not in known]  # type: ignore[attr-defined]
        if unknown:
            raise BadInput(
                f"labbook new: --related: unknown id(s) {', '.join(unknown)} "
                f"(expected component or node ids from {args.inventory})"
            )
    text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n\nWrite here.\n"
    journal.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as fh:  # "x": never clobber an entry written meanwhile
            fh.write(text)
    except FileExistsError:
        raise BadInput(Problem(display(path), None, None, "already exists (expected a new title or --date)")) from None
    print(display(path))
    return 0
