"""The two histories: the inventory's and the Flux repository's. One class each, in :data:`SOURCES`.

A source says which files of a commit it reads (:meth:`Source.select`), reads
one file's bytes into a partial result (:meth:`Source.read`, once per Git blob)
and composes a commit's partial results into facts (:meth:`Source.compose`).
"""

from __future__ import annotations

from itertools import compress
from operator import is_not
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from labbook.history.chunks import ChunkedParser
from labbook.history.git import Commit, Repo
from labbook.history.kinds import SECTIONS, ItemFacts
from labbook.history.validated import Validator
from labbook.load.errors import problems_from_validation
from labbook.load.yaml import LoadError, decode, parse
from labbook.models.history import Facts, Origin
from labbook.sources.flux.loader import load as load_flux
from labbook.sources.flux.observe import oci_chart, oci_version
from labbook.sources.flux.resource import Res, text

Files = dict[str, str]
"""``{repository path: blob id}`` of the files a source reads in one commit."""


def _join(prefix: str, name: str) -> str:
    return f"{prefix}/{name}" if prefix else name


class Source:
    """One history: which files, how one file reads, how a commit's files make facts."""

    origin: Origin = "inventory"
    keeps_files = False
    """Whether each commit's files are kept in the cache (cheap for a few files, needed to follow renames)."""

    def __init__(self, repo: Repo, folder: Path) -> None:
        self.repo = repo
        self.folder = folder.as_posix()
        """The folder, as given."""
        self.prefix = repo.relpath(folder)
        """The folder, as a Git path in its repository."""

    def key(self) -> str:
        """What the cache of this history is keyed by (besides the repository)."""
        return f"{self.origin}:{self.prefix}"

    def prepare(self, commits: list[Commit], head: str) -> bool:
        """Look at the commits to read, newest last, before reading; True when a cached history must be
        dropped (for example because a new commit renamed a file the history follows)."""
        return False

    def select(self, commit: Commit, parent: Files | None, parent_commit: str | None) -> Files:
        """The files this history reads in ``commit`` (``parent``: the first parent's, when known)."""
        raise NotImplementedError

    def read(self, path: str, data: bytes) -> tuple[Any, str | None]:
        """One file's partial result, or None and a one-line problem."""
        raise NotImplementedError

    def compose(self, parts: dict[str, Any]) -> tuple[Facts, dict[str, str]]:
        """A commit's facts from its files' partial results, and the path each subject is read from."""
        facts: Facts = {}
        where: dict[str, str] = {}
        for path in sorted(parts):
            for subject, values in (parts[path] or {}).items():
                facts[subject] = values
                where[subject] = path
        return facts, where

    def remembered(self) -> dict[str, Any]:
        """What this history would like the next run to start from (values :mod:`marshal` takes; see :meth:`recall`)."""
        return {}

    def recall(self, saved: Any) -> None:
        """Start from what an earlier run's :meth:`remembered` gave (ignored when it is not usable)."""

    def recompose(
        self, old: dict[str, Any], facts: Facts, where: dict[str, str], parts: dict[str, Any], changed: list[str]
    ) -> tuple[Facts, dict[str, str]] | None:
        """:meth:`compose` of ``parts`` from the parent's (``old``, giving ``facts`` and ``where``) when only
        the ``changed`` paths' parts differ, or None to compose them whole.

        When each changed part has the same subjects in the same order, the facts are the parent's with
        those subjects' values replaced where the changed file is the one :meth:`compose` takes them
        from (same subjects, same order, same values)."""
        out = facts
        for path in changed:
            before, after = old.get(path) or {}, parts[path] or {}
            if before is after:
                continue
            if list(before) != list(after):
                return None
            # the subjects whose facts are new objects, paired up in C (unchanged items share their facts)
            for subject in compress(after, map(is_not, after.values(), before.values())):
                if where.get(subject) == path:
                    out = dict(facts) if out is facts else out
                    out[subject] = after[subject]
        return out, where


class InventorySource(Source):
    """``hardware.yaml``, ``platform.yaml`` and ``rdma.yaml``, each followed through renames."""

    origin: Origin = "inventory"
    keeps_files = True

    def __init__(self, repo: Repo, folder: Path) -> None:
        super().__init__(repo, folder)
        self._paths: dict[str, dict[str, str]] = {}
        self._parsers = {section: ChunkedParser() for section in SECTIONS}
        self._validator = Validator()
        self._facts = ItemFacts()
        self._sections = {path: section for section, path in self.head_paths().items()}
        self._at_head: dict[str, str] | None = None
        """The paths at ``HEAD`` (every section in :attr:`prefix`), once :meth:`prepare` ran."""
        self._whole: set[str] | None = None
        """Sections still to read whole once (a run of one new commit: cutting pays off from the second
        revision of a file on, and costs twice a plain parse on the first); None: always cut."""
        self.renamed = False
        """Whether :meth:`prepare` found a rename."""

    def remembered(self) -> dict[str, Any]:
        """The last revision of each section parsed, with its parse: the next run's first revision of a
        file is then usually an edit of it (:mod:`labbook.history.edits`), not a parse."""
        out = {}
        for section, parser in self._parsers.items():
            saved = parser.edits.export()
            if saved is not None:
                out[section] = saved
        return out

    def recall(self, saved: Any) -> None:
        if isinstance(saved, dict):
            for section, parser in self._parsers.items():
                parser.edits.restore(saved.get(section))

    def head_paths(self) -> dict[str, str]:
        """Where each section lives at ``HEAD``."""
        return {section: _join(self.prefix, f"{section}.yaml") for section in SECTIONS}

    def prepare(self, commits: list[Commit], head: str) -> bool:
        """Walk back from ``HEAD`` and note, per commit, the path each section had (``git log --follow``)."""
        paths = self._paths
        paths[head] = self.head_paths()
        self._whole = set(SECTIONS) if len(commits) <= 1 else None
        self.renamed = False
        at_head = self._at_head = paths[head]  # shared by every commit without a rename on the way: never changed
        for commit in reversed(commits):
            mine = paths.setdefault(commit.sha, at_head)
            for parent in commit.parents:
                inherited = mine
                if self._same_folders(mine, parent, commit.sha):
                    paths.setdefault(parent, inherited)
                    continue  # nothing under the sections' folders changed: no rename either
                for section, path in mine.items():
                    if self.repo.blob_at(parent, path) is None and self.repo.blob_at(commit.sha, path) is not None:
                        old = self.repo.renamed_from(parent, commit.sha, path)
                        if old is not None:
                            inherited = dict(inherited) if inherited is mine else inherited
                            inherited[section] = old
                            self._sections.setdefault(old, section)
                            self.renamed = True
                paths.setdefault(parent, inherited)
        return self.renamed

    def _same_folders(self, paths: dict[str, str], a: str, b: str) -> bool:
        """Whether commits ``a`` and ``b`` have the same tree at every folder ``paths`` are in."""
        if paths is self._at_head:  # the usual case: every section in this history's folder
            return self.repo.folder(a, self.prefix) == self.repo.folder(b, self.prefix)
        return all(
            self.repo.folder(a, folder) == self.repo.folder(b, folder)
            for folder in {path.rpartition("/")[0] for path in paths.values()}
        )

    def paths_at(self, sha: str) -> dict[str, str]:
        """Where each section was in commit ``sha`` (followed through renames)."""
        return dict(self._paths.get(sha, self.head_paths()))

    def select(self, commit: Commit, parent: Files | None, parent_commit: str | None) -> Files:
        paths = self._paths.get(commit.sha)
        if (
            parent is not None
            and parent_commit is not None
            and paths is not None
            and self._paths.get(parent_commit) == paths
            and self._same_folders(paths, parent_commit, commit.sha)
        ):
            return parent  # the same paths, in folders that did not change
        out: Files = {}
        for section, path in self.paths_at(commit.sha).items():
            blob = self.repo.blob_at(commit.sha, path)
            if blob is not None:
                out[path] = blob
                self._sections.setdefault(path, section)
        return out

    def section(self, path: str) -> str:
        """The section a path holds: the one it was followed from, else the one its file name says."""
        return self._sections.get(path) or Path(path).stem

    def read(self, path: str, data: bytes) -> tuple[Any, str | None]:
        section = self.section(path)
        model, project = SECTIONS[section]
        try:
            whole = self._whole is not None and section in self._whole
            if whole:
                self._whole.discard(section)  # type: ignore[union-attr]
            tree = self._parsers[section].parse(path, decode(path, data), whole=whole)
            return project(self._validator.validate(model, tree), self._facts), None
        except LoadError as exc:
            return None, str(exc.problem)
        except ValidationError as exc:
            located = parse(path, decode(path, data))
            first = problems_from_validation(path, located, model, exc)[0]
            return None, str(first)


class FluxSource(Source):
    """Every HelmRelease in the YAML files of a Flux repository folder, with chart and version.

    Chart and version are read as :mod:`labbook.sources.flux.observe` reads them:
    ``spec.chart.spec`` (version ``*`` when unset), or ``spec.chartRef`` to an
    OCIRepository (chart: last URL segment; version: tag, semver or digest, else
    ``latest``) or a HelmChart. A HelmRelease is known by its namespace as written
    in its file and its name, so a moved file is no change.
    """

    origin: Origin = "flux"

    def __init__(self, repo: Repo, folder: Path) -> None:
        super().__init__(repo, folder)
        self._trees: dict[str, str | None] = {}

    def select(self, commit: Commit, parent: Files | None, parent_commit: str | None) -> Files:
        tree = self.repo.tree(commit.sha, self.prefix)
        self._trees[commit.sha] = tree
        if tree is None:
            return {}
        old = self._trees.get(parent_commit) if parent_commit else None
        if old is None and parent is not None and parent_commit:  # a parent read in an earlier run
            old = self._trees[parent_commit] = self.repo.tree(parent_commit, self.prefix)
        if parent is not None and old is not None and old == tree:
            return parent
        if parent is None or old is None:
            changed: dict[str, str | None] = dict(self.repo.files(tree))
            files: Files = {}
        else:
            changed = self.repo.changed(old, tree)
            files = dict(parent)
        for rel, blob in changed.items():
            if not rel.endswith((".yaml", ".yml")):
                continue
            path = _join(self.prefix, rel)
            if blob is None:
                files.pop(path, None)
            else:
                files[path] = blob
        return files

    def read(self, path: str, data: bytes) -> tuple[Any, str | None]:
        if b"HelmRelease" not in data and b"OCIRepository" not in data and b"HelmChart" not in data:
            return {}, None
        docs, problem = load_flux(data)
        if problem is not None:
            return None, f"{path}:{problem.line or 1}: {problem.message}"
        releases: dict[str, dict[str, str]] = {}
        charts: dict[str, dict[str, str]] = {}
        for doc in docs:
            if not isinstance(doc.obj, dict):
                continue
            res = Res(doc.obj, path, doc.line)
            if doc.kind == "HelmRelease":
                releases[_ident(res.namespace, res.name)] = _release(res)
            elif doc.kind == "OCIRepository":
                charts[f"OCIRepository/{_ident(res.namespace, res.name)}"] = {
                    "chart": oci_chart(text(res.spec.get("url"))) or "?",
                    "version": oci_version(res.spec),
                }
            elif doc.kind == "HelmChart":
                charts[f"HelmChart/{_ident(res.namespace, res.name)}"] = {
                    "chart": text(res.spec.get("chart")) or "?",
                    "version": text(res.spec.get("version")) or "*",
                }
        return {"releases": releases, "charts": charts}, None

    def compose(self, parts: dict[str, Any]) -> tuple[Facts, dict[str, str]]:
        charts: dict[str, dict[str, str]] = {}
        for part in parts.values():
            charts.update((part or {}).get("charts", {}))
        facts: Facts = {}
        where: dict[str, str] = {}
        for path in sorted(parts):
            for ident, release in (parts[path] or {}).get("releases", {}).items():
                ref = release.get("chartRef")
                if ref is not None:
                    release = {k: v for k, v in release.items() if k != "chartRef"}
                    target = charts.get(ref) or charts.get(f"{ref.partition('/')[0]}/{ref.rpartition('/')[2]}")
                    release["chart"] = target["chart"] if target else "?"
                    release["version"] = target["version"] if target else "?"
                facts[f"helmrelease/{ident}"] = release
                where[f"helmrelease/{ident}"] = path
        return facts, where

    def recompose(
        self, old: dict[str, Any], facts: Facts, where: dict[str, str], parts: dict[str, Any], changed: list[str]
    ) -> tuple[Facts, dict[str, str]] | None:
        """A bump in one file of a large Flux repository, without composing every file again: when the
        changed files keep their charts and their HelmReleases (same ones, same order, none by
        ``chartRef``), the facts are the parent's with those releases replaced where their file is the
        one :meth:`compose` takes them from (same subjects, same order, same values)."""
        out = facts
        for path in changed:
            before, after = old.get(path) or {}, parts[path] or {}
            if before is after:
                continue
            if before.get("charts", {}) != after.get("charts", {}):
                return None
            releases, previous = after.get("releases", {}), before.get("releases", {})
            if list(releases) != list(previous):
                return None
            for ident, release in releases.items():
                if "chartRef" in release or "chartRef" in previous[ident]:
                    return None
                subject = f"helmrelease/{ident}"
                if where.get(subject) == path and facts.get(subject) is not release:
                    out = dict(facts) if out is facts else out
                    out[subject] = release
        return out, where


def _ident(namespace: str, name: str) -> str:
    return f"{namespace}/{name}" if namespace else name


def _release(res: Res) -> dict[str, str]:
    spec = res.spec
    chart = spec.get("chart")
    chart_spec = chart.get("spec") if isinstance(chart, dict) else None
    if isinstance(chart_spec, dict):
        ref = chart_spec.get("sourceRef") if isinstance(chart_spec.get("sourceRef"), dict) else {}
        return {
            "chart": text(chart_spec.get("chart")) or "?",
            "version": text(chart_spec.get("version")) or "*",
            "source": f"{text(ref.get('kind')) or '?'} {text(ref.get('name')) or '?'}",
        }
    ref = spec.get("chartRef")
    if isinstance(ref, dict):
        kind = text(ref.get("kind")) or "?"
        namespace = text(ref.get("namespace")) or res.namespace
        return {
            "source": f"{kind} {text(ref.get('name'))}",
            "chartRef": f"{kind}/{_ident(namespace, text(ref.get('name')) or '')}",
        }
    return {"chart": "?", "version": "?"}


SOURCES: dict[Origin, type[Source]] = {"inventory": InventorySource, "flux": FluxSource}
"""Every history, by origin."""
