"""Problems, the exceptions that carry them, and the one collector every command fills.

Exit codes are the contract in ``design.md``: 0 ok, 1 drift, 2 bad input,
3 a source that could not be read. Every failure a user can cause is a
:class:`Problem` (one type, errors and warnings alike); loaders return
``(value, problems)`` and a command gathers them in a :class:`Collector`. The
CLI prints them, one line each, in one place (:func:`labbook.cli.main`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

EXIT_OK = 0
EXIT_DRIFT = 1
EXIT_BAD_INPUT = 2
EXIT_UNAVAILABLE = 3

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one place: ``file:line:col: message (expected …); hint: …``."""

    file: str
    """Path of the offending file (or the option, e.g. ``--repo``), as the user should see it; may be empty."""
    line: int | None
    """1-based line, or None when the whole file is at fault."""
    col: int | None
    """1-based column, or None when unknown."""
    message: str
    """What is wrong, ending with what was expected."""
    hint: str | None = None
    """How to fix it, when there is a likely fix."""
    warning: bool = False
    """A warning: printed, but the command still succeeds."""

    @property
    def place(self) -> str:
        """``file:line:col`` as far as known."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return where

    def __str__(self) -> str:
        text = f"{self.place}: {self.message}" if self.file else self.message
        if self.hint:
            text += f"; hint: {self.hint}"
        return f"warning: {text}" if self.warning else text

    def as_warning(self) -> Problem:
        """The same problem, as a warning."""
        return replace(self, warning=True)

    def moved(self, lines: int) -> Problem:
        """The same problem ``lines`` further down (for YAML embedded in a larger file)."""
        return self if self.line is None else replace(self, line=self.line + lines)

    @classmethod
    def of(cls, text: str, *, warning: bool = False) -> Problem:
        """A problem whose text already says where it is (e.g. a server URL)."""
        return cls("", None, None, text, warning=warning)

    @classmethod
    def from_warning(cls, warning: Any) -> Problem:
        """A source's :class:`~labbook.models.report.ReportWarning` (``file``, ``line``, ``message``)."""
        return cls(warning.file, warning.line, None, warning.message, warning=True)


def _problems(items: Iterable[Problem | str]) -> list[Problem]:
    return [p if isinstance(p, Problem) else Problem.of(str(p)) for p in items]


class LabbookError(Exception):
    """Base of every error a command reports without a traceback."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, problems: Iterable[Problem | str] | Problem | str) -> None:
        if isinstance(problems, (Problem, str)):
            problems = [problems]
        self.problems = problems  # type: ignore[assignment]
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def problems(self) -> list[Problem]:
        """Every problem, as :class:`Problem` (text given by older callers is wrapped on the way in)."""
        return self._problems

    @problems.setter
    def problems(self, value: Iterable[Problem | str]) -> None:
        self._problems = _problems(value)

    def lines(self) -> list[str]:
        """The stderr lines, one per problem."""
        return [str(p) for p in self.problems]


class BadInput(LabbookError):
    """Inventory, journal, arguments or a repository that cannot be used (exit 2)."""

    exit_code = EXIT_BAD_INPUT


class SourceUnavailable(LabbookError):
    """A source that could not be read: cluster unreachable, auth, timeout (exit 3)."""

    exit_code = EXIT_UNAVAILABLE

    def __init__(self, message: str, *, reason: str, target: str = "") -> None:
        self.reason = reason
        """Short machine-readable cause: ``refused``, ``tls``, ``timeout``, ``401`` …"""
        self.target = target
        """What could not be read: a server URL, a context or a file."""
        super().__init__(message)


class Abort(BadInput):
    """Stop the command: the collector already holds the problems (mkdocs' ``Abort``)."""

    def __init__(self) -> None:
        super().__init__([])


class Collector:
    """Every problem a command meets, in order; the CLI prints them and picks the exit code.

    Loaders return ``(value, problems)``: :meth:`take` keeps the problems and
    hands back the value. Code that still raises :class:`BadInput` runs through
    :meth:`attempt`. :meth:`check` stops the command when an error was found.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, *problems: Problem) -> None:
        """Record problems (errors or warnings)."""
        self.problems.extend(_problems(problems))

    def extend(self, problems: Iterable[Problem]) -> None:
        """Record every problem of an iterable."""
        self.problems.extend(_problems(problems))

    def warn(self, warnings: Iterable[Any]) -> None:
        """Record a source's report warnings (anything with ``file``, ``line`` and ``message``)."""
        self.problems.extend(Problem.from_warning(w) for w in warnings)

    def take(self, result: tuple[T, list[Problem]]) -> T:
        """The value of a loader's ``(value, problems)``; the problems are kept."""
        value, problems = result
        self.problems.extend(_problems(problems))
        return value

    def attempt(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """``fn(*args, **kwargs)``, or None when it raised :class:`BadInput` (its problems are kept)."""
        try:
            return fn(*args, **kwargs)
        except BadInput as exc:
            self.problems.extend(exc.problems)
            return None

    @property
    def errors(self) -> list[Problem]:
        """The problems that are not warnings."""
        return [p for p in self.problems if not p.warning]

    @property
    def failed(self) -> bool:
        """Whether an error (not a warning) was recorded."""
        return any(not p.warning for p in self.problems)

    def check(self) -> None:
        """Raise :class:`Abort` when an error was recorded; the CLI prints everything."""
        if self.failed:
            raise Abort()
