"""The block-memoised parser gives exactly what the whole-text parse gives, or fails exactly when it does."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labbook.history.chunks import ChunkedParser
from labbook.load.yaml import LoadError, parse
from tests.conftest import ROOT


def _outcome(fn, text: str):
    try:
        return "ok", fn("f.yaml", text)
    except LoadError as exc:
        return "error", str(exc.problem)


def assert_same(text: str, parser: ChunkedParser | None = None) -> None:
    parser = parser or ChunkedParser()
    assert _outcome(parser.parse, text) == _outcome(parse, text)


@pytest.mark.parametrize("path", sorted((ROOT / "inventory").glob("*.yaml")), ids=lambda p: p.name)
def test_real_inventory(path: Path) -> None:
    parser = ChunkedParser()
    text = path.read_text(encoding="utf-8")
    assert_same(text, parser)
    assert parser.parsed > 1  # it really was cut into blocks
    edited = text.replace("version: 1.18.4", "version: 1.18.5", 1)
    before = parser.parsed
    assert_same(edited, parser)
    assert parser.parsed - before <= (1 if edited != text else 0) + 1


CASES = [
    "a: 1\nb: [1,\n2]\n",  # a flow sequence spanning lines at column 0
    'a: "x\ny"\n',  # a quoted scalar continued at column 0
    "a: &x {k: 1}\nb: *x\n",  # an alias to another block's anchor
    "a: 1\na: 2\n",  # a key repeated across blocks
    "a:\n- 1\n- 2\nb: 3\n",  # a compact sequence
    "a:\n  - x: 1\n  - &y {z: 2}\n  - *y\n",  # anchor and alias inside one block, across items
    "a:\n  - x\n b: 1\n",  # a line less indented than the items
    "%YAML 1.1\n---\na: 1\n",
    "- a\n- b\n",
    "a: |\n  text\n# comment\nb: 2\n",
    "a: 1\nb\n",
    "",
    "# only a comment\n",
    "a:\n  - 1\n  -\n  - 3\n",
    "a: 1 # c\n\n\nb:\n  # c\n  - 2\n",
    # inside a block: the same cuts one level down
    "a:\n  b: 1\n  b: 2\n",  # a key repeated in a nested mapping
    "a:\n  b: 1\n c: 2\n",  # a line less indented than the nested keys
    "a:\n  - b: 1\n    c: [1,\n    2]\n",  # a flow sequence continued at the item's key column
    "a:\n  - b: 1\n   c: 2\n",  # an item's line between the dash and the key column
    "a:\n  on: 1\n  off:\n    - x\n",  # keys that read as booleans
    "a:\n  - on:\n      - 1\n  - null:\n      k: v\n",
    "a:\n  -   b: 1\n      c: 2\n",  # an item's mapping further right
    "a:\n  - b: 1\n  # c\n    c: 2\n",  # a comment at the dash column inside an item
    "a:\n  b:\n  - 1\n  - 2\n  c: 3\n",  # a compact sequence in a nested mapping
    "a:\n  b: 'x\n  y'\n",  # a quoted scalar continued at the nested key column
    "a:\n\tb: 1\n",
    "a:\n  - b: 1\n  -\tc: 2\n",
    "a:\n  b:\n    c:\n      d: 1\n    e: 2\n",
    "a:\n  - - 1\n    - 2\n",
    "a:\n  - b: |\n      text\n\n      more\n    c: >-\n      folded\n",
    "a:\n  b: 1\r\n  c: 2\r\n",  # CRLF: parsed whole
    "a:\n  - b: 1\n    b: 2\n",  # a key repeated in an item
    "\n\ufeffk0: 1\nk1: 2\n",  # a byte order mark starting a later line: libyaml counts its column
    "a: 1\n\ufeffb: 2\n",
    "\ufeffa: 1\nb: 2\n",
    "\ufeff\n k1: 1\nk2: 2\n",  # a BOM first, then a mapping that is not at column 0
    # what a cut leaves out of every piece (the lines before a key, the key line's comment) is checked
    "a:#c\n  b: 1\n",  # no blank before '#': the line is the scalar 'a:#c', not a key
    "x: 1\na:#c\n  - 1\n",
    "a:\n  - b: 1\n    c:#x\n      d: 2\n",
    "\t# c\na:\n  b: 1\n",  # a tab before a comment
    "a:\n\t# c\n  b:\n    c: 1\n",
    "a:\n\n\t\n  - x\n",  # a tab on a blank line
    "# \x07\na:\n  b: 1\n",  # a control character in a comment
    "a: # c\x7f\n  b: 1\n",
    "a:\n  # \ufffe\n  b:\n    c: 1\n",
    "# é → ok\na:\t# c\n\n  # d\n  b:\n    - 1\n",
]


@pytest.mark.parametrize("text", CASES)
def test_edge_cases(text: str) -> None:
    assert_same(text)


_key = st.sampled_from(["a", "b", "id", "nodes", "x-y", "vfs"])
_scalar = st.sampled_from(
    ["1", "1.10", "true", "null", "~", "'q: 1'", '"d"', "v1.2.3", "-", "[1, 2]", "{k: v}", "*a", "&a 3"]
)


@st.composite
def _doc(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        key = draw(_key)
        shape = draw(st.integers(0, 3))
        if shape == 0:
            lines.append(f"{key}: {draw(_scalar)}")
        elif shape == 1:
            indent = " " * draw(st.integers(0, 3))
            lines.append(f"{key}:")
            for _ in range(draw(st.integers(1, 4))):
                lines.append(f"{indent}- {draw(_key)}: {draw(_scalar)}")
                if draw(st.booleans()):
                    lines.append(f"{indent}  {draw(_key)}: {draw(_scalar)}")
        elif shape == 2:
            lines.append(f"{key}:")
            lines.append(f"  {draw(_key)}: {draw(_scalar)}")
        else:
            lines.append(draw(st.sampled_from(["# c", "", "  # indented", "- stray", "x"])))
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None)
@given(_doc())
def test_generated_documents(text: str) -> None:
    assert_same(text)


_stray = st.sampled_from(["# c", "", "x", "- y", "\tz: 1", "'q", "]"])
_value = st.sampled_from(["1", "1.10", "true", "null", "'q: 1'", '"d"', "v1.2.3", "[1, 2]", "{k: v}", "|\n  text"])


@st.composite
def _nested_lines(draw, indent: int, depth: int) -> list[str]:
    """A block mapping at ``indent``, nested ``depth`` more levels, with an odd line now and then."""
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        pad = " " * max(0, indent + draw(st.sampled_from([0] * 15 + [-1, 1])))
        key = draw(_key)
        shape = draw(st.sampled_from([0, 0, 0, 1, 2, 3, 4, 4] if depth else [0, 0, 0, 0, 0, 1]))
        if shape == 0:
            lines.append(f"{pad}{key}: {draw(_value)}".replace("\n", "\n" + pad))
        elif shape == 1:
            lines.append(pad + " " * draw(st.integers(0, 4)) + draw(_stray))
        elif shape == 2:
            lines.append(f"{pad}{key}:")
            lines += draw(_nested_lines(indent + draw(st.integers(1, 3)), depth - 1))
        else:
            lines.append(f"{pad}{key}:")
            dash = " " * (indent + draw(st.integers(0, 3)))
            for _ in range(draw(st.integers(1, 3))):
                if shape == 3:
                    lines.append(f"{dash}- {draw(_value)}".replace("\n", "\n" + dash))
                    continue
                gap = " " * draw(st.integers(1, 3))
                inner = draw(_nested_lines(len(dash) + 1 + len(gap), depth - 1))
                lines.append(f"{dash}-{gap}{inner[0].lstrip(' ')}")
                lines += inner[1:]
    return lines


@settings(max_examples=500, deadline=None)
@given(_nested_lines(0, 3))
def test_generated_nested_documents(lines: list[str]) -> None:
    parser = ChunkedParser()
    text = "\n".join(lines) + "\n"
    assert_same(text, parser)
    assert_same(text.replace(": 1", ": 2", 1), parser)  # a revision, through the same memo


@pytest.mark.corpus
def test_every_yaml_file_of_the_real_corpora(corpora: Path) -> None:
    parser = ChunkedParser()
    checked = 0
    for path in sorted(corpora.rglob("*.y*ml")):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if text.count("\n---") or text.startswith("---"):
            continue  # multi-document files are not what the inventory loader reads
        assert_same(text, parser)
        checked += 1
    assert checked > 100
