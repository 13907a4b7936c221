"""Where Flux starts reading a repository: the cluster entry point.

Given ``--path``, that folder. Otherwise, in this order:

1. the one ``clusters/<name>`` folder (``clusters/`` at the top or one level
   down, e.g. ``kubernetes/clusters/<name>``); several are an error that lists
   them, since only the owner knows which cluster the docs describe;
2. the ``spec.path`` of the bootstrap Kustomization ``flux-system/flux-system``;
3. the one folder holding Flux Kustomizations that no other Kustomization's
   path covers (e.g. ``kubernetes/flux/cluster`` under the Flux Operator).
"""

from __future__ import annotations

import posixpath

from labbook.errors import BadInput, Problem
from labbook.sources.flux.resource import text
from labbook.sources.flux.tree import YAML_SUFFIXES, Repo, Tree

FLUX_KUSTOMIZE = "kustomize.toolkit.fluxcd.io"


def normalize(path: str) -> str:
    """A Flux ``spec.path`` or ``--path`` as a clean relative POSIX path (``""`` for the root)."""
    clean = posixpath.normpath(path.replace("\\", "/").strip().lstrip("/")) if path.strip() else ""
    return "" if clean == "." else clean


def entry_point(repo: Repo, shown: str, path: str | None) -> str:
    """The entry folder, repo-relative. Raises :class:`BadInput` when there is none."""
    tree = Tree.subfolder(repo, "", "repo")
    if path is not None:
        clean = normalize(path)
        if clean == ".." or clean.startswith("../"):
            raise BadInput(
                Problem(shown, None, None, f"--path {path!r} leaves the repository (expected a folder in it)")
            )
        if not tree.is_dir(clean):
            raise BadInput(
                Problem(
                    f"{shown}/{clean}" if clean else shown,
                    None,
                    None,
                    "entry point not found or holds no files Flux reads (expected a folder such as clusters/<name>)",
                )
            )
        return clean
    clusters = sorted(
        d for d in tree.dirs if posixpath.basename(posixpath.dirname(d)) == "clusters" and d.count("/") <= 2
    )
    if len(clusters) == 1:
        return clusters[0]
    if len(clusters) > 1:
        choices = ", ".join(clusters)
        raise BadInput(
            Problem(shown, None, None, f"several cluster entry points: {choices} (expected --path to choose one)")
        )
    found = _from_kustomizations(repo, tree)
    if len(found) == 1:
        return found[0]
    if found:
        raise BadInput(
            Problem(shown, None, None, f"several entry points: {', '.join(found)} (expected --path to choose one)")
        )
    raise BadInput(
        Problem(
            shown,
            None,
            None,
            "no Flux entry point found (expected a clusters/<name> folder or Flux Kustomizations, or --path)",
        )
    )


def _from_kustomizations(repo: Repo, tree: Tree) -> list[str]:
    homes: set[str] = set()
    targets: set[str] = set()
    for path in repo.files:
        if not path.endswith(YAML_SUFFIXES):
            continue
        docs, _ = repo.parse(path)
        for doc in docs:
            obj = doc.obj
            if doc.kind != "Kustomization" or not isinstance(obj, dict):
                continue
            if not (text(obj.get("apiVersion")) or "").startswith(FLUX_KUSTOMIZE):
                continue
            meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
            spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
            target = normalize(text(spec.get("path")) or "")
            bootstrap = (text(meta.get("name")), text(meta.get("namespace"))) == ("flux-system", "flux-system")
            if bootstrap and tree.is_dir(target):
                return [target]
            targets.add(target)
            homes.add(posixpath.dirname(path))
    roots = sorted(h for h in homes if not any(_covers(t, h) for t in targets))
    return [r for r in roots if not any(r != o and _covers(o, r) for o in roots)]


def _covers(target: str, folder: str) -> bool:
    return target == "" or folder == target or folder.startswith(target + "/")
