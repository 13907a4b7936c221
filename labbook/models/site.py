"""Site: the owner's own words around the data."""

from __future__ import annotations

from pydantic import PositiveInt, model_validator

from labbook.models.base import Model, Prose, Text


class Cluster(Model):
    """Facts about the cluster as a whole."""

    name: Text
    """Cluster name, e.g. ``homelab``."""
    os: Text
    """Node operating system, e.g. ``Talos Linux``."""
    gitops: Text
    """GitOps engine, e.g. ``FluxCD``."""


class DesignChoice(Model):
    """One numbered design choice on the home page."""

    choice: Prose
    """The choice, as one short sentence, e.g. ``Every node is a control-plane node.``."""
    why: Prose | None = None
    """What it buys, or what it costs."""


class Site(Model):
    """``inventory/site.yaml``: the text of the home page."""

    owner: Text | None = None
    """Whose lab this is, e.g. ``Michael Willingham``: the home page's title and, unless
    ``title`` is set, the site's name."""
    title: Text | None = None
    """The site's name in the header and the browser tab; by default the owner."""
    tagline: Prose
    """One line under the title, e.g. ``homelab kubernetes & gpu infrastructure``."""
    living: Prose | None = None
    """The living-document note: what is being built, learned, and not yet understood."""
    intro: Prose | None = None
    """A short paragraph under the tagline."""
    cluster: Cluster
    """The cluster as a whole."""
    philosophy: list[DesignChoice] = []
    """Design choices, shown numbered (empty only in a fresh ``labbook init`` inventory)."""
    learning: list[Prose] = []
    """Current learning focus, one line each."""
    recent: PositiveInt = 5
    """How many journal entries the home page lists under "Recent"."""

    @model_validator(mode="after")
    def _named(self) -> Site:
        if self.owner is None and self.title is None:
            raise ValueError("neither owner nor title is set (expected at least one: the home page needs a title)")
        return self

    @property
    def heading(self) -> str:
        """The home page's title: the owner, else the site title."""
        return self.owner or self.title or ""

    @property
    def name(self) -> str:
        """The site's name: the title, else the owner."""
        return self.title or self.owner or ""
