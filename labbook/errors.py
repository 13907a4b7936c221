"""The one exception hierarchy every command turns into stderr lines and an exit code.

Exit codes are the contract in ``design.md``: 0 ok, 1 drift, 2 bad input,
3 a source that could not be read.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_DRIFT = 1
EXIT_BAD_INPUT = 2
EXIT_UNAVAILABLE = 3


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one place in one file."""

    file: str
    """Path of the offending file, as the user should see it."""
    line: int | None
    """1-based line, or None when the whole file is at fault."""
    col: int | None
    """1-based column, or None when unknown."""
    message: str
    """What is wrong, ending with what was expected."""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return f"{where}: {self.message}"


class LabbookError(Exception):
    """Base of every error a command reports without a traceback."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, (Problem, str)):
            problems = [problems]
        self.problems: list[Problem | str] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

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
