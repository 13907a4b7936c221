"""The kustomize oracle: what real ``kubectl kustomize`` plus Flux's postBuild substitution make of a Flux repo.

It walks the repository the way Flux does, independently of labbook's reader
(no import from ``labbook``): every source that is the repository gets a copy of
it without what its ignore rules hide (Flux's built-in exclusions, ``.sourceignore``
files, the source's own ``spec.ignore``); each Flux Kustomization's folder gets
its kustomization file rewritten (or generated) the way kustomize-controller
does it (fluxcd/pkg kustomize_generator.go: ``targetNamespace``, ``namePrefix``,
``nameSuffix``, ``patches``, ``components``, legacy patch lists); then
``kubectl kustomize --load-restrictor LoadRestrictionsNone``; then ``${VAR}``
substitution on each output document's text, with variables from the
ConfigMaps and Secrets earlier builds produced.

What an offline copy cannot have is removed from the copies once, and recorded
in :attr:`Oracle.prepared`: remote resources and components (kustomize would
fetch them), and generator inputs that are URLs or missing (the corpora keep
YAML files only; a missing input becomes an empty file). A path kustomize still
cannot build is recorded as skipped with kustomize's reason.

The case names the root: the Kustomization that syncs the entry folder and the
source it reads (or ``None`` for an entry applied by hand, ``kubectl apply -k``).
When a Kustomization had to be built before a ConfigMap or Secret it substitutes
from was declared (only its own children declare it), the walk runs a second
time with those known from the start, as the cluster has them once applied.
"""

from __future__ import annotations

import base64
import posixpath
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec
import yaml

KFILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
DEFAULT_IGNORES = [
    "*.jpg", "*.jpeg", "*.gif", "*.png", "*.wmv", "*.flv",
    "*.tar.gz", "*.zip", ".github/", ".circleci/", ".travis.yml", ".gitlab-ci.yml", "appveyor.yml", ".drone.yml",
    "cloudbuild.yaml", "codeship-services.yml", "codeship-steps.yml", "**/.goreleaser.yml", "**/.sops.yaml",
    "**/.flux.yaml",
]  # fmt: skip
COMPARED = (
    "HelmRelease",
    "HelmRepository",
    "OCIRepository",
    "HelmChart",
    "GitRepository",
    "Kustomization",
    "Namespace",
)
VAR = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[=-])((?:[^}$]|\$(?!\{))*))?\}")
REMOTE = re.compile(r"^(https?://|git@|github\.com/|gitlab\.com/)|\?ref=")
CHECKOUT = "checkout"
"""The pseudo source an entry applied by hand reads: the plain checkout."""

Row = tuple[str, str, str, str | None, str | None]


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


def _load_all(text: str) -> list[Any]:
    return [d for d in yaml.load_all(text, Loader=_Loader) if d]


@dataclass(frozen=True)
class Root:
    """The Kustomization that syncs the entry folder (as the repository's owner set it up)."""

    namespace: str
    name: str
    kind: str
    """Source kind."""
    source: str
    """Source name."""
    extra: tuple[tuple[str, Any], ...] = ()
    """Other spec fields it has (e.g. ``postBuild`` added by Flux Operator patches)."""


@dataclass
class Result:
    """One Flux Kustomization as the oracle saw it."""

    path: str
    rows: set[Row] = field(default_factory=set)
    skipped: str | None = None


def _subst(text: str, values: dict[str, str], unresolved: set[str]) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        name, op, default = m.group(1), m.group(2), m.group(3)
        if name in unresolved:
            return "${" + name + "}"
        value = values.get(name, "")
        return value if value or not op else default

    return VAR.sub(one, text)


VCS_IGNORES = [".git/", ".gitignore", ".gitmodules", ".gitattributes"]


def _excluded(rel: str, patterns: list[tuple[bool, pathspec.PathSpec]]) -> bool:
    """source-controller's rule (go-git v5 gitignore): the last pattern matching the path or one of its leading
    folders decides, an inclusion (``!``) as much as an exclusion."""
    parts = rel.split("/")
    candidates = ["/".join(parts[:i]) + "/" for i in range(1, len(parts))] + [rel]
    for negated, spec in reversed(patterns):
        if any(spec.match_file(c) for c in candidates):
            return not negated
    return False


def _copy(repo: Path, dest: Path, ignore: str) -> None:
    own: list[str] = []
    for found in sorted(repo.rglob(".sourceignore")):
        base = found.parent.relative_to(repo).as_posix()
        for raw in found.read_text().splitlines():
            if not raw.strip() or raw.startswith("#"):
                continue
            neg, body = (raw.startswith("!"), raw.lstrip("!"))
            if base != ".":
                body = f"/{base}/{body.lstrip('/')}" if "/" in body.rstrip("/") else f"/{base}/**/{body}"
            own.append(("!" if neg else "") + body)
    own += [ln for ln in ignore.splitlines() if ln.strip() and not ln.startswith("#")]
    lines = VCS_IGNORES + own if own else VCS_IGNORES + DEFAULT_IGNORES  # storage.SourceIgnoreFilter
    patterns = [(line.startswith("!"), pathspec.PathSpec.from_lines("gitignore", [line.lstrip("!")])) for line in lines]
    for path in sorted(repo.rglob("*")):
        rel = path.relative_to(repo).as_posix()
        if path.is_dir() or path.is_symlink() or _excluded(rel, patterns):
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest / rel)


class Oracle:
    """Builds every Flux Kustomization of one repository with kubectl."""

    def __init__(
        self,
        kubectl: Path,
        repo: Path,
        entry: str,
        work: Path,
        roots: dict[str, str],
        root: Root | None = None,
        ignores: dict[str, str] | None = None,
    ) -> None:
        self.kubectl, self.entry, self.roots, self.root = kubectl, entry, roots, root
        self.prepared: list[str] = []
        self.copies: dict[str, Path] = {}
        for i, ignore in enumerate(sorted({"", *(ignores or {}).values()})):
            dest = work / f"repo-{i}"
            _copy(repo, dest, ignore)
            self._prepare(dest)
            self.copies[ignore] = dest
        self.ignores = ignores or {}
        self.artifacts = work / "artifacts"
        self.seeded: dict[tuple[str, str, str], tuple[dict[str, str], bool]] = {}

    # -- making the copies buildable offline ------------------------------------------------------------------

    def _prepare(self, root: Path) -> None:
        for kfile in sorted(p for name in KFILES for p in root.rglob(name)):
            try:
                kust = yaml.safe_load(kfile.read_text())
            except yaml.YAMLError:
                continue
            if not isinstance(kust, dict):
                continue
            changed = False
            for key in ("resources", "bases", "components"):
                kept = [e for e in kust.get(key) or [] if not REMOTE.search(str(e))]
                if len(kept) != len(kust.get(key) or []):
                    kust[key], changed = kept, True
            for gen in [*(kust.get("configMapGenerator") or []), *(kust.get("secretGenerator") or [])]:
                if not isinstance(gen, dict):
                    continue
                for key in ("files", "envs"):
                    entries = []
                    for entry in gen.get(key) or []:
                        target = str(entry).partition("=")[2] if "=" in str(entry) else str(entry)
                        if REMOTE.search(target):
                            changed = True
                            continue
                        local = kfile.parent / target
                        if not local.exists():
                            local.parent.mkdir(parents=True, exist_ok=True)
                            local.write_text("")
                            self.prepared.append(f"stubbed {local.relative_to(root)}")
                        entries.append(entry)
                    if gen.get(key):
                        gen[key] = entries
            if changed:
                self.prepared.append(f"remote entries removed from {kfile.relative_to(root)}")
                kfile.write_text(yaml.safe_dump(kust, sort_keys=False))

    # -- traversal ---------------------------------------------------------------------------------------------

    def run(self) -> dict[tuple[str, str], Result]:
        """Build every Flux Kustomization reachable from the entry point, then resolve HelmRelease charts."""
        results = self._walk()
        late = {k for k in self.missing if k in self.vars}
        if late:  # declared by a Kustomization built after the one that needed it: known from the start
            self.seeded = {k: self.vars[k] for k in late}
            results = self._walk()
        return results

    def _walk(self) -> dict[tuple[str, str], Result]:
        self.vars: dict[tuple[str, str, str], tuple[dict[str, str], bool]] = dict(self.seeded)
        self.missing: set[tuple[str, str, str]] = set()
        self.generators: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]] = {}
        self.sources: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.results: dict[tuple[str, str], Result] = {}
        self.hr_specs: dict[tuple[str, str], list[tuple[tuple[str, str], dict[str, Any]]]] = {}
        if self.artifacts.exists():
            shutil.rmtree(self.artifacts)
        root = self.root
        if root is None:
            first = ("", "", {"path": f"./{self.entry}", "sourceRef": {"kind": CHECKOUT, "name": CHECKOUT}})
        else:
            spec = {
                "path": f"./{self.entry}",
                "sourceRef": {"kind": root.kind, "name": root.source},
                **dict(root.extra),
            }
            first = (root.namespace, root.name, spec)
        self.adopted: tuple[str, str] | None = None
        queue: list[tuple[str, str, dict[str, Any]]] = [first]
        seen = {(first[0], first[1])}
        waiting: list[tuple[str, str, dict[str, Any]]] = []
        while queue or waiting:
            if queue:
                item = queue.pop(0)
                if self._blocked(item):
                    waiting.append(item)
                    continue
            else:
                ready = [w for w in waiting if not self._blocked(w)]
                item = ready[0] if ready else waiting[0]
                waiting.remove(item)
            children = self._build(*item)
            if self.adopted:
                seen.add(self.adopted)
            for child in children:
                if (child[0], child[1]) not in seen:
                    seen.add((child[0], child[1]))
                    queue.append(child)
        return self.finish()

    def _blocked(self, item: tuple[str, str, dict[str, Any]]) -> bool:
        ns, _, spec = item
        for ref in (spec.get("postBuild") or {}).get("substituteFrom") or []:
            if not ref.get("optional") and (ref.get("kind"), ns, ref.get("name")) not in self.vars:
                return True
        src = spec.get("sourceRef") or {}
        return (
            src.get("kind") == "ExternalArtifact"
            and (src.get("namespace") or ns, src.get("name")) not in self.generators
        )

    def _source_dir(self, ns: str, spec: dict[str, Any]) -> Path | None:
        src = spec.get("sourceRef") or {}
        kind, name = src.get("kind"), src.get("name")
        if kind == CHECKOUT:
            return self.copies[""]
        if kind == "ExternalArtifact":
            return self._artifact(src.get("namespace") or ns, name)
        key = f"{kind}/{name}"
        folder = self.roots.get(key)
        return None if folder is None else self.copies[self.ignores.get(key, "")] / folder

    def _artifact(self, ns: str, name: str) -> Path | None:
        found = self.generators.get((ns, name))
        if found is None:
            return None
        generator, artifact = found
        aliases = {
            s["alias"]: self.copies[""] / self.roots.get(f"{s['kind']}/{s['name']}", "\0")
            for s in generator["spec"]["sources"]
        }
        out = self.artifacts / ns / name
        if out.exists():
            return out
        out.mkdir(parents=True)
        for op in artifact.get("copy") or []:
            alias, _, pattern = op["from"][1:].partition("/")
            base, dest = aliases[alias], out / op["to"].removeprefix("@artifact/")
            if pattern.endswith("/**"):
                shutil.copytree(base / pattern[:-3], dest, dirs_exist_ok=True)
            elif (base / pattern).is_dir():
                shutil.copytree(base / pattern, dest / Path(pattern.rstrip("/")).name, dirs_exist_ok=True)
            else:
                target = dest / Path(pattern).name if op["to"].endswith("/") else dest
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(base / pattern, target)
        return out

    def _build(self, ns: str, name: str, spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
        result = self.results.setdefault((ns, name), Result(spec.get("path") or "./"))
        base = self._source_dir(ns, spec)
        if base is None:
            result.skipped = "its source is not this repository"
            return []
        folder = base / posixpath.normpath((spec.get("path") or ".").lstrip("/"))
        if not folder.is_dir():
            result.skipped = f"{spec.get('path')} is not a folder"
            return []
        docs = self._kustomize(folder, ns, spec, result)
        if docs is None:
            return []
        if "_adopted" not in spec:  # the Kustomization in the entry folder that syncs that folder is the root
            for doc in docs:
                real, meta = doc.get("spec") or {}, doc.get("metadata") or {}
                same = posixpath.normpath(str(real.get("path", "")).lstrip("/")) == self.entry
                ident = (meta.get("namespace") or "", meta.get("name") or "")
                if doc.get("kind") != "Kustomization" or not same or (name and ident != (ns, name)):
                    continue
                if self._source_dir(ident[0], real) is None:
                    continue
                if not name:  # applied by hand: from now on it is that Kustomization
                    self.adopted = ident
                    del self.results[(ns, name)]
                    ns, name = ident
                    result = self.results.setdefault(ident, Result(real.get("path") or "./"))
                if any(real.get(k) for k in ("postBuild", "patches", "targetNamespace", "components",
                                             "namePrefix", "nameSuffix")):  # fmt: skip
                    result.rows.clear()
                    self.hr_specs.pop((ns, name), None)
                    return self._build(ns, name, {**real, "_adopted": True})
                break
        return self._collect(ns, name, spec, docs, result)

    def _kustomize(self, folder: Path, ns: str, spec: dict[str, Any], result: Result) -> list[dict[str, Any]] | None:
        kfile = next((folder / f for f in KFILES if (folder / f).is_file()), None)
        original = kfile.read_text() if kfile else None
        kust = yaml.safe_load(original) if original else {"resources": self._generated(folder)}
        for flux, field_name in (("targetNamespace", "namespace"), ("namePrefix", "namePrefix"),
                                 ("nameSuffix", "nameSuffix")):  # fmt: skip
            if isinstance(spec.get(flux), str):
                kust[field_name] = spec[flux]
        for key in ("patches", "patchesStrategicMerge", "patchesJson6902"):
            if spec.get(key):
                kust[key] = [*(kust.get(key) or []), *spec[key]]
        for component in spec.get("components") or []:
            if (folder / component).exists() or not spec.get("ignoreMissingComponents"):
                kust["components"] = [*(kust.get("components") or []), component]
        target = kfile or folder / "kustomization.yaml"
        target.write_text(yaml.safe_dump(kust, sort_keys=False))
        try:
            proc = subprocess.run(
                [str(self.kubectl), "kustomize", "--load-restrictor", "LoadRestrictionsNone", str(folder)],
                capture_output=True,
                text=True,
                timeout=120,
            )
        finally:
            if original is None:
                target.unlink()
            else:
                target.write_text(original)
        if proc.returncode != 0:
            result.skipped = "kustomize: " + (proc.stderr.strip().splitlines() or ["failed"])[-1][:300]
            return None
        docs = []
        values, unresolved = self._variables(ns, spec)
        for chunk in re.split(r"^---\n", proc.stdout, flags=re.M):
            if not chunk.strip():
                continue
            (doc,) = _load_all(chunk)
            meta = doc.get("metadata") or {}
            disabled = "disabled" in ((meta.get("labels") or {}).get("kustomize.toolkit.fluxcd.io/substitute"),
                                      (meta.get("annotations") or {}).get("kustomize.toolkit.fluxcd.io/substitute"))  # fmt: skip
            if (values or unresolved) and not disabled:
                (doc,) = _load_all(_subst(chunk, values, unresolved))
            docs.append(doc)
        return docs

    def _generated(self, folder: Path) -> list[str]:
        out: list[str] = []

        def walk(d: Path) -> None:
            for p in sorted(d.iterdir(), key=lambda p: p.name):
                if p.is_dir():
                    if any((p / f).is_file() for f in KFILES):
                        out.append(p.relative_to(folder).as_posix())
                    else:
                        walk(p)
                elif p.suffix in (".yaml", ".yml"):
                    out.append(p.relative_to(folder).as_posix())

        walk(folder)
        return out

    def _variables(self, ns: str, spec: dict[str, Any]) -> tuple[dict[str, str], set[str]]:
        post = spec.get("postBuild") or {}
        values: dict[str, str] = {}
        unresolved: set[str] = set()
        for ref in post.get("substituteFrom") or []:
            key = (ref.get("kind"), ns, ref.get("name"))
            found = self.vars.get(key)
            if found is None and not ref.get("optional"):
                self.missing.add(key)
            for var, value in (found[0] if found else {}).items():
                if found[1]:
                    unresolved.add(var)
                    values.pop(var, None)
                else:
                    values[var] = value
                    unresolved.discard(var)
        values.update({str(k): str(v).replace("\n", "") for k, v in (post.get("substitute") or {}).items()})
        unresolved -= set(values)
        return values, unresolved

    def _collect(self, ns: str, name: str, spec: dict[str, Any], docs: list[dict[str, Any]], result: Result):
        children = []
        for doc in docs:
            kind, meta = doc.get("kind"), doc.get("metadata") or {}
            if kind != "Namespace" and not meta.get("namespace"):
                meta["namespace"] = "default"
            dns, dname = meta.get("namespace") if kind != "Namespace" else "", meta.get("name")
            api = str(doc.get("apiVersion", ""))
            if kind in ("ConfigMap", "Secret") and api == "v1":
                data = dict(doc.get("data") or {})
                encrypted = "sops" in doc
                if kind == "Secret" and not encrypted:
                    data = {k: base64.b64decode(v).decode() for k, v in data.items()}
                data.update(doc.get("stringData") or {})
                self.vars.setdefault(
                    (kind, dns, dname), ({k: str(v).replace("\n", "") for k, v in data.items()}, encrypted)
                )
            if kind == "ArtifactGenerator":
                for artifact in doc["spec"].get("artifacts") or []:
                    self.generators.setdefault((dns, artifact["name"]), (doc, artifact))
            if kind in ("OCIRepository", "HelmChart"):
                self.sources.setdefault((kind, dns, dname), doc.get("spec") or {})
            if kind == "Kustomization" and api.startswith("kustomize.toolkit.fluxcd.io"):
                children.append((dns, dname, doc.get("spec") or {}))
            if kind in COMPARED and (kind != "Kustomization" or api.startswith("kustomize.toolkit")):
                if kind == "HelmRelease":
                    self.hr_specs.setdefault((ns, name), []).append(((dns, dname), doc.get("spec") or {}))
                else:
                    result.rows.add((kind, dns or "", dname, None, None))
        return children

    def finish(self) -> dict[tuple[str, str], Result]:
        """HelmRelease rows, once every source is known: chart and version as Flux resolves them."""
        for key, specs in self.hr_specs.items():
            for (ns, name), spec in specs:
                chart = version = None
                if (spec.get("chart") or {}).get("spec"):
                    s = spec["chart"]["spec"]
                    chart, version = s.get("chart"), s.get("version") or "*"
                elif spec.get("chartRef"):
                    ref = spec["chartRef"]
                    found = self.sources.get((ref.get("kind"), ref.get("namespace") or ns, ref.get("name")))
                    if found and ref.get("kind") == "OCIRepository":
                        chart = found["url"].rstrip("/").split("/")[-1]
                        r = found.get("ref") or {}
                        version = r.get("tag") or r.get("semver") or r.get("digest") or "latest"
                    elif found:
                        chart, version = found.get("chart"), found.get("version") or "*"
                row = (
                    "HelmRelease",
                    ns,
                    name,
                    None if chart is None else str(chart),
                    None if version is None else str(version),
                )
                self.results[key].rows.add(row)
        return self.results


def helmreleases(results: dict[tuple[str, str], Result]) -> set[tuple[str, str, str | None, str | None]]:
    """(namespace, name, chart, version) of every HelmRelease the oracle built, over all Kustomizations."""
    return {(r[1], r[2], r[3], r[4]) for res in results.values() for r in res.rows if r[0] == "HelmRelease"}
