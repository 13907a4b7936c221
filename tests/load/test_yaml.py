"""The line-aware loader: positions, duplicate keys, and every way YAML can be bad."""

from __future__ import annotations

import pytest

from labbook.load.yaml import LoadError, decode, load_yaml, parse


def test_marks_are_one_based_for_keys_values_and_items() -> None:
    tree = parse("f.yaml", "a: 1\nb:\n  - c: 2\n    d: [1, 2]\n")
    assert tree == {"a": 1, "b": [{"c": 2, "d": [1, 2]}]}
    assert tree.key_marks == {"a": (1, 1), "b": (2, 1)}
    assert tree.value_marks["a"] == (1, 4)
    assert tree["b"].item_marks == [(3, 5)]
    assert tree["b"][0].key_marks == {"c": (3, 5), "d": (4, 5)}
    assert tree["b"][0]["d"].item_marks == [(4, 9), (4, 12)]


def test_line_offset_shifts_errors_for_embedded_yaml() -> None:
    with pytest.raises(LoadError) as exc:
        parse("post.md", "title: x\ntitle: y\n", line_offset=1)
    assert (
        str(exc.value)
        == "post.md:3:1: duplicate key 'title', first defined on line 2 (expected each key once per mapping)"
    )


def test_merge_keys_still_work() -> None:
    tree = parse("f.yaml", "base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n")
    assert tree["derived"] == {"x": 1, "y": 2}


BAD = [
    (
        "dup-key",
        "a: 1\nb: 2\na: 3\n",
        "f.yaml:3:1: duplicate key 'a', first defined on line 1 (expected each key once per mapping)",
    ),
    (
        "unclosed-flow",
        "a: [1, 2\n",
        "f.yaml:1:4: a '[' that is not closed (expected ',' between items and ']' before line 2); "
        "hint: quote values that contain ',', '[' or ']'",
    ),
    (
        "tab-indent",
        "a:\n\t- b\n",
        "f.yaml:2:1: a tab character (expected spaces: YAML is indented with spaces only); hint: replace tabs with spaces",
    ),
    (
        "custom-tag",
        "a: !vault x\n",
        "f.yaml:1:4: unknown tag !vault (expected plain values; quote it if '!' is text)",
    ),
    ("unhashable-key", "? [a]\n: 1\n", "f.yaml:1:3: found a key that cannot be used (expected a plain scalar key)"),
    (
        "nul-byte",
        "a: 1\nb: \x00\n",
        "f.yaml:2:4: control character U+0000 is not allowed in YAML (expected printable text); "
        "hint: delete it, or write it as an escape inside double quotes",
    ),
    (
        "bad-indent",
        "a:\n  b: 1\n c: 2\n",
        "f.yaml:3:2: this line is not aligned with the keys of its mapping (expected the indentation of the mapping "
        "that starts on line 1); hint: indent every key of one mapping by the same number of spaces",
    ),
    (
        "colon-in-value",
        "title: Test: with colon\n",
        "f.yaml:1:12: a ': ' inside an unquoted value (expected the whole value in quotes); "
        'hint: write title: "Test: with colon"',
    ),
    (
        "colon-in-list-item",
        "notes:\n  - mode: KRaft: no ZooKeeper  # why\n",
        "f.yaml:2:16: a ': ' inside an unquoted value (expected the whole value in quotes); "
        'hint: write mode: "KRaft: no ZooKeeper"',
    ),
    (
        "key-under-a-value",
        "a: 1\n  b: 2\n",
        "f.yaml:2:4: this key is indented under a line that already has a value (expected it aligned with the keys "
        "above); hint: indent it like its sibling keys, or move the value above onto its own indented lines",
    ),
    (
        "list-item-without-dash",
        "tags:\n  - a\n  b\n",
        "f.yaml:3:3: a line that is neither 'key: value' nor '- item' (expected a ':' after the key, or '- ' before a "
        "list item); hint: write '- b', like the item above",
    ),
    (
        "line-without-colon",
        "a: 1\nb\nc: 2\n",
        "f.yaml:2:1: a line that is neither 'key: value' nor '- item' (expected a ':' after the key, or '- ' before a "
        "list item); hint: check the indentation against the lines above; a value that goes on must be indented further",
    ),
    (
        "line-without-colon-after-lone-crs",
        "a: 1\r\rb",
        "f.yaml:3:1: a line that is neither 'key: value' nor '- item' (expected a ':' after the key, or '- ' before a "
        "list item); hint: check the indentation against the lines above; a value that goes on must be indented further",
    ),
    (
        "list-misaligned",
        "a:\n  - b\n  -c: d\n",
        "f.yaml:3:3: this line is not aligned with the list items above it (expected '- ' at the list's indentation); "
        "hint: start every item of one list with '- ' at the same indentation",
    ),
    ("unclosed-quote", "a: 'abc\nb: 2\n", "f.yaml:1:4: a quoted value is never closed (expected a closing ')"),
    (
        "after-quote",
        "a: 'x' y\n",
        "f.yaml:1:8: text after the closing quote (expected the whole value inside the quotes)",
    ),
    ("at-sign", "a: @home\n", "f.yaml:1:4: '@' cannot start an unquoted value (expected the value in quotes)"),
    (
        "undefined-alias",
        "a: *x\n",
        "f.yaml:1:4: '*x' refers to an anchor that is not defined (expected '&' before it, or quotes)",
    ),
    (
        "two-documents",
        "a: 1\n---\nb: 2\n",
        "f.yaml:2:1: a second YAML document starts here (expected one document: remove the '---')",
    ),
    (
        "dash-on-key-line",
        "a: - b\n",
        "f.yaml:1:4: a '- ' list on the same line as its key (expected the items on the next lines)",
    ),
]


@pytest.mark.parametrize("text,expected", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_yaml_is_one_located_line(text: str, expected: str) -> None:
    with pytest.raises(LoadError) as exc:
        parse("f.yaml", text)
    assert str(exc.value) == expected
    assert "\n" not in str(exc.value)


def test_deep_nesting_is_a_clean_error() -> None:
    with pytest.raises(LoadError) as exc:
        parse("f.yaml", "a: " + "[" * 5000 + "]" * 5000)
    assert str(exc.value).startswith("f.yaml:1:")
    assert "nest" in str(exc.value)


def test_invalid_utf8_names_line_and_column() -> None:
    with pytest.raises(LoadError) as exc:
        decode("f.yaml", b"a: 1\nb: caf\xe9\n")
    assert str(exc.value) == "f.yaml:2:7: invalid UTF-8 byte 0xe9 (expected UTF-8 text)"


def test_a_date_that_does_not_exist_stays_text_with_the_reason() -> None:
    tree = parse("f.yaml", "title: x\ndate: 2026-02-30\nok: 2026-02-28\n")
    assert tree["date"] == "2026-02-30" and tree["date"].reason == "day is out of range for month"
    assert tree.value_marks["date"] == (2, 7)
    assert tree["ok"].isoformat() == "2026-02-28"


def test_load_yaml_returns_the_problem_instead_of_raising() -> None:
    tree, problems = load_yaml("post.md", "title: [x\n", line_offset=1)
    assert tree is None
    assert [str(p) for p in problems] == [
        "post.md:2:8: a '[' that is not closed (expected ',' between items and ']' before line 3); "
        "hint: quote values that contain ',', '[' or ']'"
    ]
    assert load_yaml("f.yaml", "a: 1\n") == ({"a": 1}, [])


def test_utf8_bom_is_accepted() -> None:
    assert parse("f.yaml", decode("f.yaml", b"\xef\xbb\xbfa: 1\n")) == {"a": 1}
