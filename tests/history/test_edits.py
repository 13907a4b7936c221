"""A revision built from the previous one by edits.py is exactly the whole-text parse, or is not built at all.

Whatever ``OneLineEdits.edited`` returns must equal :func:`labbook.load.yaml.parse` of the whole new text
(``==`` and the same type at every leaf; a LocatedDict is a dict), and it must return None when that parse
fails: over random sequences of edits of the real inventory and of generated documents (``edit_sequences.py``
feeds every revision four ways), on hand-written look-alike lines, and on the plain edits it exists for. The
``taken``/``indexed`` counters behave as documented.
"""

from __future__ import annotations

import marshal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labbook.history import edits as edits_module
from labbook.history.chunks import ChunkedParser
from labbook.history.edits import INDEX_COST, OneLineEdits
from labbook.load.yaml import LoadError, parse
from tests.conftest import ROOT
from tests.history.edit_sequences import (
    COMMENTS,
    GOOD,
    KV,
    Drivers,
    assert_same_tree,
    document,
    dressed,
    sequence,
    whole,
)

INVENTORY = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "inventory").glob("*.yaml"))}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(INVENTORY)), st.data())
def test_random_edit_sequences_on_the_real_inventory(name: str, data: st.DataObject) -> None:
    """Any sequence of edits of a real inventory file: every edit built is the whole-text parse."""
    sequence(data, dressed(data.draw, INVENTORY[name]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document(), st.data())
def test_random_edit_sequences_on_generated_documents(text: str, data: st.DataObject) -> None:
    """Any sequence of edits of a document full of look-alike lines: every edit built is the whole-text parse."""
    sequence(data, dressed(data.draw, text))


@pytest.mark.parametrize("name", sorted(INVENTORY))
def test_every_value_line_of_the_real_inventory_in_turn(name: str) -> None:
    """Every `key: value` line of a real file gets a value of another kind in turn; every plain leaf is taken."""
    drivers, lines, taken, leaves = Drivers(), INVENTORY[name].split("\n"), 0, 0
    drivers.feed(INVENTORY[name])
    for i, line in enumerate(lines):
        m = KV.match(line)
        edited = m and m.group(2) and f"{m.group(1)}: {GOOD[i % len(GOOD)]}{COMMENTS[i % 5]}"
        if not edited or edited == line:
            continue
        text = "\n".join([*lines[:i], edited, *lines[i + 1 :]])
        taken += drivers.feed(text)
        leaves += bool(edits_module._LINE.fullmatch(line))
        if not isinstance(whole(text), LoadError):
            lines[i] = edited  # the next revision edits this one (a block scalar's header is not replaced)
    assert taken == leaves > 0  # the shortcut really is exercised, on every line it is meant for


# Hand-written traps: (previous revision, next revision). `edited` may decline; it may not be wrong.
TRAPS = {
    "literal block scalar": ("a: |\n  k: v\nb: 1\n", "a: |\n  k: w\nb: 1\n"),
    "folded block scalar": ("a: >\n  k: v\n\n  j: 1\nb: 1\n", "a: >\n  k: 2\n\n  j: 1\nb: 1\n"),
    "block scalar with indentation indicator": ("a: |2\n   k: v\n", "a: |2\n   k: on\n"),
    "plain scalar continued": ("a: x\n  y\nb: 1\n", "a: z\n  y\nb: 1\n"),
    "plain scalar continued after a quoted one": ("a: 'x'\n  # c\n", "a: x\n  # c\n"),
    "double-quoted over lines": ('a: "s\n  k: v\n  e"\n', 'a: "s\n  k: w\n  e"\n'),
    "double-quoted over lines at column 0": ('a: "s\nk: v\ne"\n', 'a: "s\nk: 1\ne"\n'),
    "single-quoted over lines": ("a: 's\n  k: v\n  e'\n", "a: 's\n  k: w\n  e'\n"),
    "flow mapping over lines": ("a: {\n  k: v\n  }\n", "a: {\n  k: 1\n  }\n"),
    "flow mapping with a leading comma": ("a: {x: 1\n  , k: v\n  , j: w\n  }\n", "a: {x: 1\n  , k: v\n  , j: 2\n  }\n"),
    "flow sequence of a pair": ("a: [\n  k: v\n  ]\n", "a: [\n  k: yes\n  ]\n"),
    "alias of a mapping": ("a: &x\n  k: v\nb: *x\n", "a: &x\n  k: w\nb: *x\n"),
    "merge key": ("a: &x\n  k: v\nb:\n  <<: *x\n  j: 1\n", "a: &x\n  k: w\nb:\n  <<: *x\n  j: 1\n"),
    "merge key, own key edited": ("a: &x\n  k: v\nb:\n  <<: *x\n  j: 1\n", "a: &x\n  k: v\nb:\n  <<: *x\n  j: 2\n"),
    "!!omap": ("o: !!omap\n  - k:\n      j: 1\n", "o: !!omap\n  - k:\n      j: 2\n"),
    "!!pairs": ("o: !!pairs\n  - k:\n      j: 1\n", "o: !!pairs\n  - k:\n      j: 2\n"),
    "!!set": ("s: !!set\n  k: 1\n", "s: !!set\n  k: 2\n"),
    "!!omap holding an anchor": (
        "o: !!omap\n  - k: &x\n      a: 1\nb: *x\n",
        "o: !!omap\n  - k: &x\n      a: 2\nb: *x\n",
    ),
    "alias of a mapping under key on": ("on: &x\n  a: 1\nb: *x\n", "on: &x\n  a: 2\nb: *x\n"),
    "alias of a mapping under a quoted key": ("'k': &x\n  a: 1\nb: *x\n", "'k': &x\n  a: 2\nb: *x\n"),
    "alias of an item under key null": (
        "null:\n  - &x\n    a: 1\n    c: 2\nb: *x\n",
        "null:\n  - &x\n    a: 3\n    c: 2\nb: *x\n",
    ),
    "duplicate key made by a rename": ("a: 1\nb: 2\n", "a: 1\na: 2\n"),
    "duplicate key made by a rename, nested": ("m:\n  a: 1\n  b: 2\n", "m:\n  a: 1\n  a: 1\n"),
    "document markers": ("---\na: 1\n...\n", "---\na: 2\n...\n"),
    "directive": ("%YAML 1.1\n---\na: 1\n", "%YAML 1.1\n---\na: 2\n"),
    "two documents": ("a: 1\n---\nb: 2\n", "a: 1\n---\nb: 3\n"),
    "a second document appears": ("a: 1\nb: 2\n", "a: 1\n---: 2\n"),
    "CRLF": ("a: 1\r\nb: 2\r\n", "a: 1\r\nb: 3\r\n"),
    "lone CR": ("a: 1\rb: 2\nc: 3\n", "a: 1\rb: 2\nc: 4\n"),
    "CR in a new comment": ("a: 1\nb: 2\n", "a: 1 # c\rb: 3\nb: 2\n"),
    "NEL in a new comment": ("a: 1\nb: 2\n", "a: 1 # c\x85b: 3\nb: 2\n"),
    "NEL in an old comment": ("a: 1 # c\x85\nb: 2\n", "a: 1 # c\x85\nb: 3\n"),
    "LS in an old comment": ("a: 1 # c\u2028\nb: 2\n", "a: 2 # c\u2028\nb: 2\n"),
    "PS in a new comment": ("a: 1\nb: 2\n", "a: 1 # \u2029b: 3\nb: 2\n"),
    "tab before a comment": ("a: 1\t# c\nb: 2\n", "a: 2\t# c\nb: 2\n"),
    "tab indentation": ("a:\n  k: 1\n", "a:\n\tk: 2\n"),
    "BOM, first line": ("\ufeffa: 1\nb: 2\n", "\ufeffa: 2\nb: 2\n"),
    "BOM, second line": ("\ufeffa: 1\nb: 2\n", "\ufeffa: 1\nb: 3\n"),
    "no final line break": ("a: 1\nb: 2", "a: 1\nb: 3"),
    "one line, no line break": ("a: 1", "a: x"),
    "bell in a comment": ("a: 1 # c\n", "a: 1 # c\x07\n"),
    "DEL in a comment": ("a: 1 # c\n", "a: 2 # \x7f\n"),
    "non-character in a comment": ("a: 1 # c\n", "a: 2 # \ufffe\n"),
    "NUL in a comment": ("a: 1 # c\n", "a: 2 # \x00\n"),
    "key on": ("on: 1\n", "on: 2\n"),
    "key on, nested": ("a:\n  on: 1\n  b: 1\n", "a:\n  on: 2\n  b: 1\n"),
    "key null": ("null: x\n", "null: y\n"),
    "key 1": ("1: x\n", "1: y\n"),
    "under key yes": ("yes:\n  k: v\n", "yes:\n  k: w\n"),
    "quoted key": ("'k': 1\n\"j\": 2\n", "'k': 2\n\"j\": 3\n"),
    "explicit key": ("? a\n: 1\nb: 2\n", "? a\n: 1\nb: 3\n"),
    "value becomes a:b": ("k: a\n", "k: a:b\n"),
    "value becomes a flow sequence": ("k: a\n", "k: [a]\n"),
    "value gets an anchor": ("k: a\nj: b\n", "k: &x a\nj: b\n"),
    "value becomes an alias": ("k: &x a\nj: b\n", "k: &x a\nj: *x\n"),
    "value gets a tag": ("k: a\n", "k: !!str 1\n"),
    "value gets a hash": ("k: a\n", "k: a#b\n"),
    "value becomes a block scalar": ("k: a\nj: b\n", "k: |\nj: b\n"),
    "value becomes two words": ("k: a\n", "k: a b\n"),
    "value becomes empty": ("k: a\nj: b\n", "k:\nj: b\n"),
    "value opens a quote": ("k: a\nj: b\n", "k: 'a\nj: b\n"),
    "value continues on the next line": ("k: a\n  b\nj: c\n", "k: x\n  b\nj: c\n"),
    "comment removed above a continuation": ("a: x # c\nb: y\n", "a: x\nb: y\n"),
    "key indented": ("a:\n  k: 1\n", "a:\n   k: 2\n"),
    "item mapping": ("- a: 1\n  b: 2\n", "- a: 1\n  b: 3\n"),
    "two lines at once": ("a: 1\nb:\n  c: 2\nd: 3\n", "a: x\nb:\n  c: 2\nd: on\n"),
    "two lines swapped": ("x:\n  k: 1\ny:\n  k: 2\n", "x:\n  k: 2\ny:\n  k: 1\n"),
    "line moved": ("a: 1\nb: 2\nc: 3\n", "b: 2\na: 1\nc: 3\n"),
    "previous revision does not parse": ("a: 1\na: 2\n", "a: 1\na: 3\n"),
}


@pytest.mark.parametrize("old, new", TRAPS.values(), ids=TRAPS.keys())
def test_trap(old: str, new: str) -> None:
    """A line that looks like `key: value` without being a plain leaf of the parse: declined, or built right."""
    drivers = Drivers()
    drivers.feed(old)
    drivers.feed(new)
    drivers.feed(old)  # and back


TAKEN = {
    "a bump": ("a:\n  version: 1.18.4\n", "a:\n  version: 1.18.5\n", {"a": {"version": "1.18.5"}}),
    "to an int": ("a: x\n", "a: 8\n", {"a": 8}),
    "to a quoted int": ("a: 8\n", "a: '8'\n", {"a": "8"}),
    "to a bool": ("a: x\n", "a: on\n", {"a": True}),
    "to null": ("a: x\n", "a: null\n", {"a": None}),
    "to a float": ("a: x\n", "a: 1.5\n", {"a": 1.5}),
    "to a date": ("a: x\n", "a: 2025-01-01\n", {"a": parse("d", "d: 2025-01-01")["d"]}),
    "to a date that is not one": ("a: x\n", "a: 2025-02-30\n", {"a": parse("d", "d: 2025-02-30")["d"]}),
    "with a comment": ("a: x # c\n", "a: y  # d: e\n", {"a": "y"}),
    "in a flow mapping": ("a: {\n  k: v\n  }\n", "a: {\n  k: 1\n  }\n", {"a": {"k": 1}}),
    "several lines": (
        "a: 1\nb:\n  - c: 2\n    d: 3\n",
        "a: 2\nb:\n  - c: 2\n    d: x\n",
        {"a": 2, "b": [{"c": 2, "d": "x"}]},
    ),
    "no final line break": ("a: 1\nb: 2", "a: 1\nb: 3", {"a": 1, "b": 3}),
}


@pytest.mark.parametrize("old, new, tree", TAKEN.values(), ids=TAKEN.keys())
def test_taken(old: str, new: str, tree: Any) -> None:
    """A plain value edit of a mapping leaf is built as an edit, and is the parse."""
    edits = OneLineEdits()
    edits.remember(old, parse("f.yaml", old))
    got = edits.edited(new)
    assert got is not None and edits.taken == 1 and edits.indexed == 1
    assert_same_tree(got, tree)
    assert_same_tree(got, parse("f.yaml", new))


def _bumps(count: int) -> list[str]:
    text = INVENTORY["platform.yaml"]
    assert "version: 1.18.4" in text
    return [text.replace("version: 1.18.4", f"version: 1.18.{5 + i}", 1) for i in range(count)]


def test_nothing_remembered_or_nothing_changed_is_not_an_edit() -> None:
    """No previous revision, or the same text again: None, nothing counted."""
    edits = OneLineEdits()
    assert edits.edited("a: 1\n") is None
    edits.remember("a: 1\n", parse("f.yaml", "a: 1\n"))
    assert edits.edited("a: 1\n") is None
    assert (edits.taken, edits.indexed) == (0, 0)


def test_a_run_of_bumps_builds_one_index_and_parses_nothing() -> None:
    """Chart bumps one after the other: every one taken, one index, no piece parsed after the first revision."""
    parser = ChunkedParser()
    parser.parse("platform.yaml", INVENTORY["platform.yaml"])
    parsed = parser.parsed
    for text in _bumps(30):
        assert_same_tree(parser.parse("platform.yaml", text), parse("f.yaml", text))
    assert (parser.edits.taken, parser.edits.indexed, parser.parsed) == (30, 1, parsed)


def test_index_builds_stay_bounded_when_the_structure_keeps_changing() -> None:
    """A line added before every bump: indexes cost at most what parsing every revision would (plus the free one)."""
    parser, fed, bumps = ChunkedParser(), 0, _bumps(101)
    for i in range(100):
        prefix = f"# revision {i}\n" * (i % 2 + 1)  # one line more or less than the revision before
        for revision in (prefix + bumps[i], prefix + bumps[i + 1]):
            assert_same_tree(parser.parse("platform.yaml", revision), parse("f.yaml", revision))
            fed += 1
    edits = parser.edits
    assert edits.indexed * INDEX_COST <= INDEX_COST + fed
    assert edits.indexed >= 2  # the budget does pay for an index again, now and then
    assert edits.taken == edits.indexed  # a bump is taken exactly when its index was built


def test_a_structural_change_after_many_bumps_still_takes_the_next_bump() -> None:
    """Bumps taken before pay for the index a structural change makes necessary."""
    parser = ChunkedParser()
    texts = _bumps(22)
    for text in texts[:20]:
        parser.parse("platform.yaml", text)
    parser.parse("platform.yaml", "# a line added\n" + texts[20])
    assert parser.edits.indexed == 1
    parser.parse("platform.yaml", "# a line added\n" + texts[21])
    assert (parser.edits.taken, parser.edits.indexed) == (20, 2)


@pytest.mark.parametrize(
    "tree",
    [{"a": {"c": "1"}}, {"a": ["1"]}, {"a": "1"}, ["1"]],
    ids=["a key missing", "a list where a mapping was", "a scalar where a mapping was", "a list at the top"],
)
def test_a_restored_parse_that_is_not_its_texts_declines_the_edit(tree: Any) -> None:
    """The cache's CRC vouches that a restored parse is the text's; when it is not (a writer's bug, a
    file made by hand), an edit whose path is not there is declined, never an exception."""
    saved = {"text": "a:\n  b: 1\n", "tree": tree, "index": [[2, ["a", "b"]]]}
    edits = OneLineEdits()
    edits.restore(saved)
    assert edits.edited("a:\n  b: 2\n") is None


@pytest.mark.parametrize(
    "saved, shaped",
    [
        ({"text": "a:\n  b: 1\n", "tree": {"a": {"b": 1}}, "index": [[2, ["a", "b"]]]}, True),
        ({"text": "a:\n  b: 1\n", "tree": {"a": {"b": 1}}, "index": None}, True),
        ({"text": "a:\n  b: 1\n", "tree": {"a": {"b": 1}}, "index": [[2, ("a", "b")]]}, False),
        ({"text": "a:\n  b: 1\n", "tree": {"a": {"b": 1}}, "index": [["2", ["a", "b"]]]}, False),
        ({"text": "a:\n  b: 1\n", "tree": {"a": {"b": 1}}, "index": [[2, ["a", 1.5]]]}, False),
        ({"text": "a:\n  b: 1\n", "tree": {"a": {"b": 1}}, "index": [[2]]}, False),
        ({"text": b"a:\n  b: 1\n", "tree": {"a": {"b": 1}}, "index": None}, False),
        ({"text": "a:\n  b: 1\n"}, False),
        ("a:\n  b: 1\n", False),
    ],
)
def test_a_restored_revision_is_taken_when_first_needed_and_exported_as_it_came(saved: Any, shaped: bool) -> None:
    """A run usually changes one file: the others' remembered revisions go back to the cache as they
    came (the same bytes, not loaded), and a revision without the shape is ignored when it is used."""
    blob = marshal.dumps(saved)
    untouched = OneLineEdits()
    untouched.restore(blob)
    assert untouched.export() is blob
    used = OneLineEdits()
    used.restore(blob)
    edited = used.edited("a:\n  b: 2\n")
    if shaped:
        assert edited == {"a": {"b": 2}}
        exported = used.export()
        assert exported is not None
        assert marshal.loads(exported) == {"text": "a:\n  b: 2\n", "tree": edited, "index": [[2, ["a", "b"]]]}
    else:
        assert edited is None and used.export() is None


def test_remembered_bytes_that_do_not_load_are_ignored() -> None:
    edits = OneLineEdits()
    edits.restore(b"\xff not marshal")
    assert edits.edited("a:\n  b: 2\n") is None and edits.export() is None
