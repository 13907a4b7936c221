"""Follow Flux through a repository: from the entry point, every Kustomization it would apply.

The entry folder is built first, by the Kustomization that syncs it when the
repository says which (:mod:`labbook.sources.flux.entry`), else as applied by
hand. Every Flux Kustomization in a build is then built in turn from its own
source and ``spec.path``, with its kustomize fields (:mod:`labbook.sources.flux.fluxspec`)
and ``postBuild`` substitution, until none is left. A Kustomization waits while
it cannot be decided yet: its ``substituteFrom`` names a ConfigMap or Secret not
seen yet, or its source is neither known to be this repository nor seen.

When two Kustomizations apply the same object, the first one found keeps it and
the reader warns, as kustomize-controller would report the conflict. When
kustomize would refuse a build, the Kustomization applies nothing, as in Flux,
and the reader says why.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labbook.errors import BadInput, Problem
from labbook.files import display
from labbook.sources.flux import fluxspec, substitute
from labbook.sources.flux.diagnostics import Diagnostics
from labbook.sources.flux.entry import FLUX_KUSTOMIZE, Entry, entry_point, normalize
from labbook.sources.flux.git import remotes as git_remotes
from labbook.sources.flux.git import revision
from labbook.sources.flux.kustomize import Kustomizer
from labbook.sources.flux.loader import KEPT_KINDS
from labbook.sources.flux.resource import Res, items, text
from labbook.sources.flux.selfsource import decide_after, decide_before
from labbook.sources.flux.sources import REPO_KINDS, Key, Sources, label, parse_source, ref_key
from labbook.sources.flux.substitute import SubstitutionError, Variables, VarSource
from labbook.sources.flux.transformers import BuildError
from labbook.sources.flux.tree import Repo, Tree

OTHER_REPO = "{} is another repository, which an offline reader cannot see: Kustomizations reading it are not followed"


@dataclass
class FluxKustomization:
    """One Flux Kustomization and what it applies."""

    namespace: str
    """Its namespace (empty for an entry folder applied by hand)."""
    name: str
    """Its name (empty for an entry folder applied by hand)."""
    spec: dict[str, Any]
    """Its spec (after its parent's substitution)."""
    res: Res | None = None
    """The object in the repo; None when it is not in Git (made by the Flux Operator, or applied by hand)."""
    declared: tuple[str, int] | None = None
    """Where the repository declares it when the object itself is not in Git (FluxInstance, gotk-sync)."""
    source: str | None = None
    """The source tree it was read from, e.g. ``GitRepository flux-system/flux-system``."""
    folder: str | None = None
    """Its path inside that source, normalised."""
    repo_folder: str | None = None
    """The repo folder behind that path, when there is one."""
    skipped: str | None = None
    """Why it was not built (another repository, missing path, kustomize refuses it …)."""
    objects: list[Res] = field(default_factory=list)
    """The objects it applies (kept kinds only), after substitution."""
    shadowed: list[Res] = field(default_factory=list)
    """Objects it applies that an earlier Kustomization already applied (kept there, warned about)."""

    @property
    def path(self) -> str:
        """``spec.path`` as written."""
        return text(self.spec.get("path")) or "./"

    @property
    def by_hand(self) -> bool:
        """An entry folder applied by hand (``kubectl apply -k``), not by a Flux Kustomization."""
        return not self.name

    def describe(self) -> str:
        """``Kustomization namespace/name`` for messages."""
        return "the entry folder (applied by hand)" if self.by_hand else f"Kustomization {self.namespace}/{self.name}"

    def where(self) -> tuple[str, int | None]:
        """file:line of the object (the entry folder for an implicit root)."""
        if self.res is not None:
            return self.res.file, self.res.line
        return self.declared or (normalize(self.path) or ".", None)


@dataclass
class Build:
    """Everything the reader found in one repository."""

    repo: Path
    """The repository folder."""
    entry: str
    """The entry folder, repo-relative."""
    entry_how: str
    """How the entry point was found."""
    revision: str | None
    """The commit of the checkout, when it is one."""
    kustomizations: list[FluxKustomization]
    """Every Flux Kustomization, entry point first, in build order."""
    objects: list[Res]
    """Every object applied, each once."""
    diagnostics: Diagnostics
    """What could not be fully read (more may be added while observing)."""
    repo_sources: dict[Key, str]
    """The sources that are this repository, and how that was decided."""
    verbose: bool = False
    """List every warning rather than each cause once."""

    @property
    def warnings(self) -> list[Any]:
        """The warnings so far."""
        return self.diagnostics.warnings(self.verbose)


def build(repo: Path, path: str | None = None, source: str | None = None, verbose: bool = False) -> Build:
    """Read ``repo`` as Flux would apply it from the entry point ``path`` (auto-detected when None).

    ``source`` (``KIND/NAMESPACE/NAME``) names the source that is this repository.
    """
    shown = display(repo)
    if not repo.is_dir():
        raise BadInput(
            Problem(shown, None, None, "repository folder not found (expected a checked-out Flux repository)")
        )
    forced = None
    if source is not None:
        forced = parse_source(source)
        if forced is None:
            raise BadInput(
                Problem(
                    "--source",
                    None,
                    None,
                    f"got {source!r} (expected KIND/NAMESPACE/NAME, KIND one of GitRepository, OCIRepository, Bucket)",
                )
            )
    files = Repo(repo)
    entry = entry_point(files, shown, path)
    reader = _Reader(files, entry, forced, git_remotes(repo))
    reader.run()
    if reader.retry:
        reader = _Reader(files, entry, forced, git_remotes(repo), seeded=reader.vars)
        reader.run()
    for folder in files.unreadable:
        reader.diag.warn(
            folder or ".",
            None,
            "folder could not be read (permission denied): its files are not seen",
            "folders could not be read (permission denied): their files are not seen",
        )
    for folder in files.elsewhere:
        reader.diag.warn(
            folder,
            None,
            "folder is another filesystem (a mount point): not read",
            "folders on another filesystem (mount points) are not read",
        )
    return Build(
        repo=repo,
        entry=entry.folder,
        entry_how=entry.how,
        revision=revision(repo),
        kustomizations=reader.done,
        objects=reader.objects,
        diagnostics=reader.diag,
        repo_sources=dict(reader.sources.chosen),
        verbose=verbose,
    )


class _Reader:
    def __init__(
        self,
        repo: Repo,
        entry: Entry,
        forced: Key | None,
        remotes: list[tuple[str, str]],
        seeded: dict[tuple[str, str, str], VarSource] | None = None,
    ) -> None:
        self.repo = repo
        self.entry = entry
        self.diag = Diagnostics()
        for note in entry.notes:
            file, line = (entry.root.file, entry.root.line) if entry.root else (entry.folder, None)
            self.diag.warn(file, line, note)
        self.sources = Sources(repo, entry.folder)
        decide_before(self.sources, repo, entry, forced, remotes, self.diag)
        self.seeded = seeded or {}
        self.vars: dict[tuple[str, str, str], VarSource] = dict(self.seeded)
        self.owner: dict[tuple[str, str, str, str], FluxKustomization] = {}
        self.objects: list[Res] = []
        self.done: list[FluxKustomization] = []
        self.known: set[tuple[str, str]] = set()
        self.queue: deque[FluxKustomization] = deque()
        self.waiting: list[FluxKustomization] = []
        self.told: set[tuple[str, str, str]] = set()
        self.late_vars: list[tuple[FluxKustomization, list[tuple[str, str]], bool]] = []
        self.retry = False

    # --- the walk ----------------------------------------------------------------------------------------------

    def run(self) -> None:
        self.queue.append(self._root())
        while self.queue or self.waiting:
            if not self.queue:
                ready = [w for w in self.waiting if not self._blocked(w)]
                item = ready[0] if ready else self.waiting[0]
                self.waiting.remove(item)
                self._process(item, forced=not ready)
                self.done.append(item)
                continue
            item = self.queue.popleft()
            if self._blocked(item):
                self.waiting.append(item)
                continue
            self._process(item)
            self.done.append(item)
        self._settle_late_vars()
        if not self.sources.settled:
            decide_after(self.sources, None, [], self.diag)
        self._check_assumed()

    def _check_assumed(self) -> None:
        """The namespace assumed for a Flux Operator root, against where the build puts what declares it."""
        root, assumed = self.entry.root, self.entry.assumed
        if root is None or assumed is None:
            return
        kind, name = assumed
        landed = sorted({o.namespace for o in self.objects if (o.kind, o.name) == (kind, name)})
        if landed == [root.namespace]:
            return
        where = f"is applied in namespace {', '.join(landed)}" if landed else "is not applied by any Kustomization"
        self.diag.warn(
            root.file,
            root.line,
            f"{kind} {name} {where}; the reader took the Flux Operator's root Kustomization and source to be in "
            f"{root.namespace}",
        )

    def _root(self) -> FluxKustomization:
        root = self.entry.root
        if root is None:
            return FluxKustomization("", "", {"path": f"./{self.entry.folder}"})
        spec = dict(root.spec)
        if root.patches:
            spec = _operator_patched(root, self.sources, self.diag)
        if root.source is not None:
            self.sources.see(Res(root.source, root.file, root.line))
        self.known.add((root.namespace, root.name))
        return FluxKustomization(root.namespace, root.name, spec, declared=(root.file, root.line))

    def _blocked(self, item: FluxKustomization) -> bool:
        post = item.spec.get("postBuild") if isinstance(item.spec.get("postBuild"), dict) else {}
        for ref in items(post.get("substituteFrom")):
            if not isinstance(ref, dict):
                continue
            wanted = (text(ref.get("kind")) or "", item.namespace, text(ref.get("name")) or "")
            if not ref.get("optional") and wanted not in self.vars:
                return True
        key = ref_key(item.spec.get("sourceRef"), item.namespace)
        if key is None:
            return False
        if key[0] == "ExternalArtifact":
            return (key[1], key[2]) not in self.sources.generators
        return key[0] in REPO_KINDS and self.sources.decided(key) is None

    def _warn(self, item: FluxKustomization, message: str, cause: str | None = None) -> None:
        file, line = item.where()
        self.diag.warn(file, line, message, cause)

    def _tree(self, item: FluxKustomization) -> tuple[Tree | None, str, str]:
        """The tree a Kustomization reads, its label, or why there is none."""
        folder = normalize(item.path)
        if item.by_hand:
            return Tree.subfolder(self.repo, "", "the checkout"), "the checkout", ""
        key = ref_key(item.spec.get("sourceRef"), item.namespace)
        if key is None:
            return None, "no sourceRef", "it has no spec.sourceRef"
        if key[0] == "ExternalArtifact":
            tree, why = self.sources.artifact(key[1], key[2])
            return tree, label(key), why or ""
        if key[0] not in REPO_KINDS:
            kinds = ", ".join(REPO_KINDS)
            return None, label(key), f"source kind {key[0]!r} is not supported (expected {kinds} or ExternalArtifact)"
        tree = self.sources.tree(key, folder)
        return tree, label(key), "" if tree else OTHER_REPO.format(label(key))

    def _process(self, item: FluxKustomization, forced: bool = False) -> None:
        folder = normalize(item.path)
        tree, source, why = self._tree(item)
        if tree is not None and (folder.startswith("../") or folder == ".." or not tree.is_dir(folder)):
            tree, why = None, f"its path {item.path!r} is not a folder in {source}"
        if tree is None:
            item.skipped = why
            cause = why if why.startswith(source) and "another repository" in why else None
            hint = self._hint() if cause else ""
            self._warn(item, f"{item.describe()} not followed: {why}{hint}", cause + hint if cause else None)
            return
        item.source, item.folder, item.repo_folder = tree.label, folder, tree.repo_folder(folder)
        kustomizer = Kustomizer(tree, self.diag)
        try:
            objs = kustomizer.build(folder, item.spec)
            if item.res is None:
                objs = self._adopt(item, objs, kustomizer)
        except BuildError as exc:
            item.skipped = f"kustomize build fails: {exc}"
            self._warn(item, f"{item.describe()} applies nothing: kustomize build fails ({exc}), as it would in Flux")
            return
        objs = [o for o in objs if o.kind in KEPT_KINDS]
        variables = self._variables(item, forced, objs)
        for obj in objs:
            try:
                obj = substitute.apply(obj, variables)
            except SubstitutionError as exc:
                self.diag.warn(obj.file, obj.line, f"{obj.describe()}: variable substitution failed: {exc}")
            if obj.namespaced and not obj.namespace:
                self.diag.warn(
                    obj.file,
                    obj.line,
                    f"{obj.describe()} has no namespace and {item.describe()} sets no targetNamespace "
                    "(kustomize-controller refuses it: namespace not specified); read as `default`",
                    "objects with no namespace where nothing sets one (kustomize-controller refuses them); "
                    "read as `default`",
                )
                obj = obj.with_meta(namespace="default")
            self._register(item, obj)

    def _hint(self) -> str:
        if "assumed" in self.sources.rules:
            return " (if it is this repository, pass --source KIND/NAMESPACE/NAME)"
        return ""

    def _adopt(self, item: FluxKustomization, objs: list[Res], kustomizer: Kustomizer) -> list[Res]:
        """A Kustomization in the entry folder that syncs that same folder is the root (it applies itself)."""
        if normalize(item.path) != self.entry.folder:
            return objs
        flux = [o for o in objs if o.kind == "Kustomization" and o.group == FLUX_KUSTOMIZE]
        for obj in flux:
            if normalize(text(obj.spec.get("path")) or "") != self.entry.folder:
                continue
            if item.by_hand or (obj.namespace, obj.name) == (item.namespace, item.name):
                if item.by_hand and not self.sources.settled:
                    decide_after(self.sources, obj, flux, self.diag)
                key = ref_key(obj.spec.get("sourceRef"), obj.namespace)
                if key is not None and not self.sources.is_self(key):
                    continue
                item.namespace, item.name, item.res, item.spec = obj.namespace, obj.name, obj, obj.spec
                self.known.add((obj.namespace, obj.name))
                if fluxspec.changes_build(obj.spec):
                    return kustomizer.build(self.entry.folder, obj.spec)
                return objs
        if item.by_hand and not self.sources.settled:
            decide_after(self.sources, None, flux, self.diag)
        return objs

    # --- variables ---------------------------------------------------------------------------------------------

    def _variables(self, item: FluxKustomization, forced: bool, objs: list[Res]) -> Variables:
        post = item.spec.get("postBuild") if isinstance(item.spec.get("postBuild"), dict) else {}
        if not post:
            return Variables()
        found: list[VarSource] = []
        missing: list[tuple[str, str]] = []
        for ref in items(post.get("substituteFrom")):
            if not isinstance(ref, dict):
                continue
            kind, name = text(ref.get("kind")) or "", text(ref.get("name")) or ""
            source = self.vars.get((kind, item.namespace, name))
            if source is None:
                if not ref.get("optional"):
                    missing.append((kind, name))
                continue
            if source.encrypted and (kind, item.namespace, name) not in self.told:
                self.told.add((kind, item.namespace, name))
                names = ", ".join(sorted(source.values)) or "none"
                self.diag.warn(
                    source.res.file,
                    source.res.line,
                    f"Secret {item.namespace}/{name} is SOPS-encrypted: its variables ({names}) stay unresolved "
                    "${…} placeholders offline",
                    "SOPS-encrypted Secrets: their variables stay unresolved ${…} placeholders offline",
                )
            found.append(source)
        if missing:
            uses = any("${" in str(o.obj) for o in objs)
            self.late_vars.append((item, missing, uses))
        inline = post.get("substitute") if isinstance(post.get("substitute"), dict) else {}
        variables = substitute.collect(found, inline)
        if variables.invalid:
            self._warn(item, f"variable names Flux rejects were dropped: {', '.join(sorted(variables.invalid))}")
        return variables

    def _settle_late_vars(self) -> None:
        """Warn about ``substituteFrom`` sources never declared; rebuild once when one declared later matters."""
        for item, missing, uses in self.late_vars:
            never = [(k, n) for k, n in missing if (k, item.namespace, n) not in self.vars]
            if uses and len(never) < len(missing) and not self.seeded:
                self.retry = True  # declared later in the build: read again with it known from the start
            for kind, name in never:
                self._warn(
                    item,
                    f"substituteFrom {kind} {item.namespace}/{name} is not in the repo (expected it declared in "
                    "Git, or `optional: true`); its variables stay empty",
                    "substituteFrom ConfigMaps/Secrets not declared in the repo: their variables stay empty",
                )

    # --- registering -------------------------------------------------------------------------------------------

    def _register(self, item: FluxKustomization, obj: Res) -> None:
        key = obj.key()
        first = self.owner.get(key)
        if first is not None and first.by_hand and first is not item:
            # applied once by hand to start Flux, then managed by this Kustomization: its copy is what stays
            self.objects = [o for o in self.objects if o.key() != key]
            first = None
        if first is not None:
            other = "the same Kustomization" if first is item else first.describe()
            self.diag.warn(
                obj.file,
                obj.line,
                f"{obj.describe()} is also applied by {other}; the first one read is kept",
                "objects applied by two Kustomizations (kustomize-controller would fight over them); the first "
                "one read is kept",
            )
            item.shadowed.append(obj)
            return
        self.owner[key] = item
        self.objects.append(obj)
        item.objects.append(obj)
        if obj.kind in ("ConfigMap", "Secret") and obj.group == "":
            self.vars.setdefault((obj.kind, obj.namespace, obj.name), substitute.var_source(obj))
        elif obj.kind == "ArtifactGenerator":
            self.sources.add_generator(obj)
        elif obj.kind in REPO_KINDS and obj.group.startswith("source.toolkit.fluxcd.io"):
            self.sources.see(obj)
        elif obj.kind == "Kustomization" and obj.group == FLUX_KUSTOMIZE:
            ident = (obj.namespace, obj.name)
            if ident not in self.known:
                self.known.add(ident)
                self.queue.append(FluxKustomization(obj.namespace, obj.name, obj.spec, obj))


def _operator_patched(root: Any, sources: Sources, diag: Diagnostics) -> dict[str, Any]:
    """The root Kustomization's spec after the Flux Operator's ``kustomize.patches`` (they patch it too)."""
    from labbook.sources.flux.transformers import patch
    from labbook.sources.flux.transformers.base import Level

    made = [Res(root.source, root.file, root.line)] if root.source else []
    ks = {
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": {"name": root.name, "namespace": root.namespace},
        "spec": dict(root.spec),
    }
    made.append(Res(ks, root.file, root.line))
    level = Level(Tree.subfolder(sources.repo, "", "repo"), diag, "", {"patches": root.patches}, (root.file, root.line))
    try:
        out = patch.apply(level, made)
    except BuildError as exc:
        diag.warn(root.file, root.line, f"Flux Operator kustomize.patches cannot apply: {exc}")
        return dict(root.spec)
    return next((o.spec for o in out if o.kind == "Kustomization"), dict(root.spec))
