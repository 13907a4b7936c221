"""Where things live on the site, so that every renderer links to the same anchors.

Paths are mkdocs ``src_uri`` values (relative to ``docs/``); links between pages
are written relative to the page being rendered and resolved (and checked, with
``--strict``) by mkdocs.
"""

from __future__ import annotations

import posixpath

from labbook.models.inventory import Inventory
from labbook.models.journal import JournalEntry

HOME = "index.md"
"""Home page."""
HARDWARE = "infrastructure/hardware.md"
"""Infrastructure › Hardware: one section per node, anchored by node name."""
GPU_AI = "infrastructure/gpu-ai.md"
"""Infrastructure › GPU & AI."""
PLATFORM = "platform.md"
"""Platform catalogue: one section per component, anchored by component id."""
STATUS = "status.md"
"""Drift status."""
JOURNAL = "journal/index.md"
"""Journal index (the Material blog's entry point)."""
POSTS = "journal/posts"
"""Folder the content step places journal entries in (the blog's posts folder, checked against its config)."""


def post_path(entry: JournalEntry) -> str:
    """The ``src_uri`` the content step gives an entry: ``journal/posts/<file name>``."""
    return f"{POSTS}/{posixpath.basename(entry.path)}"


def category_anchor(category_id: str) -> str:
    """Anchor of a category heading on the Platform page (prefixed: ids may equal component ids)."""
    return f"category-{category_id}"


def target(inventory: Inventory, ref: str) -> tuple[str, str, str] | None:
    """Page, anchor and display name of a component id or node name, if it exists."""
    component = inventory.platform.component(ref)
    if component is not None:
        return PLATFORM, component.id, component.name
    node = inventory.hardware.node(ref)
    if node is not None:
        return HARDWARE, node.name, node.name
    return None
