"""The history's commit table: what it builds from its columns is what validation builds, and a frame
is taken only with the layout the cache writes."""

from __future__ import annotations

import copy
import datetime as dt
import marshal
import pickle

import pytest

from labbook.history.layout import COLUMNS, LAZY, check, packed, shaped
from labbook.history.table import Table
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


def _two_rows() -> tuple[list, ...]:
    second = "c" * 40
    frame = _frame()
    extra = _frame(sha=[second], parents=[(SHA,)], files=[{"inventory/platform.yaml": "d" * 40}], changes=[[]])
    return tuple(a + b for a, b in zip(frame, extra, strict=True))


def test_parents_and_files_stay_marshalled_until_asked_for() -> None:
    """The columns of LAZY load when a commit's parents or files are first asked for, or when the table
    must be whole (commits dropped, the log written again), never for the changes or a new frame."""
    plain = _two_rows()

    def frames() -> list[tuple]:  # Table.of extends the first frame's lists: a new one each time
        return [packed(tuple(col[:1] for col in plain)), packed(tuple(col[1:] for col in plain))]

    assert shaped(frames()[0]) and {type(col) for col in frames()[0]} == {list, bytes}
    table = Table.of("inventory", frames())
    assert table is not None and sorted(table._pending) == sorted(LAZY)
    rows, built = table.changes()
    assert rows == [0] and built[0][0].commit.sha == SHA and sorted(table._pending) == sorted(LAZY)
    assert table.frame(2) == tuple([] for _ in COLUMNS) and sorted(table._pending) == sorted(LAZY)
    assert table.parents("c" * 40) == (SHA,) and table.parents(SHA) == ("b" * 40,)
    assert sorted(table._pending) == [COLUMNS.index("files")]
    assert table.files("c" * 40) == {"inventory/platform.yaml": "d" * 40} and not table._pending
    again = Table.of("inventory", frames())
    assert again is not None
    assert again.frame()[:8] == plain[:8] and not again._pending  # written again whole: loaded first
    kept = Table.of("inventory", frames())
    assert kept is not None
    kept.keep({"c" * 40})
    assert kept.columns[1] == [(SHA,)] and kept.files("c" * 40) == plain[7][1]


def test_a_marshalled_column_that_is_not_its_frames_gives_no_answer_not_a_wrong_one() -> None:
    """Bytes vouched for by the CRC were checked before they were written; if a column of LAZY still
    holds anything else (a log made by hand), its rows have no parents or files, and nothing raises."""
    frame = list(packed(_two_rows()))
    frame[COLUMNS.index("parents")] = marshal.dumps([("b" * 40,)])  # one row for two
    table = Table.of("inventory", [tuple(frame)])
    assert table is not None
    assert table.parents(SHA) == () and table.files(SHA) == {"inventory/platform.yaml": "c" * 40}
    assert [p for sha in table.columns[0] for p in table.parents(sha)] == []  # a walk over them ends
