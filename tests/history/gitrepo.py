"""Small Git repositories with dated commits, made with the real ``git`` CLI, for the history tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

GIT = shutil.which("git")


def need_git() -> str:
    """The git executable, or a skip saying why."""
    if GIT is None:
        pytest.skip("git not found on PATH: the history tests build real Git repositories with it")
    return GIT


class GitRepo:
    """A work tree; every commit is dated and authored as asked (author and committer alike)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, date: str = "2025-01-01T12:00:00+00:00", author: str = "Ada Lab") -> str:
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_EMAIL": "ada@example.invalid",
            "GIT_COMMITTER_NAME": author,
            "GIT_COMMITTER_EMAIL": "ada@example.invalid",
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_SYSTEM": os.devnull,
        }
        proc = subprocess.run([need_git(), *args], cwd=self.root, env=env, capture_output=True, text=True, check=True)
        return proc.stdout.strip()

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def commit(self, message: str, date: str, author: str = "Ada Lab") -> str:
        self.git("add", "-A", date=date)
        self.git("commit", "-q", "--allow-empty", "-m", message, date=date, author=author)
        return self.git("rev-parse", "HEAD")
