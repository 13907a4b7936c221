"""The example history (examples/history/make_history.py): ends at today's inventory, and tells the story
the entry boxes are for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from labbook.history import read_history
from tests.conftest import ROOT
from tests.history.example import make_example as _make


def test_example_history(tmp_path: Path) -> None:
    repo = _make(tmp_path / "example")
    for name in ("hardware.yaml", "platform.yaml", "rdma.yaml", "site.yaml"):
        assert (repo / "inventory" / name).read_bytes() == (ROOT / "inventory" / name).read_bytes()
    timeline = read_history(repo / "inventory", cache_dir=False)
    assert timeline.history.repos[0].status == "ok" and not timeline.history.warnings
    assert {c.commit.author for c in timeline.history.changes} == {"labbook example"}
    nccl = timeline.as_of(dt.date(2025, 12, 14), ["nvidia-device-plugin", "talos-7aj-lwl"])
    plugin = nccl.facts["component/nvidia-device-plugin"]
    assert plugin["version nvidia-device-plugin/nvidia-device-plugin"] == "0.17.0"
    assert [c.summary for c in nccl.since] == ["NVIDIA device plugin: nvidia-device-plugin 0.17.0 → 0.18.0"]
    sparks = timeline.as_of(dt.date(2025, 11, 2), ["talos-7aj-lwl"])
    assert "node/talos-7aj-lwl" in sparks.facts


def test_refuses_to_replace_a_folder_it_did_not_make(tmp_path: Path) -> None:
    import pytest

    (tmp_path / "mine").mkdir()
    with pytest.raises(SystemExit, match="was not made by this script"):
        _make(tmp_path / "mine")
