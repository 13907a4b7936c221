"""``labbook.yaml``: the project's sources, so that a check never falls back on a folder it was not told about.

At the root of the repository that holds ``inventory/``::

    flux:
      repo: ../flux              # the checked-out Flux repository
      path: clusters/homelab     # its cluster entry point (optional: auto-detected)
    cluster:
      snapshot: cluster.yaml     # or context: admin@homelab (and kubeconfig: …), or in_cluster: true
    history:
      inventory: inventory       # whose Git history the site, `history`, `new --from-changes` and `drift docs` read
      flux: ../flux              # the Flux repository whose history is read too (default: flux.repo; false: none)

Paths are relative to the file. Options on the command line win: ``--repo``
replaces ``flux.repo`` (and ``flux.path`` unless it is the same folder), any
of ``--snapshot``, ``--context``, ``--kubeconfig`` or ``--in-cluster``
replaces ``cluster``. ``drift cluster`` labels its version findings with
``flux`` only for the configured cluster: a cluster named on the command line
may not be the one that repository deploys (give ``--repo`` for it). Without the file and without ``--repo``, ``labbook
drift flux`` stops and says so: there is no built-in default repository.
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from labbook.errors import Problem
from labbook.files import display, read_file
from labbook.load.errors import problems_from_validation
from labbook.load.yaml import decode_text, load_yaml
from labbook.models.base import Model
from labbook.options import Default

CONFIG_FILE = "labbook.yaml"
"""Looked for in the working directory."""


class FluxSource(Model):
    """The Flux repository the inventory documents."""

    repo: str = Field(min_length=1)
    """Checked-out Flux repository, relative to ``labbook.yaml``."""
    path: str | None = Field(default=None, min_length=1)
    """Cluster entry point inside the repository, e.g. ``clusters/homelab``; auto-detected when absent."""
    source: str | None = Field(default=None, pattern=r"^[A-Za-z]+/[a-z0-9][-a-z0-9]*/[a-z0-9][-.a-z0-9]*$")
    """The Flux source that is this repository (``KIND/NAMESPACE/NAME``), when the reader cannot tell."""


class ClusterSource(Model):
    """The cluster the inventory documents: a snapshot file, or how to reach it."""

    snapshot: str | None = Field(default=None, min_length=1)
    """A ``labbook snapshot`` file, relative to ``labbook.yaml``: checks run offline."""
    context: str | None = Field(default=None, min_length=1)
    """kubeconfig context of the live cluster."""
    kubeconfig: str | None = Field(default=None, min_length=1)
    """kubeconfig file (``~`` allowed); default ``$KUBECONFIG`` or ``~/.kube/config``."""
    in_cluster: bool = False
    """Use the pod's service account (a runner inside the cluster)."""

    @model_validator(mode="after")
    def _one_way(self) -> ClusterSource:
        ways = [w for w in ("snapshot", "context", "in_cluster") if getattr(self, w)]
        if len(ways) > 1:
            raise ValueError(f"{' and '.join(ways)} are both set (expected one way to read the cluster)")
        if self.snapshot and self.kubeconfig:
            raise ValueError("kubeconfig is not used with snapshot (expected one or the other)")
        return self


class HistorySource(Model):
    """Whose Git history is the lab's: the site's Changes page and entry boxes, ``labbook history``,
    ``labbook new --from-changes`` and the journal part of ``drift docs`` read it."""

    inventory: str | None = Field(default=None, min_length=1)
    """An inventory folder inside a Git checkout, relative to ``labbook.yaml``, whose history is read
    (default: the inventory the command or the site reads, in its own repository)."""
    flux: str | Literal[False] | None = None
    """A checked-out Flux repository folder whose history is read too, relative to ``labbook.yaml``
    (default: ``flux.repo``; ``false``: none)."""
    note: str | None = Field(default=None, min_length=1)
    """A word for readers about this history, shown on the Changes page (for an example history:
    that it is one)."""
    off: bool = False
    """No history at all: what ``history: false`` means (the site is built without the history parts)."""

    @field_validator("flux", mode="before")
    @classmethod
    def _flux_is_a_folder_or_false(cls, value: object) -> object:
        """One message for anything else (not one per member of the union)."""
        if value is None or value is False or isinstance(value, str):
            return value
        raise ValueError(f"got {value!r} (expected a folder, or false for none)")


class ProjectConfig(Model):
    """``labbook.yaml``."""

    flux: FluxSource | None = None
    """The Flux repository ``drift flux``, ``flux list`` and ``drift cluster`` (for its labels) read."""
    cluster: ClusterSource | None = None
    """The cluster ``drift cluster`` and ``snapshot`` read."""
    history: HistorySource | None = None
    """Whose Git history is read for the lab through time (default: the inventory's own repository;
    ``false``: none, and the site is built without the history parts)."""

    @field_validator("history", mode="before")
    @classmethod
    def _history_false(cls, value: object) -> object:
        """``history: false`` is :attr:`HistorySource.off`: so that any other value is judged as the
        mapping it should be, with the keys it may have."""
        return {"off": True} if value is False else value


@dataclass(frozen=True)
class HistoryPaths:
    """The folders whose Git history is read."""

    inventory: Path
    """The inventory folder."""
    flux: Path | None
    """The Flux repository folder, or None."""


HISTORY_OFF = "history: false in labbook.yaml turns the lab's history off"
"""Why there is no history when the project config says so."""


def history_paths(config: ProjectConfig | None, base: Path, inventory: Path) -> HistoryPaths | None:
    """The folders whose history is read: ``history:`` of ``config`` (found in ``base``), else ``inventory``
    and ``flux.repo``; None when ``history: false``."""
    history = config.history if config else None
    if history is not None and history.off:
        return None
    inv = base / history.inventory if history and history.inventory else inventory
    flux: Path | None = None
    if history is not None and history.flux is not None:
        flux = base / history.flux if history.flux is not False else None
    elif config is not None and config.flux is not None:
        flux = base / config.flux.repo
    return HistoryPaths(inv, flux)


def read_config(path: Path) -> tuple[ProjectConfig | None, list[Problem]]:
    """``(config, problems)`` for ``path``."""
    shown = display(path)
    data, problems = read_file(path, shown)
    if data is None:
        return None, problems
    text, problems = decode_text(shown, data)
    if text is None:
        return None, problems
    tree, problems = load_yaml(shown, text)
    if problems:
        return None, problems
    if tree is None:
        return ProjectConfig(), []
    if not isinstance(tree, dict):
        return None, [Problem(shown, 1, 1, "not a mapping (expected the keys flux: and cluster:)")]
    try:
        return ProjectConfig.model_validate(tree), []
    except ValidationError as exc:
        return None, problems_from_validation(shown, tree, ProjectConfig, exc)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):
        return False


def _flux(args: argparse.Namespace, config: ProjectConfig | None, base: Path, required: bool) -> list[Problem]:
    flux = config.flux if config else None
    if args.repo is None and flux is not None:
        args.repo = display(base / flux.repo)
    elif args.repo is None:
        if not required:
            return []
        return [
            Problem(
                args.prog,
                None,
                None,
                f"no Flux repository to check (expected --repo DIR, or flux: repo: in {CONFIG_FILE})",
                f"run from the folder that holds {CONFIG_FILE}, or give --repo",
            )
        ]
    if flux is not None and _same(Path(args.repo), base / flux.repo):
        if args.path is None and flux.path:
            args.path = flux.path
        if getattr(args, "source", None) is None and flux.source:
            args.source = flux.source
    return []


def config_text(repo: Path, path: str | None, source: str | None, base: Path) -> str:
    """A ``labbook.yaml`` naming one Flux repository (as ``labbook init --from-flux`` writes it)."""
    try:
        shown = Path(os.path.relpath(repo.resolve(), base.resolve())).as_posix()
    except ValueError:  # another drive
        shown = repo.resolve().as_posix()
    lines = [
        "# What this project's checks read (paths relative to this file), written by `labbook init --from-flux`.",
        "# The command line wins: --repo/--path replace flux:. Add `cluster:` (snapshot:, context: or",
        "# in_cluster: true) for `labbook drift cluster`.",
        "flux:",
        f"  repo: {json.dumps(shown)}",
    ]
    lines += [f"  path: {json.dumps(path)}"] if path else []
    lines += [f"  source: {json.dumps(source)}"] if source else []
    return "\n".join(lines) + "\n"


def _cluster(args: argparse.Namespace, config: ProjectConfig | None, base: Path) -> None:
    cluster = config.cluster if config else None
    if cluster is None:
        return
    if cluster.snapshot and hasattr(args, "snapshot"):
        args.snapshot = display(base / cluster.snapshot)
    args.context = cluster.context
    args.in_cluster = cluster.in_cluster
    if cluster.kubeconfig:
        args.kubeconfig = str(base / os.path.expanduser(cluster.kubeconfig))


def _history(args: argparse.Namespace, config: ProjectConfig | None, base: Path) -> None:
    """``args.history``: the folders whose history the command reads (None: ``history: false``, which wins).
    ``--inventory`` given on the command line wins over ``history.inventory``, ``--repo`` over
    ``history.flux``."""
    inventory = Path(args.inventory)
    found = history_paths(config, base, inventory)
    if found is not None and not isinstance(args.inventory, Default):
        found = HistoryPaths(inventory, found.flux)
    repo = getattr(args, "repo", None)
    if found is not None and repo is not None:
        found = HistoryPaths(found.inventory, Path(repo))
    args.history = found


def apply_config(args: argparse.Namespace) -> list[Problem]:
    """Fill the sources the command line left out from ``labbook.yaml``; problems when that is impossible.

    ``args.sources`` names what the command reads: ``flux`` (required),
    ``flux?`` (optional, for labels), ``cluster`` and ``history`` (the folders whose Git history
    is read, as ``args.history``).
    """
    sources: tuple[str, ...] = getattr(args, "sources", ())
    given = getattr(args, "config", None)
    path = Path(given) if given else Path(CONFIG_FILE)
    config, problems = None, []
    if given or path.is_file():
        config, problems = read_config(path)
        if problems:
            return problems
    base = path.parent
    cluster_given = any(getattr(args, k, None) for k in ("snapshot", "context", "kubeconfig", "in_cluster"))
    if "flux" in sources:
        problems += _flux(args, config, base, required=True)
    elif "flux?" in sources and (args.repo is not None or not cluster_given):
        # labels compare Git with *this* cluster: the configured repo only goes with the configured cluster
        problems += _flux(args, config, base, required=False)
    if "cluster" in sources and not cluster_given:
        _cluster(args, config, base)
    if "history" in sources:
        _history(args, config, base)
    return problems
