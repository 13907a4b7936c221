"""Small helpers for command-line options, importable without pydantic (``labbook --help`` stays fast)."""

from __future__ import annotations


class Default(str):
    """An option's default value, told apart from the same value given on the command line."""
