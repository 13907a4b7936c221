"""Site: the owner's own words around the data."""

from __future__ import annotations

from pydantic import PositiveInt

from labbook.models.base import Model, Text


class Cluster(Model):
    """Facts about the cluster as a whole."""

    name: Text
    """Cluster name, e.g. ``homelab``."""
    os: Text
    """Node operating system, e.g. ``Talos Linux``."""
    gitops: Text
    """GitOps engine, e.g. ``FluxCD``."""


class Site(Model):
    """``inventory/site.yaml``: the text of the home page."""

    title: Text
    """Site title."""
    tagline: Text
    """One line under the title."""
    intro: Text | None = None
    """A short paragraph under the tagline."""
    cluster: Cluster
    """The cluster as a whole."""
    philosophy: list[Text] = []
    """Design principles, one line each (empty only in a fresh ``labbook init`` inventory)."""
    learning: list[Text] = []
    """Current learning focus, one line each."""
    recent: PositiveInt = 5
    """How many journal entries the home page lists under "Recent"."""
