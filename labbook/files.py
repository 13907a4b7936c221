"""File helpers every command shares: display paths, strict reads, atomic writes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from labbook.errors import BadInput, Problem


def display(path: Path | str, root: Path | None = None) -> str:
    """``path`` relative to ``root`` (default: the working directory) when inside it."""
    p = Path(path)
    base = (root or Path.cwd()).resolve()
    try:
        return p.resolve().relative_to(base).as_posix()
    except ValueError:
        return p.as_posix()


def read_bytes(path: Path, shown: str) -> bytes:
    """Read a file, turning OS errors into a :class:`BadInput` naming the file."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BadInput(Problem(shown, None, None, "file not found (expected an existing file)")) from None
    except IsADirectoryError:
        raise BadInput(Problem(shown, None, None, "is a directory (expected a file)")) from None
    except OSError as exc:
        raise BadInput(Problem(shown, None, None, f"cannot read: {exc.strerror} (expected a readable file)")) from None


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temp file in the same folder and a rename.

    A reader sees the old file or the new one, never half of either. The file
    keeps its permissions when it already exists.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
