"""The line-aware loader: positions, duplicate keys, and every way YAML can be bad."""

from __future__ import annotations

import pytest

from labbook.load.yaml import LoadError, decode, parse


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
    ("unclosed-flow", "a: [1, 2\n", "f.yaml:2:1: invalid YAML: did not find expected ',' or ']'"),
    (
        "tab-indent",
        "a:\n\t- b\n",
        "f.yaml:2:1: invalid YAML: found character that cannot start any token (while scanning for the next token) (expected well-formed YAML)",
    ),
    (
        "custom-tag",
        "a: !vault x\n",
        "f.yaml:1:4: invalid YAML: could not determine a constructor for the tag '!vault' (expected well-formed YAML)",
    ),
    (
        "unhashable-key",
        "? [a]\n: 1\n",
        "f.yaml:1:3: invalid YAML: found a key that cannot be used (expected a plain scalar key)",
    ),
    (
        "nul-byte",
        "a: 1\nb: \x00\n",
        "f.yaml:2:4: control character U+0000 is not allowed in YAML (expected printable text)",
    ),
    ("bad-indent", "a:\n  b: 1\n c: 2\n", "f.yaml:3:2: invalid YAML: did not find expected key"),
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


def test_utf8_bom_is_accepted() -> None:
    assert parse("f.yaml", decode("f.yaml", b"\xef\xbb\xbfa: 1\n")) == {"a": 1}
