"""``labbook``: parse arguments, run one command, print every problem one per line, pick the exit code.

Command implementations live in ``labbook.commands.*`` as ``run(args,
found) -> int`` and are imported only when their command runs, so ``labbook
validate`` never pays for the ``kubernetes`` client. Like mkdocs' config
loading, a run has three steps: the arguments are checked first (project
config, output paths), then the command runs and fills a
:class:`~labbook.errors.Collector`, and :func:`main` alone turns what was
collected into stderr lines and an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from labbook.errors import EXIT_BAD_INPUT, EXIT_OK, Collector, LabbookError, Problem
from labbook.parser import INTERNAL_ERROR, build_parser


def _record_failure(args: argparse.Namespace, error: str) -> None:
    """A drift check that did not run leaves a report saying so, never its last good one."""
    if str(getattr(args, "handler", "")).startswith("drift_") and getattr(args, "report", None):
        from labbook.commands._emit import record_failure

        record_failure(args, error)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The arguments; a usage error exits 2 with one line named after the subcommand."""
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    if extras:
        getattr(args, "parser", parser).unrecognized(extras)
    return args


def prepare(args: argparse.Namespace, found: Collector) -> None:
    """Check what can be checked before any work: the project config, and that every output can be written."""
    from labbook.files import display, output_problems

    if getattr(args, "sources", ()) or args.config:  # a --config given is always read, so a typo never passes
        from labbook.config import apply_config

        found.extend(apply_config(args))
    for attr, what in getattr(args, "outputs", ()):
        value = getattr(args, attr, None)
        if value:
            found.extend(output_problems(Path(value), what))
    for attr, what in getattr(args, "folders", ()):
        value = getattr(args, attr, None)
        try:
            is_file = bool(value) and Path(value).is_file()
        except OSError:
            is_file = False  # a name too long and the like: the reader says so
        if is_file:  # a missing or unreadable one is the reader's to explain
            found.add(Problem(display(Path(value)), None, None, f"is a file (expected {what})"))
    found.check()


def show(problems: list[Problem], stream: TextIO) -> None:
    """The one place problems become text: one line each (never more), printable whatever the file names hold."""
    from labbook.files import printable

    for problem in problems:
        print(one_line(printable(str(problem))), file=stream)


def one_line(text: str) -> str:
    """``text`` on one line: line breaks become spaces, other control characters escapes (``\\x1b``)."""
    joined = " ".join(part.strip() for part in text.splitlines())
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in joined)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns its exit code (0 ok, 1 drift, 2 bad input, 3 source unreadable)."""
    try:
        args = parse(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    found = Collector()
    try:
        prepare(args, found)
        module = importlib.import_module(f"labbook.commands.{args.handler}")
        code = int(module.run(args, found))
    except LabbookError as exc:
        if args.debug:
            raise
        found.extend(exc.problems)
        code = exc.exit_code
    except KeyboardInterrupt:
        show(found.problems, sys.stderr)
        print("labbook: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        if args.debug:
            raise
        if isinstance(exc, OSError) and exc.filename is not None:
            # a path nothing checked before it was used (a name too long, no permission): the user's input, named
            from labbook.files import os_problem

            found.add(os_problem(exc))
            code = EXIT_BAD_INPUT
        else:  # a bug: one line, and a way to see more
            what = " ".join(f"{type(exc).__name__}: {exc}".split())
            bug = Problem.of(f"labbook: internal error: {what} (run again with --debug for a traceback)")
            _record_failure(args, str(bug))
            show([*found.problems, bug], sys.stderr)
            return INTERNAL_ERROR
    show(found.problems, sys.stderr)
    if found.failed and code < EXIT_BAD_INPUT:  # an error is never "ok" nor mere drift
        code = EXIT_BAD_INPUT
    if code >= EXIT_BAD_INPUT:
        _record_failure(args, "; ".join(str(p) for p in found.problems if not p.warning) or "the check did not run")
    return code
