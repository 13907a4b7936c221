"""The example history (``examples/history/make_history.py``), built for a test into a folder of its own."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tests.conftest import ROOT
from tests.history.gitrepo import need_git


def make_example(out: Path) -> Path:
    """Build the example history at ``out`` (its repository; the inventory is ``out/inventory``)."""
    need_git()
    spec = importlib.util.spec_from_file_location("make_history", ROOT / "examples" / "history" / "make_history.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build(out)


def history_config(folder: Path, example: Path) -> Path:
    """A ``labbook.yaml`` in ``folder`` whose ``history:`` is the example at ``example``."""
    config = folder / "labbook.yaml"
    config.write_text(f"history:\n  inventory: {(example / 'inventory').as_posix()}\n  flux: false\n", encoding="utf-8")
    return config
