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
from pathlib import Path

from labbook.errors import BadInput, Problem
from labbook.files import display
from labbook.sources.flux import fluxspec, substitute
from labbook.sources.flux.diagnostics import Diagnostics
from labbook.sources.flux.entry import FLUX_KUSTOMIZE, Entry, entry_point, normalize
from labbook.sources.flux.git import remotes as git_remotes
from labbook.sources.flux.git import revision
from labbook.sources.flux.kustomize import Kustomizer
from labbook.sources.flux.loader import KEPT_KINDS
from labbook.sources.flux.postbuild import PostBuild, VarKey
from labbook.sources.flux.resource import Res, text
from labbook.sources.flux.result import Build, FluxKustomization
from labbook.sources.flux.selfsource import decide_after, decide_before
from labbook.sources.flux.sources import REPO_KINDS, Key, Sources, label, parse_source, ref_key
from labbook.sources.flux.substitute import SubstitutionError, VarSource
from labbook.sources.flux.transformers import BuildError
from labbook.sources.flux.tree import Repo, Tree

OTHER_REPO = "{} is another repository, which an offline reader cannot see: Kustomizations reading it are not followed"


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
        reader = _Reader(files, entry, forced, git_remotes(repo), seeded=reader.post.vars)
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
        seeded: dict[VarKey, VarSource] | None = None,
    ) -> None:
        self.repo = repo
        self.entry = entry
        self.diag = Diagnostics()
        for note in entry.notes:
            file, line = (entry.root.file, entry.root.line) if entry.root else (entry.folder, None)
            self.diag.warn(file, line, note)
        self.sources = Sources(repo, entry.folder)
        decide_before(self.sources, repo, entry, forced, remotes)
        self.post = PostBuild(self.diag, seeded)
        self.owner: dict[tuple[str, str, str, str], FluxKustomization] = {}
        self.objects: list[Res] = []
        self.done: list[FluxKustomization] = []
        self.known: set[tuple[str, str]] = set()
        self.queue: deque[FluxKustomization] = deque()
        self.waiting: list[FluxKustomization] = []
        self.retry = False

    # --- the walk ----------------------------------------------------------------------------------------------

    def run(self) -> None:
        self.queue.append(self._root())
        while self.queue or self.waiting:
            if not self.queue:
                ready = [w for w in self.waiting if not self._blocked(w)]
                item = ready[0] if ready else self.waiting[0]
                self.waiting.remove(item)
                self._process(item)
                self.done.append(item)
                continue
            item = self.queue.popleft()
            if self._blocked(item):
                self.waiting.append(item)
                continue
            self._process(item)
            self.done.append(item)
        self.retry = self.post.settle()
        if not self.sources.settled:
            decide_after(self.sources, None, [])
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
        spec = root.patched_spec(Tree.subfolder(self.repo, "", "repo"), self.diag)
        if root.source is not None:
            self.sources.see(Res(root.source, root.file, root.line))
        self.known.add((root.namespace, root.name))
        return FluxKustomization(root.namespace, root.name, spec, declared=(root.file, root.line))

    def _blocked(self, item: FluxKustomization) -> bool:
        if self.post.blocked(item.namespace, item.spec):
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

    def _process(self, item: FluxKustomization) -> None:
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
        variables = self.post.variables(item.where(), item.namespace, item.spec, objs)
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
                    decide_after(self.sources, obj, flux)
                key = ref_key(obj.spec.get("sourceRef"), obj.namespace)
                if key is not None and not self.sources.is_self(key):
                    continue
                built_with, item.spec = item.spec, obj.spec
                item.namespace, item.name, item.res = obj.namespace, obj.name, obj
                self.known.add((obj.namespace, obj.name))
                if obj.spec != built_with and fluxspec.changes_build(obj.spec):
                    return kustomizer.build(self.entry.folder, obj.spec)
                return objs
        if item.by_hand and not self.sources.settled:
            decide_after(self.sources, None, flux)
        return objs

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
            self.post.declare(obj)
        elif obj.kind == "ArtifactGenerator":
            self.sources.add_generator(obj)
        elif obj.kind in REPO_KINDS and obj.group.startswith("source.toolkit.fluxcd.io"):
            self.sources.see(obj)
        elif obj.kind == "Kustomization" and obj.group == FLUX_KUSTOMIZE:
            ident = (obj.namespace, obj.name)
            if ident not in self.known:
                self.known.add(ident)
                self.queue.append(FluxKustomization(obj.namespace, obj.name, obj.spec, obj))
