"""The item-memoised validator builds exactly the model ``model_validate`` builds, or raises exactly its error."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from labbook.history.chunks import ChunkedParser
from labbook.history.kinds import SECTIONS
from labbook.history.validated import Validator
from labbook.load.yaml import parse
from tests.conftest import ROOT

EDITS = {
    "platform": [
        ("version: 1.18.4", "version: 1.18.5"),  # a bump in one component
        ("  - id: networking\n", "  - id: Networking\n"),  # a bad id in one category
        ("        namespace: kube-system\n", ""),  # a required field gone
        ("        url: https://cilium.io\n", "        url: https://cilium.io\n        colour: blue\n"),  # unknown key
        ("version: 1.18.4", "version: 1.18.4"),  # unchanged: every item from the memo
    ],
    "hardware": [
        ("gb: 128", "gb: 96"),
        ("gb: 128", "gb: -1"),
        ("arch: arm64", "arch: riscv"),
    ],
    "rdma": [
        ("vfs: 4", "vfs: 8"),
        ("vfs: 4", "vfs: many"),
        ("status: working", "status: partial"),
        ("status: working", "status: unknown"),
    ],
}


def _outcome(fn, model, tree):
    try:
        return "ok", fn(model, tree)
    except ValidationError as exc:
        return "error", exc.errors(include_url=False)


@pytest.mark.parametrize("section", sorted(EDITS))
def test_same_model_or_same_error_on_real_revisions(section: str) -> None:
    model = SECTIONS[section][0]
    parser, validator = ChunkedParser(), Validator()
    text = (ROOT / "inventory" / f"{section}.yaml").read_text(encoding="utf-8")
    revisions = [text] + [text.replace(old, new, 1) for old, new in EDITS[section]]
    assert len(set(revisions)) > 2  # the edits really apply to today's inventory
    outcomes = set()
    for revision in revisions:
        whole = _outcome(lambda m, t: m.model_validate(t), model, parse("f.yaml", revision))
        memo = _outcome(validator.validate, model, parser.parse("f.yaml", revision))
        assert memo == whole
        outcomes.add(whole[0])
    assert outcomes == {"ok", "error"}


def test_an_unchanged_item_is_not_validated_again() -> None:
    model = SECTIONS["platform"][0]
    parser, validator = ChunkedParser(), Validator()
    text = (ROOT / "inventory" / "platform.yaml").read_text(encoding="utf-8")
    first = validator.validate(model, parser.parse("f.yaml", text))
    before = validator.validated
    bumped = validator.validate(model, parser.parse("f.yaml", text.replace("version: 1.18.4", "version: 1.18.5", 1)))
    # the platform, the one category and the one component that hold the bumped line
    assert validator.validated - before == 3
    assert bumped != first
    assert [c for c in bumped.components if c.id != "cilium"] == [c for c in first.components if c.id != "cilium"]
