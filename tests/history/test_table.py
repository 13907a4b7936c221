"""The history's commit table: what it builds from its columns is what validation builds, and a frame
is taken only with the layout the cache writes."""

from __future__ import annotations

import copy
import datetime as dt
import marshal
import pickle

import pytest

from labbook.history.table import COLUMNS, Table, check
from labbook.models.history import Change, CommitRef, HistoryWarning, trusted_maker

SHA = "a" * 40
REF = {
    "sha": SHA,
    "date": dt.datetime(2025, 12, 7, 9, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    "author": "Ada Lab",
    "message": "fix, cilium 1.18.4",
}
CHANGE = {
    "subject": "component/cilium",
    "action": "changed",
    "field": "version kube-system/cilium",
    "before": "1.18.3",
    "after": "1.18.4",
    "summary": "Cilium: cilium 1.18.3 → 1.18.4",
    "refs": ["cilium"],
    "origin": "inventory",
    "path": "inventory/platform.yaml",
}


def _frame(**columns: list) -> tuple[list, ...]:
    row = {
        "sha": SHA,
        "parents": ("b" * 40,),
        "time": 1765094400,
        "offset": 60,
        "author": "Ada Lab",
        "message": "fix, cilium 1.18.4",
        "boundary": False,
        "files": {"inventory/platform.yaml": "c" * 40},
        "changes": [
            tuple(CHANGE[k] for k in ("subject", "action", "field", "before", "after", "summary", "refs", "path"))
        ],
    }
    return tuple(columns.get(name, [row[name]]) for name in COLUMNS)


@pytest.mark.parametrize(
    "model, values",
    [
        (CommitRef, REF),
        (Change, {**CHANGE, "commit": CommitRef(**REF)}),
        (HistoryWarning, {"origin": "flux", "path": "a.yaml", "commit": SHA, "message": "x"}),
    ],
)
def test_a_trusted_instance_is_the_validated_one(model, values) -> None:
    made, twin = trusted_maker(model)([dict(values), dict(values)])  # made a pass at a time: each one whole
    assert twin == made and twin is not made and twin.__dict__ is not made.__dict__
    valid = model.model_validate(values)
    assert made == valid
    if model is not Change:  # a change holds a list (its refs): no hash either way
        assert hash(made) == hash(valid)
    assert made.model_dump_json() == valid.model_dump_json() and repr(made) == repr(valid)
    assert made.model_fields_set == valid.model_fields_set == model.model_construct(**values).model_fields_set
    assert (made.__pydantic_extra__, made.__pydantic_private__) == (valid.__pydantic_extra__, None)
    assert copy.deepcopy(made) == pickle.loads(pickle.dumps(made)) == valid
    with pytest.raises(Exception, match="frozen"):
        made.sha = "x"  # type: ignore[misc,attr-defined]


def test_the_table_builds_the_changes_and_commit_of_its_rows() -> None:
    table = Table.of("inventory", [_frame()])
    assert table is not None and check(table.columns)
    rows, (built,) = table.changes()
    assert rows == [0]
    valid = Change(**CHANGE, commit=CommitRef(**REF))
    assert built == [valid] and repr(built[0]) == repr(valid)
    assert built[0].model_fields_set == valid.model_fields_set and built[0].model_dump_json() == valid.model_dump_json()
    assert (built[0].__pydantic_extra__, built[0].__pydantic_private__) == (None, None)
    assert built[0].commit is table.ref(0)  # one commit ref per row
    assert table.day(SHA) == dt.date(2025, 12, 7) and table.parents(SHA) == ("b" * 40,)
    _, (owned,) = table.changes(lambda subject: ["cilium", "hubble"])
    assert owned[0].refs == ["cilium", "hubble"] and built[0].refs == ["cilium"]
    assert table.changes()[1][0] is built  # built once


def test_a_frame_round_trips_through_marshal() -> None:
    frame = _frame()
    assert check(marshal.loads(marshal.dumps(frame)))


@pytest.mark.parametrize(
    "columns",
    [
        {"sha": [1]},
        {"sha": [SHA, SHA]},
        {"parents": [["b" * 40]]},
        {"parents": [(None,)]},
        {"time": [1.5]},
        {"time": [False]},
        {"offset": ["60"]},
        {"boundary": [1]},
        {"author": [None]},
        {"message": [b"x"]},
        {"files": [{"a.yaml": None}]},
        {"files": [{1: "x"}]},
        {"files": [[("a.yaml", "x")]]},
        {"changes": [(("node/x",),)]},
        {"changes": [[("node/x", "added", None, None, None, "x", [], "h.yaml", "extra")]]},
        {"changes": [[("node/x", "grown", None, None, None, "x", [], "h.yaml")]]},
        {"changes": [[("node/x", "added", 1, None, None, "x", [], "h.yaml")]]},
        {"changes": [[("node/x", "added", None, None, None, "x", ("x",), "h.yaml")]]},
        {"changes": [[("node/x", "added", None, None, None, "x", [None], "h.yaml")]]},
        {"changes": [[("node/x", "added", None, None, None, None, [], "h.yaml")]]},
    ],
    ids=repr,
)
def test_a_frame_with_anything_else_is_refused(columns) -> None:
    assert not check(_frame(**columns))


def test_only_a_tuple_of_every_column_is_a_frame() -> None:
    frame = _frame()
    assert not check(list(frame)) and not check(frame[:-1]) and not check((*frame[:-1], tuple(frame[-1])))
