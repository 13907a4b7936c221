"""``labbook schema [--output DIR] [--check]``: the inventory's JSON Schema, for editors.

Writes ``<inventory>/schema/<section>.schema.json``. With ``--check`` it writes
nothing and exits 1 when a committed file differs from what the models generate,
or when an inventory file does not point its editor at its schema.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from labbook.errors import EXIT_DRIFT, EXIT_OK, BadInput, Collector, Problem
from labbook.files import atomic_write, display, folder_problems
from labbook.schema import MODELINE, filename, render, sections


def _modeline_problem(inventory: Path, section: str, schema_dir: Path) -> Problem | None:
    """A problem when ``<section>.yaml`` does not start by naming its schema (editors need it)."""
    source = inventory / f"{section}.yaml"
    if not source.is_file():
        return None
    relative = Path(os.path.relpath(schema_dir / filename(section), inventory)).as_posix()
    wanted = MODELINE.format(path=relative)
    with source.open(encoding="utf-8", errors="replace") as fh:
        first = fh.readline().rstrip("\r\n")
    if first == wanted:
        return None
    return Problem(display(source), 1, 1, f"first line does not name the schema (expected {wanted!r})")


def _current(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise BadInput(Problem(display(path), None, None, "is a folder (expected a JSON schema file)")) from None
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
        raise BadInput(
            Problem(display(path), None, None, f"cannot read: {why} (expected a readable JSON file)")
        ) from None


def run(args: argparse.Namespace, found: Collector) -> int:
    """Write (or with ``--check``, compare) every section's schema."""
    inventory = Path(args.inventory)
    schema_dir = Path(args.output) if args.output else inventory / "schema"
    if args.check:
        if schema_dir.exists() and not schema_dir.is_dir():
            found.add(Problem(display(schema_dir), None, None, "is a file, not a folder (expected the schema folder)"))
    else:
        found.extend(folder_problems(schema_dir, "the schema", create=True))
    found.check()
    stale: list[str] = []
    for section in sections():
        path = schema_dir / filename(section)
        wanted = render(section)
        current = _current(path)
        if current == wanted:
            if not args.check:
                print(f"{display(path)}: up to date")
            continue
        if args.check:
            why = "missing" if current is None else "differs from the models"
            stale.append(f"{display(path)}: {why} (expected the output of `labbook schema`; run it and commit)")
        else:
            schema_dir.mkdir(parents=True, exist_ok=True)
            atomic_write(path, wanted)
            print(f"{display(path)}: written")
    if args.check:
        stale += [str(p) for s in sections() if (p := _modeline_problem(inventory, s, schema_dir))]
        for line in stale:
            print(line)
        if stale:
            return EXIT_DRIFT
        print(f"{display(schema_dir)}: schema up to date ({len(sections())} files)")
    return EXIT_OK
