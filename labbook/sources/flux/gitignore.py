"""gitignore patterns as source-controller evaluates them: go-git v5's ``plumbing/format/gitignore``.

Kept here rather than using ``pathspec`` (which follows git itself), because
source-controller does not follow git: it judges every file on its own path
with go-git v5's matcher (``storage.Archive`` walks into excluded folders and
filters each file), and in go-git v5 a pattern matches a path when it matches
its leading components, inclusions included. So ``/*`` then ``!/deploy`` keeps
``deploy/app.yaml`` (the ``spec.ignore`` example of the Flux documentation), and
``!/shared`` re-includes ``shared/x.yaml`` even when an earlier pattern named that
file, where git would keep both excluded.

Ported from go-git v5 ``pattern.go`` (``ParsePattern``, ``simpleNameMatch``,
``globMatch``) and ``matcher.go`` (the last pattern that matches decides).
"""

from __future__ import annotations

import fnmatch
import re
from functools import lru_cache
from typing import Any

NO_MATCH, EXCLUDE, INCLUDE = 0, 1, 2


@lru_cache(maxsize=4096)
def _segment(pattern: str) -> re.Pattern[str]:
    """One path component's pattern (Go ``filepath.Match``: ``*``, ``?``, ``[...]`` within a component)."""
    return re.compile(fnmatch.translate(pattern.replace("[^", "[!")))


class Pattern:
    """One gitignore line, scoped to the folder (``domain``) of the file it comes from."""

    __slots__ = ("dir_only", "domain", "glob", "inclusion", "parts")

    def __init__(self, line: str, domain: tuple[str, ...] = ()) -> None:
        self.domain = domain
        self.inclusion = line.startswith("!")
        if self.inclusion:
            line = line[1:]
        if not line.endswith("\\ "):
            line = line.rstrip(" ")
        self.dir_only = line.endswith("/")
        if self.dir_only:
            line = line[:-1]
        self.glob = "/" in line
        self.parts = line.split("/")
        if self.parts[0] == "**" and len(self.parts) == 2 and "**" not in self.parts[1]:
            # `**/name` matches what `name` matches: one component anywhere, and what is below it
            self.glob, self.parts = False, self.parts[1:]

    def match(self, path: list[str], is_dir: bool) -> int:
        """:data:`INCLUDE`, :data:`EXCLUDE` or :data:`NO_MATCH` for a path given as its components."""
        if len(path) <= len(self.domain) or tuple(path[: len(self.domain)]) != self.domain:
            return NO_MATCH
        rest = path[len(self.domain) :]
        found = self._glob(rest, is_dir) if self.glob else self._simple(rest, is_dir)
        if not found:
            return NO_MATCH
        return INCLUDE if self.inclusion else EXCLUDE

    def covers(self, folders: list[str]) -> bool:
        """Whether it matches a folder, hence (matching leading components) everything below it."""
        if len(folders) <= len(self.domain) or tuple(folders[: len(self.domain)]) != self.domain:
            return False
        rest = folders[len(self.domain) :]
        return self._glob(rest, True) if self.glob else self._simple(rest, True)

    def _simple(self, path: list[str], is_dir: bool) -> bool:
        regex = _segment(self.parts[0])
        for i, name in enumerate(path):
            if not regex.match(name):
                continue
            return not (self.dir_only and not is_dir and i == len(path) - 1)
        return False

    def _glob(self, path: list[str], is_dir: bool) -> bool:
        matched = traverse = trailing = False
        last = len(self.parts) - 1
        for i, part in enumerate(self.parts):
            if part == "":
                traverse = False
                continue
            if part == "**":
                if i == last:
                    matched = trailing = bool(path) or is_dir
                    break
                traverse = True
                continue
            if not path:
                return False
            regex = _segment(part)
            if traverse:
                traverse = False
                while path:
                    head, path = path[0], path[1:]
                    if regex.match(head):
                        matched = True
                        break
                    if not path:
                        matched = False
            else:
                if not regex.match(path[0]):
                    return False
                matched = True
                path = path[1:]
                if not path and i < last:
                    matched = False  # a file named like a folder of the pattern
        if matched and self.dir_only and not is_dir and (not path or trailing):
            matched = False
        return matched


Step = tuple[str, Any, bool]
"""One check of a folder's plan: (``whole``: the pattern matches the folder | ``names``: one regex over file names
of consecutive name-only patterns | ``path``: a pattern tried on the whole path), the pattern or regex, inclusion."""


class Matcher:
    """Patterns in increasing priority: the last one that matches a path decides."""

    def __init__(self, patterns: list[Pattern]) -> None:
        self.patterns = patterns[::-1]
        self._plans: dict[str, list[Step]] = {}

    def _plan(self, folder: str) -> list[Step]:
        """The checks for the files of one folder, most important first. A pattern that matches the folder itself
        decides for every file in it (and the later ones never matter); consecutive patterns without ``/`` that do
        not can only match a file's name, and one regex tries them all at once (the first match decides, and they
        share their verdict)."""
        plan = self._plans.get(folder)
        if plan is not None:
            return plan
        folders = folder.split("/") if folder else []
        plan = []
        names: list[str] = []
        verdict = False

        def flush() -> None:
            if names:
                plan.append(("names", re.compile("|".join(f"(?:{n})" for n in names)), verdict))
                names.clear()

        for pattern in self.patterns:
            if pattern.covers(folders):
                flush()
                plan.append(("whole", pattern, pattern.inclusion))
                break
            if pattern.glob:
                flush()
                plan.append(("path", pattern, pattern.inclusion))
                continue
            inside = len(folders) >= len(pattern.domain) and tuple(folders[: len(pattern.domain)]) == pattern.domain
            if pattern.dir_only or not inside:
                continue  # a file's name never matches a folder-only pattern, nor one scoped elsewhere
            if names and pattern.inclusion != verdict:
                flush()
            verdict = pattern.inclusion
            names.append(_segment(pattern.parts[0]).pattern)
        flush()
        self._plans[folder] = plan
        return plan

    def excluded(self, path: str) -> bool:
        """Whether a repo-relative POSIX file path is left out of the artifact."""
        folder, _, name = path.rpartition("/")
        for step, what, inclusion in self._plan(folder):
            if step == "whole":
                return not inclusion
            found = what.match(name) if step == "names" else what.match(path.split("/"), False) != NO_MATCH
            if found:
                return not inclusion
        return False


def patterns(lines: list[str], domain: tuple[str, ...] = ()) -> list[Pattern]:
    """The patterns of a gitignore text's lines (comments and blank lines skipped), scoped to ``domain``."""
    return [Pattern(line.rstrip("\r"), domain) for line in lines if line.strip() and not line.startswith("#")]
