"""The commit a checkout is at, read from ``.git`` without running git."""

from __future__ import annotations

import re
from pathlib import Path

_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


def _git_dir(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        dot = folder / ".git"
        if dot.is_dir():
            return dot
        if dot.is_file():  # a worktree or submodule: "gitdir: <path>"
            content = dot.read_text(encoding="utf-8", errors="replace").strip()
            if content.startswith("gitdir:"):
                target = Path(content[len("gitdir:") :].strip())
                return target if target.is_absolute() else (folder / target).resolve()
    return None


def _common_dir(git_dir: Path) -> Path:
    common = git_dir / "commondir"
    if common.is_file():
        target = Path(common.read_text(encoding="utf-8").strip())
        return target if target.is_absolute() else (git_dir / target).resolve()
    return git_dir


def _ref(git_dir: Path, ref: str) -> str | None:
    for base in (git_dir, _common_dir(git_dir)):
        loose = base / ref
        if loose.is_file():
            value = loose.read_text(encoding="utf-8", errors="replace").strip()
            return value if _SHA.match(value) else None
        packed = base / "packed-refs"
        if packed.is_file():
            for line in packed.read_text(encoding="utf-8", errors="replace").splitlines():
                sha, _, name = line.partition(" ")
                if name.strip() == ref and _SHA.match(sha):
                    return sha
    return None


def revision(repo: Path) -> str | None:
    """The commit ``HEAD`` points at for the checkout containing ``repo``, or None."""
    try:
        git_dir = _git_dir(repo.resolve())
        if git_dir is None:
            return None
        head = (git_dir / "HEAD").read_text(encoding="utf-8", errors="replace").strip()
        if head.startswith("ref:"):
            return _ref(git_dir, head[len("ref:") :].strip())
        return head if _SHA.match(head) else None
    except OSError:
        return None


_SECTION = re.compile(r'^\s*\[\s*remote\s+"((?:[^"\\]|\\.)*)"\s*\]')
_URL = re.compile(r"^\s*url\s*=\s*(.*?)\s*$", re.I)
_SCP = re.compile(r"^(?:[^@/]+@)?([^:/]+):(?!//)(.+)$")


def remotes(repo: Path) -> list[tuple[str, str]]:
    """``(name, url)`` of every remote in the checkout's ``.git/config``, in file order (none outside a checkout)."""
    try:
        git_dir = _git_dir(repo.resolve())
        if git_dir is None:
            return []
        config = _common_dir(git_dir) / "config"
        if not config.is_file():
            return []
        lines = config.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    out: list[tuple[str, str]] = []
    current: str | None = None
    for line in lines:
        if line.lstrip().startswith("["):
            m = _SECTION.match(line)
            current = m.group(1) if m else None
            continue
        m = _URL.match(line)
        if current is not None and m:
            value = m.group(1)
            if value.startswith('"') and value.endswith('"') and len(value) > 1:
                value = value[1:-1]
            out.append((current, value))
    return out


def normalize_url(url: str | None) -> str | None:
    """``host/path`` of a Git URL, so that https, ssh, scp-like (``git@host:path``) and ``.git`` forms compare equal.

    Lowercased, without user, port, ``.git`` suffix or trailing slash; None when it is not a URL of a host.
    """
    if not url:
        return None
    raw = url.strip()
    scheme, sep, rest = raw.partition("://")
    if sep:
        if scheme.lower() not in ("http", "https", "ssh", "git", "git+ssh", "ssh+git"):
            return None
        authority, _, path = rest.partition("/")
        host = authority.rpartition("@")[2].split(":")[0]
    else:
        m = _SCP.match(raw)
        if not m:
            return None
        host, path = m.group(1), m.group(2)
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[: -len(".git")]
    if not host or not path:
        return None
    return f"{host}/{path}".lower()
