"""Shared base and field types for every model. Pure: no I/O."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints


class Model(BaseModel):
    """Strict, immutable model: unknown keys are errors, field docstrings document the schema."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=False,
        str_strip_whitespace=True,
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
