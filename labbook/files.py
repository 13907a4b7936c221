"""File helpers every command shares: display paths, strict reads, checked atomic writes."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path
from typing import IO, Any

from labbook.errors import BadInput, Problem


def printable(text: str) -> str:
    """``text`` safe to print and to write as UTF-8: undecodable bytes of a file name become ``\\xff``."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def display(path: Path | str, root: Path | None = None) -> str:
    """``path`` relative to ``root`` (default: the working directory) when inside it; always printable."""
    p = Path(path)
    try:
        base = (root or Path.cwd()).resolve()
        shown = p.resolve().relative_to(base).as_posix()
    except (ValueError, OSError, RuntimeError):  # outside root, a vanished cwd, a symlink loop
        shown = p.as_posix()
    return printable(shown)


def read_bytes(path: Path, shown: str) -> bytes:
    """Read a file, turning OS errors into a :class:`BadInput` naming the file."""
    data, problems = read_file(path, shown)
    if data is None:
        raise BadInput(problems)
    return data


def read_file(path: Path, shown: str) -> tuple[bytes | None, list[Problem]]:
    """A file's bytes, or None and the problem naming it (missing, a folder, unreadable)."""
    try:
        if path.is_dir():
            return None, [Problem(shown, None, None, "is a folder (expected a file)")]
        return path.read_bytes(), []
    except FileNotFoundError:
        return None, [Problem(shown, None, None, "file not found (expected an existing file)")]
    except IsADirectoryError:
        return None, [Problem(shown, None, None, "is a folder (expected a file)")]
    except OSError as exc:
        return None, [Problem(shown, None, None, f"cannot read: {_why(exc)} (expected a readable file)")]


def folder_problems_to_read(folder: Path, label: str, expected: str) -> list[Problem]:
    """Why ``folder`` cannot be read as ``label`` (empty when it is a folder): missing, a file, unusable."""
    shown = display(folder)
    try:
        if folder.is_dir():
            return []
        what = "is a file" if folder.exists() else f"{label} not found"
    except OSError as exc:
        what = f"cannot use this {label}: {_why(exc)}"
    return [Problem(shown, None, None, f"{what} (expected {expected})")]


def os_problem(exc: OSError) -> Problem:
    """A problem for an OS error on a path nobody checked beforehand: the path, and why."""
    name = exc.filename if isinstance(exc.filename, (str, bytes, os.PathLike)) else ""
    shown = display(os.fsdecode(name)) if name else ""
    return Problem(shown, None, None, f"cannot use this path: {_why(exc)} (expected a usable file or folder)")


def _why(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symlink loop"
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long"
    return (exc.strerror or type(exc).__name__).lower()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _folder_issue(folder: Path, *, create: bool) -> tuple[str, str | None] | None:
    """What stops new files in ``folder``, said of the folder (``is a file, not a folder``), and a hint; or None.

    With ``create`` the folder may be missing, as long as it can be made: its
    nearest existing ancestor is a folder that takes new files.
    """
    try:
        if folder.is_dir():
            return _probe(folder)
        if folder.is_symlink() and not folder.exists():
            return "is a broken symlink or a symlink loop", None
        if folder.exists():
            return "is a file, not a folder", None
        existing = next((a for a in folder.parents if a.exists() or a.is_symlink()), Path.cwd())
        if not existing.is_dir():
            return f"cannot be created: {display(existing)} is not a folder", None
        if not create:
            return "does not exist", f"create it first: mkdir -p {display(folder)}"
        issue = _probe(existing)
        return (f"cannot be created: {display(existing)} {issue[0]}", None) if issue else None
    except OSError as exc:
        return f"cannot be used: {_why(exc)}", None


def _probe(folder: Path) -> tuple[str, str | None] | None:
    """Create and remove a temporary file: the only honest test that a folder takes new files."""
    import tempfile  # only commands that write pay for it

    try:
        fd, tmp = tempfile.mkstemp(prefix=".labbook-probe.", dir=folder)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            return "does not take new files", "check its permissions and owner"
        return "does not take new files", None
    os.close(fd)
    os.unlink(tmp)
    return None


def folder_problems(folder: Path, what: str, *, create: bool = False) -> list[Problem]:
    """Why files cannot be written into ``folder`` (empty when they can).

    With ``create``, a missing ``folder`` is fine when its parent exists (the
    caller makes it); ancestors are never created.
    """
    issue = _folder_issue(folder, create=create)
    if issue is None:
        return []
    why, hint = issue
    return [Problem(display(folder), None, None, f"{why} (expected a writable folder for {what})", hint)]


def output_problems(path: Path, what: str) -> list[Problem]:
    """Why ``path`` cannot be written (empty when it can): a folder, a parent that cannot be made, no write access.

    Missing parent folders are fine when they can be created (:func:`atomic_write` makes them).
    """
    shown = display(path)
    try:
        if path.is_dir() or path.name in ("", ".", ".."):
            return [Problem(shown, None, None, f"is a folder (expected a file name to write {what} to)")]
        if path.exists() and not path.is_file():
            return []  # /dev/null, /dev/stdout, a named pipe: written in place
    except OSError as exc:
        return [Problem(shown, None, None, f"cannot write {what}: {_why(exc)} (expected a file name)")]
    issue = _folder_issue(path.parent, create=True)
    if issue is None:
        return []
    why, hint = issue
    folder = display(path.parent)
    return [Problem(shown, None, None, f"cannot write {what}: {folder} {why} (expected a writable folder)", hint)]


def _writer(fd: int | Path, text: str | bytes) -> IO[Any]:
    """An open file for ``text``: binary for bytes, UTF-8 with newlines as given for text."""
    if isinstance(text, bytes):
        return open(fd, "wb")
    return open(fd, "w", encoding="utf-8", newline="")


def atomic_write(path: Path, text: str | bytes) -> None:
    """Write ``text`` (or bytes) to ``path`` via a temp file in the same folder and a rename.

    A reader sees the old file or the new one, never half of either. An
    existing file keeps its permissions; a new one gets ``0666`` less the
    umask, as every other tool makes files. Missing parent folders are made.
    A symlink is followed, a device or a pipe (``/dev/stdout``) is written in
    place. Failures are :class:`BadInput` naming the path.
    """
    import tempfile  # only commands that write pay for it

    shown = display(path)
    try:
        if path.is_symlink():
            path = Path(os.path.realpath(path))
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a folder")
        if path.exists() and not path.is_file() and not path.is_dir():
            with _writer(path, text) as fh:
                fh.write(text)
            return
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o666 & ~_umask()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        problems = output_problems(path, "the file") or [
            Problem(shown, None, None, f"cannot write: {_why(exc)} (expected a writable file)")
        ]
        raise BadInput(problems) from None
    try:
        with _writer(fd, text) as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BadInput(Problem(shown, None, None, f"cannot write: {_why(exc)} (expected a writable file)")) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_unsynced(path: Path, data: bytes) -> None:
    """Write a cache file: ``data`` to ``path`` through a temp file and a rename, without ``fsync``.

    A reader sees the old file or the new one, never a mix (two runs writing at once: the last
    rename wins). Not synced, and a cache need not be: one whose files did not reach the disk
    before a crash fails its own checks (the history cache: the log's length and CRC) and is
    rebuilt; the syncs would cost milliseconds a run. When the file cannot be written,
    :func:`atomic_write` writes it instead and says what is wrong the way every other written
    file does."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        try:
            tmp.write_bytes(data)
        except FileNotFoundError:  # the first write: make the folder
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):  # no temp file left behind, if one could be made
            tmp.unlink()
        atomic_write(path, data)


def overwrite_sealed(path: Path, data: bytes) -> None:
    """Write a cache file whose bytes say whether they are whole (the history cache's snapshot: its
    payload follows its own length and CRC-32) in place: ``data`` from the first byte, then the file
    cut to its length. No ``fsync``, no temp file and no rename.

    A reader that meets a write half done, or two runs' bytes mixed, finds that they do not check
    out and ignores the file (a cold read, never a wrong one). What this saves: on ext4, a rename
    over an existing file, or a file cut to nothing and written again, makes the kernel allocate and
    start writing the new data at once (the ``auto_da_alloc`` mount option, on by default; Linux
    ``Documentation/admin-guide/ext4.rst``), about 20 times the cost of the write itself. When
    the file cannot be written, :func:`atomic_write` writes it instead and says what is wrong the
    way every other written file does."""
    try:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
        except FileNotFoundError:  # the first write: make the folder
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.ftruncate(fd, len(data))
        finally:
            os.close(fd)
    except OSError:
        atomic_write(path, data)
