"""Golden files for every rendered table, list and diagram of the example inventory.

Regenerate on purpose with ``pytest tests/render --update-goldens`` and review the diff.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from labbook.render import capabilities, diagrams, journal, pages, platform, rdma, tables
from labbook.site.settings import read_config
from tests.conftest import ROOT
from tests.render.helpers import example

CASES: list[tuple[str, Callable[[], str]]] = [
    ("home-site-header.md", lambda: tables.site_header(example()[0])),
    ("home-hardware-table.md", lambda: tables.hardware_table(example()[0])),
    ("home-totals-line.md", lambda: tables.totals_line(example()[0])),
    ("home-design-choices.md", lambda: tables.design_choices(example()[0])),
    ("home-link-sentences.md", lambda: tables.link_sentences(example()[0])),
    ("home-whats-running.md", lambda: tables.whats_running(example()[0])),
    ("home-recent.md", lambda: journal.recent(example()[1], 5)),
    ("hardware-nodes.md", lambda: tables.node_sections(example()[0], example()[1])),
    ("hardware-totals-sentence.md", lambda: tables.totals_sentence(example()[0])),
    ("hardware-diagram.svg.html", lambda: diagrams.hardware_diagram(example()[0])),
    ("gpu-hardware-stack.md", lambda: rdma.hardware_stack(example()[0])),
    ("gpu-pcie-paths.md", lambda: rdma.pcie_paths(example()[0])),
    ("gpu-software-stack.md", lambda: rdma.software_stack(example()[0], "gpu-ai")),
    ("gpu-topology.svg.html", lambda: diagrams.topology_diagram(example()[0])),
    ("gpu-sriov.md", lambda: rdma.sriov(example()[0])),
    ("gpu-networks.md", lambda: rdma.networks(example()[0])),
    ("gpu-nccl-table.md", lambda: rdma.nccl_table(example()[0])),
    ("gpu-pod-snippet.md", lambda: rdma.pod_snippet(example()[0])),
    ("gpu-rdma-status.md", lambda: capabilities.status_list(example()[0], example()[1])),
    ("platform-catalogue.md", lambda: platform.catalogue(example()[0], example()[1])),
    (
        "journal-months.md",
        lambda: journal.months(example()[1], archive=read_config(ROOT / "mkdocs.yml").blog.archive_path),
    ),
    (
        "journal-footer-sr-iov.md",
        lambda: journal.entry_footer(
            next(e for e in example()[1].entries if e.path.endswith("sr-iov-on-talos.md")), example()[1], example()[0]
        ),
    ),
]


@pytest.mark.parametrize(("name", "render"), CASES, ids=[name.split(".")[0] for name, _ in CASES])
def test_rendered_output_matches_its_golden(name: str, render: Callable[[], str], golden) -> None:
    golden(f"render/{name}", render())


def test_every_page_renderer_has_a_golden() -> None:
    """A renderer added to a page without a golden shows up here."""
    covered = {name.split(".")[0] for name, _ in CASES}
    assert len(covered) == len(CASES)
    assert pages.HARDWARE and {"hardware-diagram", "gpu-topology", "platform-catalogue"} <= covered
