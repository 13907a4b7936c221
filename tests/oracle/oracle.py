"""The kustomize oracle: what real ``kubectl kustomize`` plus Flux's postBuild substitution make of a Flux repo.

It walks the repository the way Flux does, independently of labbook's reader:
a copy of the repo without what ``.sourceignore`` hides; for each Flux
Kustomization, the folder's kustomization file rewritten (or generated) the way
kustomize-controller does it (``targetNamespace``, ``patches``, ``components``);
``kubectl kustomize --load-restrictor LoadRestrictionsNone``; then ``${VAR}``
substitution on each output document's text, with variables from the
ConfigMaps and Secrets earlier builds produced. A path kustomize cannot build on
its own (a remote base, a file missing from the copy ...) is recorded as skipped
with kustomize's reason.
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
    ".git/", ".gitignore", ".gitmodules", ".gitattributes", "*.jpg", "*.jpeg", "*.gif", "*.png", "*.wmv", "*.flv",
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
REMOTE = re.compile(r"^\s*-\s*['\"]?(https?://|git@|github\.com/|gitlab\.com/)", re.M)

Row = tuple[str, str, str, str | None, str | None]


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


def _load_all(text: str) -> list[Any]:
    return [d for d in yaml.load_all(text, Loader=_Loader) if d]


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


class Oracle:
    """Builds every Flux Kustomization of one repository with kubectl."""

    def __init__(self, kubectl: Path, repo: Path, entry: str, work: Path, roots: dict[str, str]) -> None:
        self.kubectl, self.entry, self.roots = kubectl, entry, roots
        self.root = work / "repo"
        self._copy(repo, self.root)
        self.artifacts = work / "artifacts"
        self.vars: dict[tuple[str, str, str], tuple[dict[str, str], bool]] = {}
        self.generators: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]] = {}
        self.sources: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.results: dict[tuple[str, str], Result] = {}
        self.hr_specs: dict[tuple[str, str], list[tuple[tuple[str, str], dict[str, Any]]]] = {}

    @staticmethod
    def _copy(repo: Path, dest: Path) -> None:
        specs: list[tuple[str, pathspec.GitIgnoreSpec]] = [("", pathspec.GitIgnoreSpec.from_lines(DEFAULT_IGNORES))]
        for ignore in sorted(repo.rglob(".sourceignore")):
            base = ignore.parent.relative_to(repo).as_posix()
            specs.append(
                ("" if base == "." else base, pathspec.GitIgnoreSpec.from_lines(ignore.read_text().splitlines()))
            )
        for path in sorted(repo.rglob("*")):
            rel = path.relative_to(repo).as_posix()
            if path.is_dir() or any(
                (rel.startswith(base + "/") or not base) and spec.match_file(rel[len(base) + 1 :] if base else rel)
                for base, spec in specs
            ):
                continue
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest / rel)

    # -- traversal ---------------------------------------------------------------------------------------------

    def run(self) -> dict[tuple[str, str], Result]:
        """Build every Flux Kustomization reachable from the entry point, then resolve HelmRelease charts."""
        root = {"path": f"./{self.entry}", "sourceRef": {"kind": "GitRepository", "name": "flux-system"}}
        queue: list[tuple[str, str, dict[str, Any]]] = [("flux-system", "flux-system", root)]
        seen = {("flux-system", "flux-system")}
        waiting: list[tuple[str, str, dict[str, Any]]] = []
        while queue or waiting:
            if queue:
                item = queue.pop(0)
                if self._blocked(item):
                    waiting.append(item)
                    continue
            else:
                item = waiting.pop(0)
            for child in self._build(*item):
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
        if kind == "ExternalArtifact":
            return self._artifact(src.get("namespace") or ns, name)
        root = self.roots.get(f"{kind}/{name}")
        return None if root is None else self.root / root

    def _artifact(self, ns: str, name: str) -> Path | None:
        found = self.generators.get((ns, name))
        if found is None:
            return None
        generator, artifact = found
        aliases = {
            s["alias"]: self.root / self.roots.get(f"{s['kind']}/{s['name']}", "\0")
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
        if (ns, name) == ("flux-system", "flux-system") and "_real" not in spec:
            for doc in docs:
                if doc.get("kind") == "Kustomization" and doc["metadata"].get("name") == "flux-system":
                    real = doc.get("spec") or {}
                    same = posixpath.normpath(str(real.get("path", "")).lstrip("/")) == self.entry
                    if same and any(real.get(k) for k in ("postBuild", "patches", "targetNamespace", "components")):
                        result.rows.clear()
                        self.hr_specs.pop((ns, name), None)
                        return self._build(ns, name, {**real, "_real": True})
        return self._collect(ns, name, spec, docs, result)

    def _kustomize(self, folder: Path, ns: str, spec: dict[str, Any], result: Result) -> list[dict[str, Any]] | None:
        for kfile in folder.rglob("kustomization.y*ml"):
            if REMOTE.search(kfile.read_text()):
                result.skipped = f"remote base in {kfile.relative_to(self.root.parent)}: kustomize would fetch it"
                return None
        kfile = next((folder / f for f in KFILES if (folder / f).is_file()), None)
        original = kfile.read_text() if kfile else None
        kust = yaml.safe_load(original) if original else {"resources": self._generated(folder)}
        if spec.get("targetNamespace"):
            kust["namespace"] = spec["targetNamespace"]
        for key in ("patches", "components"):
            if spec.get(key):
                kust[key] = [*(kust.get(key) or []), *spec[key]]
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
            found = self.vars.get((ref.get("kind"), ns, ref.get("name")))
            for key, value in (found[0] if found else {}).items():
                if found[1]:
                    unresolved.add(key)
                    values.pop(key, None)
                else:
                    values[key] = value
                    unresolved.discard(key)
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
                self.vars[(kind, dns, dname)] = ({k: str(v).replace("\n", "") for k, v in data.items()}, encrypted)
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
