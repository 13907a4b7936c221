"""mkdocs-macros module: the renderers in ``labbook.render`` as macros. Nothing else lives here.

mkdocs-macros calls :func:`define_env` once per build (``on_config``); the data
comes from :func:`labbook.load.site.site_data`, loaded once per build and shared
with ``hooks/journal.py``. Pages opt in with ``render_macros: true``; each macro
links relative to the page it is on.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from mkdocs.exceptions import PluginError

from labbook.errors import LabbookError
from labbook.load.site import site_data
from labbook.render import capabilities, diagrams, journal, platform, rdma, status, tables
from labbook.render.text import md, num


def define_env(env: Any) -> None:
    """Register the macros and the ``totals`` and ``site_title`` variables (figures for prose)."""
    try:
        data = site_data(env.conf)
    except LabbookError as exc:
        raise PluginError("\n".join(exc.lines())) from exc
    inv, entries, drafts = data.inventory, data.journal, data.drafts

    def here() -> str:
        return env.page.file.src_uri

    month_counts = cache(lambda: journal.month_counts(entries, drafts))  # the blog repeats the index per page

    t = inv.hardware.totals
    env.variables["totals"] = {
        "nodes": t.nodes,
        "cores": t.cores,
        "threads": t.threads,
        "memory_gb": t.memory_gb,
        "gpus": t.gpus,
        "fp4_pflops": num(t.fp4_pflops),
    }
    env.variables["site_title"] = md(inv.site.name)

    macros = {
        "site_header": lambda: tables.site_header(inv),
        "hardware_table": lambda: tables.hardware_table(inv, here()),
        "totals_sentence": lambda: tables.totals_sentence(inv),
        "totals_line": lambda: tables.totals_line(inv),
        "link_sentences": lambda: tables.link_sentences(inv, here()),
        "whats_running": lambda: tables.whats_running(inv, here()),
        "learning": lambda: tables.text_list(inv.site.learning),
        "philosophy": lambda: tables.design_choices(inv),
        "recent": lambda count=None: journal.recent(entries, count or inv.site.recent, here(), drafts),
        "journal_months": lambda: journal.months(entries, here(), drafts, month_counts()),
        "node_sections": lambda: tables.node_sections(inv, entries, here(), drafts),
        "hardware_diagram": lambda: diagrams.hardware_diagram(inv),
        "topology_diagram": lambda: diagrams.topology_diagram(inv),
        "catalogue": lambda: platform.catalogue(inv, entries, here(), drafts),
        "hardware_stack": lambda: rdma.hardware_stack(inv, here()),
        "pcie_paths": lambda: rdma.pcie_paths(inv, here()),
        "software_stack": lambda category: rdma.software_stack(inv, category, here()),
        "sriov": lambda: rdma.sriov(inv, here()),
        "networks": lambda: rdma.networks(inv),
        "nccl_table": lambda: rdma.nccl_table(inv),
        "pod_snippet": lambda: rdma.pod_snippet(inv),
        "rdma_status": lambda: capabilities.status_list(inv, entries, here()),
        "status_page": lambda: status.status_page(data.reports, data.report_paths(), data.now, inv, here()),
        "verified_line": lambda: status.verified_line(data.reports, data.now, here()),
    }
    for name, fn in macros.items():
        env.macro(fn, name)
