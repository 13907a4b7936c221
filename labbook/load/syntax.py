"""PyYAML's syntax errors in plain words: what is wrong, what was expected, a hint, the right place.

libyaml says "mapping values are not allowed in this context" where a person
wrote ``title: Test: with colon``. Each rule below recognises one of its
messages (the pure-Python parser's wording too) and says it the way a person
would fix it, pointing at the mark that helps: the unclosed ``[`` rather than
the line where the parser gave up. Anything not recognised still comes out as
one located line, with a generic hint.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml

from labbook.errors import Problem

Mark = tuple[int, int]
"""1-based (line, column)."""

_CLOSERS = {"[": "]", "{": "}"}


class _Error:
    """What one PyYAML error says, with easy access to the text around its marks."""

    def __init__(self, exc: yaml.MarkedYAMLError, text: str, offset: int) -> None:
        self.offset = offset
        """Added to lines quoted in messages (YAML embedded in a larger file)."""
        self.problem = " ".join((exc.problem or "").split())
        self.context = " ".join((exc.context or "").split())
        self.lines = text.split("\n")
        pm, cm = exc.problem_mark, exc.context_mark
        self.at: Mark | None = (pm.line + 1, pm.column + 1) if pm else None
        self.ctx: Mark | None = (cm.line + 1, cm.column + 1) if cm else None
        self.where: Mark | None = self.at or self.ctx

    def line(self, mark: Mark | None) -> str:
        if mark is None or not 0 < mark[0] <= len(self.lines):
            return ""
        return self.lines[mark[0] - 1].rstrip("\r")

    def char(self, mark: Mark | None) -> str:
        text = self.line(mark)
        return text[mark[1] - 1] if mark and 0 < mark[1] <= len(text) else ""


Rule = Callable[[_Error], "tuple[Mark | None, str, str | None] | None"]


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _colon_in_value(e: _Error):
    if "mapping values are not allowed" not in e.problem:
        return None
    text = e.line(e.at)
    before = text[: e.at[1] - 1] if e.at else ""
    key = re.match(r"^(\s*(?:-\s+)?)([^\s#'\"][^:#]*?):\s+", text)
    if key and ": " in before:
        value = text[key.end() :].split(" #")[0].strip()
        return (
            e.at,
            "a ': ' inside an unquoted value (expected the whole value in quotes)",
            (f"write {key[2]}: {_quote(value)}"),
        )
    return (
        e.at,
        "this key is indented under a line that already has a value (expected it aligned with the keys above)",
        "indent it like its sibling keys, or move the value above onto its own indented lines",
    )


def _no_colon(e: _Error):
    if "could not find expected ':'" not in e.problem:
        return None
    mark = e.ctx or e.at
    text = e.line(mark)
    last = min(mark[0] if mark else 1, len(e.lines) + 1) - 2  # lone \r breaks: libyaml's lines outnumber ours
    above = next((e.lines[i] for i in range(last, -1, -1) if e.lines[i].strip()), "")
    indent = len(text) - len(text.lstrip())
    if above.lstrip().startswith("- ") and len(above) - len(above.lstrip()) == indent:
        hint = f"write '- {text.strip()}', like the item above"
    else:
        hint = "check the indentation against the lines above; a value that goes on must be indented further"
    return (
        mark,
        "a line that is neither 'key: value' nor '- item' (expected a ':' after the key, or '- ' before a list item)",
        hint,
    )


def _expected_key(e: _Error):
    if "did not find expected key" not in e.problem:
        return None
    text, col = e.line(e.at), (e.at[1] if e.at else 1)
    before = text[: col - 1]
    if before.strip():
        if before.rstrip()[-1:] in ("'", '"'):
            return e.at, "text after the closing quote (expected the whole value inside the quotes)", None
        if before.rstrip()[-1:] in ("]", "}"):
            return e.at, f"an extra '{e.char(e.at)}' (expected each bracket closed once)", None
    if e.char(e.at) == "-":
        return (
            e.at,
            "a list item where a key was expected (expected 'key: value' here, or the list indented under its key)",
            None,
        )
    ctx_line = e.ctx[0] + e.offset if e.ctx else None
    return (
        e.at,
        "this line is not aligned with the keys of its mapping"
        + (f" (expected the indentation of the mapping that starts on line {ctx_line})" if ctx_line else ""),
        "indent every key of one mapping by the same number of spaces",
    )


def _expected_dash(e: _Error):
    if "did not find expected '-' indicator" not in e.problem:
        return None
    return (
        e.at,
        "this line is not aligned with the list items above it (expected '- ' at the list's indentation)",
        "start every item of one list with '- ' at the same indentation",
    )


def _bad_start(e: _Error):
    if "tab character" in e.problem or ("cannot start any token" in e.problem and e.char(e.at) == "\t"):
        return e.at, "a tab character (expected spaces: YAML is indented with spaces only)", "replace tabs with spaces"
    if "cannot start any token" in e.problem:
        c = e.char(e.at) or "this character"
        return e.at, f"'{c}' cannot start an unquoted value (expected the value in quotes)", None
    if "found unknown directive name" in e.problem or "while scanning a directive" in e.context:
        return e.ctx or e.at, "'%' at the start of a line (expected text in quotes)", None
    return None


def _unclosed(e: _Error):
    if "end of stream" in e.problem and "quoted scalar" in e.context:
        quote = e.char(e.ctx) or '"'
        return e.ctx, f"a quoted value is never closed (expected a closing {quote})", None
    if "flow node" in e.context and (e.at is None or e.at[0] >= len(e.lines)):
        opened = _last_open(e)
        if opened is not None:
            mark, opener = opened
            return (
                mark,
                f"a '{opener}' that is not closed (expected its items and a closing '{_CLOSERS[opener]}')",
                "quote values that contain ',', '[' or ']'" if opener == "[" else None,
            )
    found = re.search(r"expected ',' or '([\]}])'", e.problem)
    if found and "flow" in e.context:
        opener = "[" if found[1] == "]" else "{"
        shown = f" before line {e.at[0] + e.offset}" if e.at and e.ctx and e.at[0] != e.ctx[0] else ""
        return (
            e.ctx,
            f"a '{opener}' that is not closed (expected ',' between items and '{found[1]}'{shown})",
            "quote values that contain ',', '[' or ']'" if opener == "[" else None,
        )
    return None


def _last_open(e: _Error) -> tuple[Mark, str] | None:
    """The last '[' or '{' that is never closed before the text ends (quotes and comments skipped)."""
    stack: list[tuple[Mark, str]] = []
    for n, text in enumerate(e.lines, start=1):
        quote = None
        for i, c in enumerate(text):
            if quote:
                quote = None if c == quote else quote
            elif c in "'\"" and (i == 0 or text[i - 1] in " [{,:"):
                quote = c
            elif c == "#" and (i == 0 or text[i - 1] == " "):
                break
            elif c in _CLOSERS:
                stack.append(((n, i + 1), c))
            elif c in "]}" and stack:
                stack.pop()
    return stack[-1] if stack else None


def _misc(e: _Error):
    p = e.problem
    if "found undefined alias" in p:
        name = re.match(r"\*([^\s,\]}]+)", e.line(e.at)[(e.at[1] - 1 if e.at else 0) :])
        shown = f"'*{name[1]}'" if name else "an alias"
        return e.at, f"{shown} refers to an anchor that is not defined (expected '&' before it, or quotes)", None
    if "expected alphabetic or numeric character" in p:
        sign = "*" if "alias" in e.context else "&"
        return e.ctx or e.at, f"'{sign}' starts an alias or anchor (expected the value in quotes)", None
    if "expected a single document" in e.context or "but found another document" in p:
        return e.at, "a second YAML document starts here (expected one document: remove the '---')", None
    if "could not determine a constructor for the tag" in p:
        tag = re.search(r"tag '([^']*)'", p)
        return e.at, f"unknown tag {tag[1] if tag else ''} (expected plain values; quote it if '!' is text)", None
    if "block sequence entries are not allowed" in p:
        return e.at, "a '- ' list on the same line as its key (expected the items on the next lines)", None
    if "unknown escape character" in p:
        return (
            e.at,
            "an unknown escape in a double-quoted value (expected '\\\\' for a backslash)",
            ("use single quotes, where a backslash is just a backslash"),
        )
    if "duplicate anchor" in e.context:
        return e.at, "this anchor is defined twice (expected each anchor once)", None
    if "block scalar" in e.context:
        return e.at, "text after '|' or '>' (expected the text on the following lines)", None
    if "did not find expected node content" in p:
        c = e.char(e.at)
        if c in ("]", "}"):
            return e.at, f"a '{c}' that closes nothing (expected the value in quotes)", None
        return e.at, "a value is missing here (expected a value)", None
    return None


RULES: tuple[Rule, ...] = (_colon_in_value, _no_colon, _expected_key, _expected_dash, _bad_start, _unclosed, _misc)
"""Tried in order; the first that recognises the error words it."""


def syntax_problem(path: str, text: str, exc: yaml.YAMLError, *, line_offset: int = 0) -> Problem:
    """One located, plain-language problem for a YAML syntax error in ``text``."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return Problem(
            path,
            line + line_offset,
            col,
            f"control character U+{char:04X} is not allowed in YAML (expected printable text)",
            "delete it, or write it as an escape inside double quotes",
        )
    if not isinstance(exc, yaml.MarkedYAMLError):
        return Problem(path, None, None, f"YAML syntax error: {exc} (expected valid YAML)")
    err = _Error(exc, text, line_offset)
    for rule in RULES:
        found = rule(err)
        if found is not None:
            mark, message, hint = found
            break
    else:
        what = err.problem or err.context or "unreadable"
        mark, message = err.where, f"YAML syntax error: {what} (expected valid YAML)"
        hint = "check the indentation and the quoting on this line and the one above"
    if mark is None:
        return Problem(path, None, None, message, hint)
    return Problem(path, mark[0] + line_offset, mark[1], message, hint)
