"""Sequences of revisions fed to edits.py four ways, and the edits and documents that make them.

A :class:`Drivers` checks each revision against :func:`labbook.load.yaml.parse` of the whole text through a
:class:`OneLineEdits` that keeps its index across the sequence and builds one whenever asked (``INDEX_COST``
0, so a stale index would show), one restored from what that one exported (through marshal, as the history
cache keeps it), a fresh one that remembers only the previous revision's whole-text parse, and
:class:`ChunkedParser` as the history reads it (the real budget, errors included). ``test_edits.py`` uses
them.
"""

from __future__ import annotations

import marshal
import re
from typing import Any
from unittest import mock

from hypothesis import strategies as st

from labbook.history import edits as edits_module
from labbook.history.chunks import ChunkedParser
from labbook.history.edits import OneLineEdits
from labbook.load.yaml import LoadError, parse


def assert_same_tree(got: Any, want: Any, path: tuple = ()) -> None:
    """Equal as plain values, with the same type at every leaf (a LocatedDict is a dict)."""
    if isinstance(want, dict):
        assert isinstance(got, dict), path
        assert {(type(k), k) for k in got} == {(type(k), k) for k in want}, path
        for key in want:
            assert_same_tree(got[key], want[key], (*path, key))
    elif isinstance(want, list | tuple):
        assert isinstance(got, list | tuple) and (type(got) is tuple) == (type(want) is tuple), path
        assert len(got) == len(want), path
        for i, (a, b) in enumerate(zip(got, want, strict=True)):
            assert_same_tree(a, b, (*path, i))
    else:
        assert type(got) is type(want) and got == want, (path, got, want)


def whole(text: str) -> Any:
    """The whole-text parse, or its LoadError."""
    try:
        return parse("f.yaml", text)
    except LoadError as exc:
        return exc


def check(got: Any, want: Any) -> None:
    """What ``edited`` returned is None, or the whole-text parse (which then did not fail)."""
    if got is not None:
        assert not isinstance(want, LoadError), f"edited gave a tree where the parse fails: {want}"
        assert_same_tree(got, want)


class Drivers:
    """One sequence of revisions through the four ways edits.py is reached."""

    def __init__(self) -> None:
        self.eager = OneLineEdits()
        self.previous: tuple[str, Any] | None = None
        self.parser = ChunkedParser()

    def feed(self, text: str) -> bool:
        """Check one revision every way; whether the eager one built it as an edit."""
        want = whole(text)
        saved = self.eager.export()
        if saved is not None:  # the next run, starting from what this one saved
            restored = OneLineEdits()
            restored.restore(marshal.loads(marshal.dumps(saved)))
            check(restored.edited(text), want)
        with mock.patch.object(edits_module, "INDEX_COST", 0):  # an index whenever one is wanted
            got = self.eager.edited(text)
        check(got, want)
        if got is None and not isinstance(want, LoadError):
            self.eager.remember(text, want)
        if self.previous is not None:  # the first index is free
            fresh = OneLineEdits()
            fresh.remember(*self.previous)
            check(fresh.edited(text), want)
        if not isinstance(want, LoadError):
            self.previous = (text, want)
        try:
            tree = self.parser.parse("f.yaml", text)
        except LoadError as exc:
            assert isinstance(want, LoadError) and str(exc.problem) == str(want.problem)
        else:
            assert not isinstance(want, LoadError), f"the parser gave a tree where the parse fails: {want}"
            assert_same_tree(tree, want)
        return got is not None


# Values an edit puts on a `key: value` line: mostly what edits.py should take, some that must stop it.
GOOD = ["1.18.5", "v2", "x", "'q'", '"d"', "''", "8", "0", "017", "0x1F", "1.5", "1.", "1e3", "1.0e+3"]
GOOD += ["on", "yes", "Off", "true", "null", "Null", "2025-01-01", "2025-02-30", "2025-1-1", "a.b/c+d-e"]
ODD = ["~", "a:b", "a: b", "[a]", "{a: 1}", "&x a", "*x", "!!str 1", "a#b", "'it''s'", '"a\\tb"', "|", ">-"]
ODD += ["-", "- a", "? a", "a\tb", "\x07", "x\x85y", "x\u2028y", "\ufeffx", "", " ", "é", "a b", "'a", '"a']
COMMENTS = [
    "",
    "",
    "",
    " # c",
    "  # bump: x",
    "",
    "",
    " #x",
    "",
    "",
    "",
    "\t# t",
    " # c\x85d: 1",
    " # c\rd: 1",
    " # \u2028",
]
KEYS = ["a", "b", "version", "id", "name", "on", "null", "k", "<<", "'a'"]
LINES = ["", "# c", "x: 1", "  y: 2", "- z", "version: 9", "  # c", "...", "---", "  more"]
RAW = ["\r", "\x85", "\u2028", "\u2029", "\t", "\x07", "\ufeff", "#", ":", "'", '"', " ", "\n", "&", "*"]
KV = re.compile(r"^(\s*(?:- )?[^\s:#'\"][^:#]*?):(?: (.*))?$")
"""A line that looks like ``key: value`` (or ``key:``), perhaps as an item, wherever it is in the document."""

_value = st.sampled_from(GOOD[1:] * 3 + ODD + GOOD[:1])  # not the documents' own first value first


def step(data: st.DataObject, text: str) -> str:
    """One revision after ``text``: values changed on one or several lines, or a line added, removed, renamed,
    re-indented, or a character put anywhere."""
    lines = text.split("\n")
    kvs = [i for i, line in enumerate(lines) if KV.match(line)]
    leaves = [i for i in kvs if edits_module._LINE.fullmatch(lines[i])]
    if leaves and data.draw(st.integers(0, 3)):  # mostly the lines edits.py is about
        kvs = leaves
    kind = data.draw(st.sampled_from(["value"] * 6 + ["values"] * 2 + ["insert", "delete", "rename", "indent", "raw"]))
    if kind in ("value", "values", "rename") and kvs:
        count = 1 if kind != "values" else data.draw(st.integers(1, min(3, len(kvs))))
        for i in data.draw(st.lists(st.sampled_from(kvs), min_size=count, max_size=count, unique=True)):
            m = KV.match(lines[i])
            if kind == "rename":
                lines[i] = re.sub(r"[^\s-][^:]*:", lambda _: f"{data.draw(st.sampled_from(KEYS))}:", lines[i], count=1)
            else:
                lines[i] = f"{m.group(1)}: {data.draw(_value)}{data.draw(st.sampled_from(COMMENTS))}"
    elif kind == "insert":
        lines.insert(data.draw(st.integers(0, len(lines))), data.draw(st.sampled_from(LINES)))
    elif kind == "delete" and len(lines) > 1:
        del lines[data.draw(st.integers(0, len(lines) - 1))]
    elif kind == "indent":
        i = data.draw(st.integers(0, len(lines) - 1))
        lines[i] = lines[i][1:] if data.draw(st.booleans()) and lines[i].startswith(" ") else " " + lines[i]
    else:
        at = data.draw(st.integers(0, len(text)))
        return text[:at] + data.draw(st.sampled_from(RAW)) + text[at:]
    return "\n".join(lines)


# Generated documents: blocks where a `key: value` line is a mapping leaf, and blocks where it only looks like one.
BLOCKS = [
    "%k: %v",
    "%k: %v # c",
    "%k:\n  a: %v\n  b: %v",
    "%k:\n  - a: %v\n    b: %v\n  - %v",
    "%k:\n- a: %v\n  b: %v",
    "%k: |\n  a: %v\n  b: %v",
    "%k: >-\n  a: %v\n\n  b: %v",
    "%k: [\n  a: %v\n  ]",
    "%k: {\n  a: %v\n  , b: %v\n  }",
    '%k: "s\n  a: %v\n  e"',
    "%k: 's\n  a: %v\n  e'",
    "%k: %v\n  more",
    "%k: &%k\n  a: %v\n%kx: *%k",
    "%k: &%k\n  a: %v\n%kx:\n  <<: *%k\n  b: %v",
    "%k: !!omap\n  - a:\n      b: %v",
    "%k: !!pairs\n  - a:\n      b: %v",
    "%k: !!set\n  a: %v",
    "%k: {\n  a: {\n    b: %v\n    }\n  }",
    "%k: !!str\n  %v",
    "? %k\n: %v",
    "%k:\n  ? a\n  : %v\n  b: %v",
    "on:\n  a: %v",
    "'%ky': &%ky\n  a: %v\n%kz: *%ky",
    "%k:\n  null: %v\n  yes: %v",
    "# c: %v",
    "",
]


@st.composite
def document(draw) -> str:
    blocks = []
    for n in range(draw(st.integers(1, 6))):
        block = draw(st.sampled_from(BLOCKS[:5] * 4 + BLOCKS)).replace("%k", f"k{n}")  # leaves, and traps
        blocks.append(re.sub("%v", lambda _: draw(st.sampled_from(GOOD)), block))
    text = "\n".join(blocks) + "\n"
    if draw(st.booleans()):
        text = "top:\n" + "".join(f"  {line}\n" if line else "\n" for line in text.split("\n")[:-1])
    if draw(st.integers(0, 9)) == 0:
        text = "- " + text.replace("\n", "\n  ").rstrip(" ")  # the root a sequence
    return draw(st.sampled_from(["", "", "---\n", "--- # c\n", "%YAML 1.1\n---\n", "\ufeff"])) + text


def dressed(draw, text: str) -> str:
    """The text as it is, or with CRLF, no final line break, or a document end marker."""
    how = draw(st.sampled_from(["as is"] * 5 + ["crlf", "no final break", "end marker"]))
    if how == "crlf":
        return text.replace("\n", "\r\n")
    if how == "no final break":
        return text.rstrip("\n")
    return text + "...\n" if how == "end marker" else text


def sequence(data: st.DataObject, text: str) -> int:
    """Feed ``text`` and up to eight revisions after it (after one that does not parse, the next one often
    starts again from the last that did, as a fix would); how many the eager driver built as edits."""
    drivers, taken, good = Drivers(), 0, text
    drivers.feed(text)
    for _ in range(data.draw(st.integers(1, 8))):
        text = step(data, text)
        taken += drivers.feed(text)
        if not isinstance(whole(text), LoadError):
            good = text
        elif data.draw(st.booleans()):
            text = good
    return taken
