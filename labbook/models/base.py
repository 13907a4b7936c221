"""Shared base and field types for every model. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints


class Model(BaseModel):
    """Strict, immutable model: unknown keys are errors, field docstrings document the schema."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=False,
        str_strip_whitespace=True,
        defer_build=True,
    )


Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", max_length=63)]
"""A stable identifier: a DNS label such as ``cilium`` or ``talos-7aj-lwl``."""

Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
"""Non-empty, single-paragraph text."""


class ProseMark:
    """Marks a text field as the owner's prose: ``labbook drift docs`` reads its figures and claims."""

    def __repr__(self) -> str:
        return "PROSE"


PROSE = ProseMark()
"""The one marker instance (``Annotated`` metadata)."""

Prose = Annotated[str, StringConstraints(min_length=1, max_length=2000), PROSE]
"""Free text in the owner's words (a tagline, a note, a why): checked by ``labbook drift docs``."""

Arch = Literal["amd64", "arm64"]
"""A CPU architecture as Kubernetes names it (``kubernetes.io/arch``)."""

ID_WORDS = "lowercase letters, digits and '-', starting and ending with a letter or digit"
"""What an :data:`Id` is, in words (error messages say this instead of the pattern)."""


def did_you_mean(value: object, choices: Iterable[str], *, cutoff: float = 0.75) -> str | None:
    """The choice closest to ``value`` (case, ``0``/``O`` and ``1``/``l`` mix-ups included), or None.

    ``cutoff`` is difflib's similarity floor: ids are held to 0.75, so that a new
    id is not taken for a typo; key names, a short closed list, use difflib's 0.6.
    """
    import difflib  # only a problem needs it

    text = str(value)
    options = sorted(set(choices))
    if not text or not options:
        return None

    def fold(s: str) -> str:
        return s.lower().translate(_CONFUSABLE).replace("_", "-").replace(" ", "-")

    folded = {fold(o): o for o in options}
    if fold(text) in folded and folded[fold(text)] != text:
        return folded[fold(text)]
    close = difflib.get_close_matches(fold(text), list(folded), n=1, cutoff=cutoff)
    return folded[close[0]] if close and folded[close[0]] != text else None


_CONFUSABLE = str.maketrans({"o": "0", "l": "1", "i": "1"})


def suggestion(value: object, choices: Iterable[str], *, cutoff: float = 0.75) -> str:
    """``"did you mean 'x'? "`` for :func:`did_you_mean`, or nothing."""
    best = did_you_mean(value, choices, cutoff=cutoff)
    return f"did you mean {best!r}? " if best else ""
