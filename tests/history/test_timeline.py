"""The timeline of the scenario repository: bumps, a folder rename, a merge, a removed node, a capability
status change and a revision that does not parse, asserted exactly."""

from __future__ import annotations

import datetime as dt

from labbook.history import read_history
from labbook.load.inventory import load_inventory
from labbook.models.journal import FrontMatter, Journal, JournalEntry
from labbook.render import history as render


def _timeline(scenario):
    return read_history(scenario.root / "inventory", cache_dir=False)


def test_timeline_text(scenario, golden) -> None:
    timeline = _timeline(scenario)
    (status,) = timeline.history.repos
    assert (status.status, status.commits, status.parsed) == ("ok", 10, 10)
    golden("history/scenario.txt", render.text(timeline.history))


def test_merge_and_rename_add_no_changes_of_their_own(scenario) -> None:
    by_message = {}
    for c in _timeline(scenario).history.changes:
        by_message.setdefault(c.commit.message, []).append(c)
    assert "merge gpu" not in by_message
    assert "move the inventory to the top" not in by_message
    (bump,) = by_message["device plugin 0.18.0"]
    assert (bump.subject, bump.field, bump.before, bump.after) == (
        "component/nvidia-device-plugin",
        "version nvidia-device-plugin/nvidia-device-plugin",
        "0.17.0",
        "0.18.0",
    )
    (cilium,) = by_message["cilium 1.18.3"]
    assert cilium.commit.author == "Bo Ops"
    assert cilium.path == "docs/inventory/platform.yaml"  # read from where the file was then


def test_unparseable_revision_is_one_warning_and_facts_carry_over(scenario) -> None:
    history = _timeline(scenario).history
    (warning,) = history.warnings
    assert warning.path == "inventory/platform.yaml"
    assert warning.message.startswith("inventory/platform.yaml:1:13: a '[' that is not closed")
    fixed = [c for c in history.changes if c.commit.message == "fix, cilium 1.18.4"]
    assert [c.summary for c in fixed] == ["Cilium: cilium 1.18.3 → 1.18.4"]


def test_as_of_and_since(scenario, golden) -> None:
    timeline = _timeline(scenario)
    as_of = timeline.as_of(dt.date(2025, 11, 13), ["nvidia-device-plugin", "spark-a"])
    assert as_of.commit is not None and as_of.commit.message == "move the inventory to the top"
    assert (
        as_of.facts["component/nvidia-device-plugin"]["version nvidia-device-plugin/nvidia-device-plugin"] == "0.17.0"
    )
    # written on the 13th against 0.17.0: the branch commit of the 12th was merged on the 20th, after it
    assert [c.summary for c in as_of.since] == [
        "NVIDIA device plugin: nvidia-device-plugin 0.17.0 → 0.18.0",
        "SR-IOV on spark-a: VFs 4 → 8",
    ]
    golden("history/entry-box.md", render.entry_box(as_of, "journal/posts/2025-11-13-gpu.md"))
    sha, facts = timeline.facts_on(dt.date(2025, 12, 2))
    assert sha is not None and "node/old-pc" not in facts and facts["sriov/spark-a"]["VFs"] == "8"
    before = timeline.as_of(dt.date(2025, 9, 1), ["cilium"])
    assert before.commit is None and before.facts == {}
    golden("history/entry-box-before.md", render.entry_box(before, "journal/posts/2025-09-01-x.md"))


def test_changes_page(scenario, golden) -> None:
    entry = JournalEntry(
        path="journal/2025-11-13-gpu.md",
        slug="gpu",
        front=FrontMatter(title="GPUs in pods", date=dt.date(2025, 11, 13), related=["nvidia-device-plugin"]),
        body_line=5,
    )
    journal = Journal(entries=[entry])
    inventory = load_inventory(scenario.root / "inventory")
    page = render.changes_page(_timeline(scenario).history, inventory, journal)
    golden("history/changes-page.md", page)
    assert "[Cilium](platform.md#cilium)" in page  # a component links its Platform section
    assert "[spark-a](infrastructure/hardware.md#spark-a)" in page
    assert " · old-pc\n" in page  # a node gone from today's inventory is named, not linked


def test_draft_from_changes(scenario, golden) -> None:
    timeline = _timeline(scenario)
    body, related = render.draft(timeline.since(dt.date(2025, 11, 13)))
    assert related == ["nvidia-device-plugin", "spark-a", "old-pc", "cilium"]
    golden("history/draft.md", body)
