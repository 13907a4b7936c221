"""Deciding which source is this repository (the rules are in :mod:`labbook.sources.flux.sources`).

:func:`decide_before` applies what is known before anything is built
(``--source``, the git remotes, the Kustomization that syncs the entry folder);
:func:`decide_after` what only the entry folder's build can tell (a root
Kustomization in it), falling back to the ``flux bootstrap`` default.
"""

from __future__ import annotations

from labbook.sources.flux.entry import Entry, normalize
from labbook.sources.flux.git import normalize_url
from labbook.sources.flux.resource import Res, text
from labbook.sources.flux.sources import REPO_KINDS, SELF, Key, Sources, ref_key
from labbook.sources.flux.tree import Repo, Tree

ASSUMED = (
    "assumed, as flux bootstrap names it: no source matches a git remote of the checkout and no Kustomization in "
    "the repository syncs the entry folder (pass --source KIND/NAMESPACE/NAME to name another)"
)


def _remote_matches(repo: Repo, urls: dict[str, str]) -> list[tuple[Key | None, str, str, str]]:
    """Sources declared anywhere in the repo whose URL is a git remote: (key when its namespace is written,
    kind, name, remote)."""
    found = []
    for path, doc in repo.objects():
        if doc.kind not in REPO_KINDS:
            continue
        res = Res(doc.obj, path, doc.line)
        url = normalize_url(text(res.spec.get("url")))
        if url in urls:
            key = (res.kind, res.namespace, res.name) if res.namespace else None
            found.append((key, res.kind, res.name, urls[url]))
    return found


def decide_before(
    sources: Sources,
    repo: Repo,
    entry: Entry,
    forced: Key | None,
    remotes: list[tuple[str, str]],
) -> None:
    """``--source``, and the git remotes or else the entry's own Kustomization."""
    root = entry.root
    if forced is not None:
        sources.choose(forced, "named by --source", "--source", _artifact_root(entry, forced))
    urls = {u: name for name, url in remotes if (u := normalize_url(url))}
    if urls:
        sources.remote_urls = urls
        matches = _remote_matches(repo, urls)
        if matches:
            sources.rules.add("git remote")
            for key, _, _, remote in matches:
                if key is not None:
                    sources.choose(key, f"its URL is the checkout's git remote `{remote}`", "git remote")
            return
    if root is not None:
        ref = ref_key(root.spec.get("sourceRef"), root.namespace)
        if ref is not None and ref[0] in REPO_KINDS:
            why = f"the source of Kustomization {root.namespace}/{root.name}, which syncs the entry folder"
            sources.choose(ref, why, "entry", root.artifact_root if ref[0] != "GitRepository" else "")


def decide_after(sources: Sources, adopted: Res | None, flux: list[Res]) -> None:
    """From the entry folder's build: the Kustomization in it that syncs the folder itself, else the one source its
    root Kustomizations read; else the ``flux bootstrap`` default."""
    if adopted is not None:
        key = ref_key(adopted.spec.get("sourceRef"), adopted.namespace)
        if key is not None and key[0] in REPO_KINDS:
            name = f"{adopted.namespace}/{adopted.name}"
            why = f"the source of Kustomization {name} ({adopted.where()}), which syncs the entry folder"
            sources.choose(key, why, "entry")
            return
    keys: dict[Key, list[Res]] = {}
    for ks in flux:
        key = ref_key(ks.spec.get("sourceRef"), ks.namespace)
        if key is not None and key[0] in REPO_KINDS:
            keys.setdefault(key, []).append(ks)
    if len(keys) > 1:  # keep the sources whose Kustomizations read folders that exist in this repository
        whole = Tree.subfolder(sources.repo, "", "repo")
        keys = {k: v for k, v in keys.items() if any(_reads_here(whole, u) for u in v)}
    if len(keys) == 1:
        ((key, users),) = keys.items()
        names = ", ".join(f"{u.namespace}/{u.name}" for u in users)
        sources.choose(key, f"read by the root Kustomization {names} in the entry folder", "entry")
        return
    if not sources.chosen:
        sources.choose(("GitRepository", SELF, SELF), ASSUMED, "assumed")


def _reads_here(whole: Tree, ks: Res) -> bool:
    path = normalize(text(ks.spec.get("path")) or "")
    return bool(path) and whole.is_dir(path)


def _artifact_root(entry: Entry, key: Key) -> str | None:
    root = entry.root
    if root is not None and key[0] != "GitRepository" and ref_key(root.spec.get("sourceRef"), root.namespace) == key:
        return root.artifact_root
    return None


__all__ = ["ASSUMED", "decide_after", "decide_before"]
