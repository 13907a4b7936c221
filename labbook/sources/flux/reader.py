"""Follow Flux through a repository: from the entry point, every Kustomization it would apply.

The entry folder is built as the bootstrap Kustomization ``flux-system`` does.
Every Flux Kustomization in a build is then built in turn from its own source
and ``spec.path``, with its ``targetNamespace``, ``patches``, ``components`` and
``postBuild`` substitution, until none is left. A Kustomization whose
``substituteFrom`` names a ConfigMap or Secret not seen yet waits until the
rest is built, so that it finds variables declared anywhere in the repo.

When two Kustomizations apply the same object, the first one found keeps it and
the reader warns, as kustomize-controller would report the conflict.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labbook.errors import BadInput, Problem
from labbook.files import display
from labbook.models.report import ReportWarning
from labbook.sources.flux import substitute
from labbook.sources.flux.diagnostics import Diagnostics
from labbook.sources.flux.entry import FLUX_KUSTOMIZE, entry_point, normalize
from labbook.sources.flux.git import revision
from labbook.sources.flux.kustomize import Kustomizer
from labbook.sources.flux.resource import Res, items, text
from labbook.sources.flux.sources import SELF, Sources, ref_key
from labbook.sources.flux.substitute import SubstitutionError, Variables, VarSource
from labbook.sources.flux.tree import Repo

BUILD_FIELDS = ("postBuild", "patches", "patchesStrategicMerge", "patchesJson6902", "targetNamespace", "components")
"""Spec fields of a Kustomization that change what its path builds to."""


@dataclass
class FluxKustomization:
    """One Flux Kustomization and what it applies."""

    namespace: str
    """Its namespace."""
    name: str
    """Its name."""
    spec: dict[str, Any]
    """Its spec (after its parent's substitution)."""
    res: Res | None = None
    """The object in the repo; None for an entry point with no bootstrap Kustomization in Git."""
    source: str | None = None
    """The source tree it was read from, e.g. ``GitRepository flux-system/flux-system``."""
    folder: str | None = None
    """Its path inside that source, normalised."""
    repo_folder: str | None = None
    """The repo folder behind that path, when there is one."""
    skipped: str | None = None
    """Why it was not built (another repository, missing path …)."""
    objects: list[Res] = field(default_factory=list)
    """The objects it applies (kept kinds only), after substitution."""
    shadowed: list[Res] = field(default_factory=list)
    """Objects it applies that an earlier Kustomization already applied (kept there, warned about)."""

    @property
    def path(self) -> str:
        """``spec.path`` as written."""
        return text(self.spec.get("path")) or "./"

    def where(self) -> tuple[str, int | None]:
        """file:line of the object (the entry folder for an implicit root)."""
        return (self.res.file, self.res.line) if self.res else (normalize(self.path) or ".", None)


@dataclass
class Build:
    """Everything the reader found in one repository."""

    repo: Path
    """The repository folder."""
    entry: str
    """The entry folder, repo-relative."""
    revision: str | None
    """The commit of the checkout, when it is one."""
    kustomizations: list[FluxKustomization]
    """Every Flux Kustomization, entry point first, in build order."""
    objects: list[Res]
    """Every object applied, each once."""
    diagnostics: Diagnostics
    """What could not be fully read (more may be added while observing)."""

    @property
    def warnings(self) -> list[ReportWarning]:
        """The warnings so far."""
        return self.diagnostics.warnings()


def build(repo: Path, path: str | None = None) -> Build:
    """Read ``repo`` as Flux would apply it from the entry point ``path`` (auto-detected when None)."""
    shown = display(repo)
    if not repo.is_dir():
        raise BadInput(
            Problem(shown, None, None, "repository folder not found (expected a checked-out Flux repository)")
        )
    reader = _Reader(Repo(repo), shown, path)
    reader.run()
    return Build(
        repo=repo,
        entry=reader.entry,
        revision=revision(repo),
        kustomizations=reader.done,
        objects=reader.objects,
        diagnostics=reader.diag,
    )


def _flux_extra(spec: dict[str, Any]) -> dict[str, Any]:
    """The kustomization fields kustomize-controller adds for a Flux Kustomization spec."""
    extra: dict[str, Any] = {
        "namespace": text(spec.get("targetNamespace")),
        "components": [str(c) for c in items(spec.get("components"))],
        "ignoreMissingComponents": bool(spec.get("ignoreMissingComponents")),
        "namePrefix": text(spec.get("namePrefix")),
        "nameSuffix": text(spec.get("nameSuffix")),
    }
    for key in ("patches", "patchesStrategicMerge", "patchesJson6902"):
        if isinstance(spec.get(key), list):
            extra[key] = spec[key]
    return extra


class _Reader:
    def __init__(self, repo: Repo, shown: str, path: str | None) -> None:
        self.repo = repo
        self.entry = entry_point(repo, shown, path)
        self.diag = Diagnostics()
        self.sources = Sources(repo, self.entry)
        self.vars: dict[tuple[str, str, str], VarSource] = {}
        self.owner: dict[tuple[str, str, str, str], FluxKustomization] = {}
        self.objects: list[Res] = []
        self.done: list[FluxKustomization] = []
        self.known: set[tuple[str, str]] = {(SELF, SELF)}
        self.queue: deque[FluxKustomization] = deque()
        self.waiting: list[FluxKustomization] = []
        self.told: set[tuple[str, str, str]] = set()

    def run(self) -> None:
        root_spec = {"path": f"./{self.entry}", "sourceRef": {"kind": "GitRepository", "name": SELF}}
        self.queue.append(FluxKustomization(SELF, SELF, root_spec))
        while self.queue or self.waiting:
            if self.queue:
                item = self.queue.popleft()
                if self._blocked(item):
                    self.waiting.append(item)
                    continue
            else:
                item = self.waiting.pop(0)
            self._process(item)
            self.done.append(item)

    def _warn(self, item: FluxKustomization, message: str) -> None:
        file, line = item.where()
        self.diag.warn(file, line, message)

    def _blocked(self, item: FluxKustomization) -> bool:
        post = item.spec.get("postBuild") if isinstance(item.spec.get("postBuild"), dict) else {}
        for ref in items(post.get("substituteFrom")):
            if not isinstance(ref, dict):
                continue
            wanted = (text(ref.get("kind")) or "", item.namespace, text(ref.get("name")) or "")
            if not ref.get("optional") and wanted not in self.vars:
                return True
        key = ref_key(item.spec.get("sourceRef"), item.namespace)
        return key is not None and key[0] == "ExternalArtifact" and (key[1], key[2]) not in self.sources.generators

    def _process(self, item: FluxKustomization) -> None:
        key = ref_key(item.spec.get("sourceRef"), item.namespace)
        folder = normalize(item.path)
        label = f"{key[0]} {key[1]}/{key[2]}" if key else "no sourceRef"
        tree, why = None, f"{label} is another repository, which an offline reader cannot see"
        if key is None:
            why = "it has no spec.sourceRef"
        elif key[0] == "ExternalArtifact":
            tree, why = self.sources.artifact(key[1], key[2])
        elif key[0] in ("GitRepository", "OCIRepository", "Bucket"):
            tree = self.sources.tree(key, folder)
        else:
            why = f"source kind {key[0]!r} is not supported (expected GitRepository, OCIRepository or ExternalArtifact)"
        if tree is not None and (folder.startswith("../") or folder == ".." or not tree.is_dir(folder)):
            tree, why = None, f"its path {item.path!r} is not a folder in {label}"
        if tree is None:
            item.skipped = why
            self._warn(item, f"Kustomization {item.namespace}/{item.name} not followed: {why}")
            return
        item.source, item.folder, item.repo_folder = tree.label, folder, tree.repo_folder(folder)
        kustomizer = Kustomizer(tree, self.diag)
        objs = kustomizer.build(folder, _flux_extra(item.spec))
        if item.res is None:
            objs = self._adopt_bootstrap(item, objs, kustomizer)
        variables = self._variables(item)
        for obj in objs:
            try:
                obj = substitute.apply(obj, variables)
            except SubstitutionError as exc:
                self.diag.warn(obj.file, obj.line, f"{obj.describe()}: variable substitution failed: {exc}")
            if obj.namespaced and not obj.namespace:
                self.diag.warn(
                    obj.file,
                    obj.line,
                    f"{obj.describe()} has no namespace and Kustomization {item.namespace}/{item.name} sets no "
                    "targetNamespace (kustomize-controller refuses it: namespace not specified); read as `default`",
                )
                obj = obj.with_meta(namespace="default")
            self._register(item, obj)

    def _adopt_bootstrap(self, item: FluxKustomization, objs: list[Res], kustomizer: Kustomizer) -> list[Res]:
        """Use the repo's own ``flux-system`` Kustomization for the entry point, when it points there."""
        for obj in objs:
            if (obj.kind, obj.namespace, obj.name) == ("Kustomization", SELF, SELF) and obj.group == FLUX_KUSTOMIZE:
                if normalize(text(obj.spec.get("path")) or "") != self.entry:
                    continue
                item.res, item.spec = obj, obj.spec
                if any(obj.spec.get(f) for f in BUILD_FIELDS):
                    return kustomizer.build(self.entry, _flux_extra(obj.spec))
        return objs

    def _variables(self, item: FluxKustomization) -> Variables:
        post = item.spec.get("postBuild") if isinstance(item.spec.get("postBuild"), dict) else {}
        if not post:
            return Variables()
        found: list[VarSource] = []
        for ref in items(post.get("substituteFrom")):
            if not isinstance(ref, dict):
                continue
            kind, name = text(ref.get("kind")) or "", text(ref.get("name")) or ""
            source = self.vars.get((kind, item.namespace, name))
            if source is None:
                if not ref.get("optional"):
                    self._warn(
                        item,
                        f"substituteFrom {kind} {item.namespace}/{name} is not in the repo "
                        "(expected it declared in Git, or `optional: true`); its variables stay empty",
                    )
                continue
            if source.encrypted and (kind, item.namespace, name) not in self.told:
                self.told.add((kind, item.namespace, name))
                names = ", ".join(sorted(source.values)) or "none"
                self.diag.warn(
                    source.res.file,
                    source.res.line,
                    f"Secret {item.namespace}/{name} is SOPS-encrypted: its variables ({names}) stay unresolved "
                    "${…} placeholders offline",
                )
            found.append(source)
        inline = post.get("substitute") if isinstance(post.get("substitute"), dict) else {}
        variables = substitute.collect(found, inline)
        if variables.invalid:
            self._warn(item, f"variable names Flux rejects were dropped: {', '.join(sorted(variables.invalid))}")
        return variables

    def _register(self, item: FluxKustomization, obj: Res) -> None:
        key = obj.key()
        first = self.owner.get(key)
        if first is not None:
            other = "the same Kustomization" if first is item else f"Kustomization {first.namespace}/{first.name}"
            self.diag.warn(
                obj.file, obj.line, f"{obj.describe()} is also applied by {other}; the first one read is kept"
            )
            item.shadowed.append(obj)
            return
        self.owner[key] = item
        self.objects.append(obj)
        item.objects.append(obj)
        if obj.kind in ("ConfigMap", "Secret") and obj.group == "":
            self.vars[(obj.kind, obj.namespace, obj.name)] = substitute.var_source(obj)
        elif obj.kind == "ArtifactGenerator":
            self.sources.add_generator(obj)
        elif obj.kind == "Kustomization" and obj.group == FLUX_KUSTOMIZE:
            ident = (obj.namespace, obj.name)
            if ident not in self.known:
                self.known.add(ident)
                self.queue.append(FluxKustomization(obj.namespace, obj.name, obj.spec, obj))
