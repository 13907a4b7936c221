"""``labbook new "Title"``: a correctly named draft entry whose front matter ``labbook validate`` accepts.

The entry is written with ``draft: true`` and a placeholder body (with ``--from-changes``, the
lab's changes since a date: :mod:`labbook.commands.from_changes`): it stays out of the
published site until its text is written and the draft flag removed.
Tags are written the way tags are spelled (``GPU Direct`` → ``gpu-direct``);
ids in ``--related`` are checked against the inventory; a slug already used by
another entry, whatever its date, is refused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

import yaml
from pydantic import ValidationError

from labbook.commands.from_changes import Drafted, draft_changes, since_date
from labbook.errors import BadInput, Collector, Problem
from labbook.files import display, folder_problems
from labbook.load.errors import problems_from_validation
from labbook.load.inventory import read_inventory
from labbook.load.journal import load_entry
from labbook.models.base import suggestion
from labbook.models.journal import PLACEHOLDER, FrontMatter, JournalEntry, tag_of

SLUG_MAX = 80
"""Longest slug written; a longer title is cut at a word boundary."""


def slugify(title: str) -> str:
    """``"SR-IOV on Talos: why?"`` → ``sr-iov-on-talos-why``; long titles are cut between words."""
    slug = tag_of(title)
    if len(slug) > SLUG_MAX:
        cut = slug[: SLUG_MAX + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:SLUG_MAX]
    return slug.strip("-") or "entry"


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _front(args: argparse.Namespace, found: Collector) -> dict[str, object]:
    front: dict[str, object] = {"title": (args.title or "").strip(), "date": dt.date.today(), "draft": True}
    if args.date:
        try:
            front["date"] = dt.date.fromisoformat(args.date)
        except ValueError:
            found.add(Problem("--date", None, None, f"{args.date!r} is not a date (expected YYYY-MM-DD)"))
    if args.summary:
        front["summary"] = args.summary
    if args.tags:
        tags = [tag_of(t) for t in _csv(args.tags)]
        bad = [t for t, tag in zip(_csv(args.tags), tags, strict=True) if not tag]
        found.extend(Problem("--tags", None, None, f"{t!r} has no letters or digits (expected a tag)") for t in bad)
        front["tags"] = list(dict.fromkeys(t for t in tags if t))
    if args.series:
        front["series"] = args.series
    if args.related:
        front["related"] = _csv(args.related)
    try:
        FrontMatter.model_validate(front)
    except ValidationError as exc:
        for p in problems_from_validation("", None, FrontMatter, exc):
            option, _, rest = p.message.partition(": ")
            name = option.split("[")[0]
            found.add(Problem("title" if name == "title" else f"--{name}", None, None, rest))
    return front


def _related(args: argparse.Namespace, related: list[str], found: Collector) -> None:
    inventory = found.take(read_inventory(Path(args.inventory)))
    if inventory is None:
        return
    known = inventory.ids()
    for ref in related:
        if ref not in known:
            found.add(
                Problem(
                    "--related",
                    None,
                    None,
                    f"unknown id {ref!r} ({suggestion(ref, known)}expected a component or node id "
                    f"from {display(args.inventory)})",
                )
            )


def _taken(journal: Path, entries: list[JournalEntry], slug: str, path: Path) -> list[Problem]:
    """A problem when another entry, whatever its date, already has ``slug`` (in its name or front matter)."""
    if path.exists():
        return [Problem(display(path), None, None, "already exists (expected a new title)")]
    if not journal.is_dir():
        return []
    used = {e.slug: e.path for e in entries}
    used.update({p.name[11:-3]: display(p) for p in sorted(journal.glob(f"????-??-??-{slug}.md"))})
    if slug in used:
        return [
            Problem(display(path), None, None, f"slug {slug!r} is already used by {used[slug]} (expected a new title)")
        ]
    return []


def _near_misses(entries: list[JournalEntry], front: dict[str, object]) -> list[Problem]:
    """Warnings for a tag or series that looks like a typo of one the journal already uses."""
    tags = {t for e in entries for t in e.front.tags}
    series = {e.front.series for e in entries if e.front.series}
    out = []
    for tag in front.get("tags", []):  # type: ignore[attr-defined]
        if tag not in tags and (maybe := suggestion(tag, tags)):
            out.append(Problem("--tags", None, None, f"{tag!r} is a new tag ({maybe.strip()})", warning=True))
    name = front.get("series")
    if name and name not in series and (maybe := suggestion(name, series)):
        out.append(Problem("--series", None, None, f"{name!r} is a new series ({maybe.strip()})", warning=True))
    return out


def _drafted(args: argparse.Namespace, entries: list[JournalEntry], found: Collector) -> Drafted | None:
    """With ``--from-changes``: the changes since SINCE, and the title and related ids they give."""
    if args.from_changes is None:
        if not args.title:
            raise BadInput(Problem("title", None, None, "missing (expected a title, or --from-changes)"))
        return None
    inventory = found.take(read_inventory(Path(args.inventory)))
    found.check()
    assert inventory is not None
    drafted = draft_changes(args, since_date(args.from_changes, entries), inventory.ids())
    if not args.title:
        args.title = drafted.title()
    args.related = ",".join(dict.fromkeys([*_csv(args.related), *drafted.related]))
    return drafted


def run(args: argparse.Namespace, found: Collector) -> int:
    """Write ``<journal>/YYYY-MM-DD-slug.md`` as a draft; never overwrites, never reuses a slug."""
    journal = Path(args.journal)
    found.extend(folder_problems(journal, "journal entries", create=True))
    found.check()
    # every entry that loads (a broken one elsewhere must not hide a slug); the rest by file name
    entries = [e for p in sorted(journal.glob("*.md")) if (e := load_entry(p)[0])] if journal.is_dir() else []
    drafted = _drafted(args, entries, found)
    front = _front(args, found)
    if front.get("related"):
        _related(args, front["related"], found)  # type: ignore[arg-type]
    found.check()
    date = front["date"]
    assert isinstance(date, dt.date)
    slug = slugify(args.title)
    path = journal / f"{date.isoformat()}-{slug}.md"
    found.extend(_taken(journal, entries, slug, path))
    found.check()
    found.extend(_near_misses(entries, front))
    body = drafted.body if drafted is not None else f"{PLACEHOLDER}\n"
    text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + f"---\n\n{body}"
    try:
        journal.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as fh:  # "x": never clobber an entry written meanwhile
            fh.write(text)
    except FileExistsError:
        raise BadInput(Problem(display(path), None, None, "already exists (expected a new title)")) from None
    except OSError as exc:
        raise BadInput(
            Problem(
                display(path),
                None,
                None,
                f"cannot write: {os.strerror(exc.errno or 0).lower()} (expected a writable folder)",
            )
        ) from None
    print(display(path))
    if drafted is not None:
        period = f"since {drafted.since.isoformat()}" if drafted.since else "in the whole history"
        print(f"{drafted.count} change{'' if drafted.count == 1 else 's'} {period}", file=sys.stderr)
    return 0
