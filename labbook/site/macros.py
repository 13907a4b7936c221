"""The page macros: the renderers in :mod:`labbook.render`, for mkdocs-macros and for Zensical.

Both load this module by name (``modules: [labbook.site.macros]`` under the ``macros`` plugin
in ``mkdocs.yml``) and call :func:`define_env`: mkdocs-macros once per build, Zensical once per
page it renders. Pages opt in with ``render_macros: true``; each macro links relative to the
page it is on. Nothing here imports MkDocs: the data comes from :func:`site_for`, which asks the
``labbook`` MkDocs plugin under MkDocs and the build folder's config under Zensical.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache, wraps
from typing import Any

from labbook.files import display
from labbook.load.site import SiteData
from labbook.render import capabilities, diagrams, journal, platform, rdma, status, tables
from labbook.render.text import md, num
from labbook.site.settings import PLUGIN, BlogSettings


def page_path(page: Any) -> str:
    """The page's source path inside the docs folder (``infrastructure/hardware.md``), under either builder.

    MkDocs gives pages a ``file`` whose ``src_uri`` is that path; Zensical gives the same path
    as ``page.path``.
    """
    file = getattr(page, "file", None)
    return file.src_uri if file is not None else page.path


def site_for(conf: Any) -> tuple[SiteData, BlogSettings]:
    """This build's data and blog options: from the ``labbook`` plugin (MkDocs) or the build folder (Zensical)."""
    plugins = conf["plugins"]
    plugin = plugins.get(PLUGIN) if isinstance(plugins, Mapping) else None
    if plugin is not None and getattr(plugin, "site", None) is not None:
        return plugin.site, plugin.blog
    extra = conf.get("extra") or {}
    if PLUGIN in extra and isinstance(conf, dict):
        from labbook.site.zensical import site_for_build

        return site_for_build(extra[PLUGIN])
    from mkdocs.exceptions import PluginError

    raise PluginError(f"macros: the {PLUGIN!r} plugin has not loaded the site (expected `- {PLUGIN}` in plugins)")


def define_env(env: Any) -> None:
    """Register the macros and the ``totals`` and ``site_title`` variables (figures for prose)."""
    data, blog = site_for(env.conf)
    inv, entries, drafts = data.inventory, data.journal, data.drafts

    def here() -> str:
        return page_path(env.page)

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
        "journal_months": lambda: journal.months(entries, here(), drafts, month_counts(), archive=blog.archive_path),
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
        env.macro(_naming_the_page(fn, name, here, data), name)


class MacroError(Exception):
    """A macro failed on a page; the message names the page (Zensical's own error does not)."""


def _naming_the_page(fn: Callable[..., str], name: str, here: Callable[[], str], data: SiteData) -> Callable[..., str]:
    @wraps(fn)
    def macro(*args: Any, **kwargs: Any) -> str:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            docs = display(data.paths.docs) if data.paths.docs else "docs"
            why = str(exc) if str(exc).startswith(name) else f"{name}(): {exc}"
            raise MacroError(f"{docs}/{here()}: {why}") from exc

    return macro
