"""``postBuild``: variables from ``substitute`` and ``substituteFrom``, applied to built objects.

As kustomize-controller does it: ConfigMaps and Secrets named in
``substituteFrom`` are looked up in the Kustomization's own namespace, in order,
later ones overriding earlier ones, and ``substitute`` overrides them all;
newlines are removed from values; nothing is substituted when no variable is
defined at all; an object labelled or annotated
``kustomize.toolkit.fluxcd.io/substitute: disabled`` is left alone.

Offline, a ConfigMap or Secret is one the repo itself declares. A SOPS-encrypted
Secret's keys are known but not its values: those variables stay as ``${NAME}``
placeholders and the reader says so.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

from labbook.sources.flux.envsubst import SubstitutionError, substitute
from labbook.sources.flux.resource import Res, text

DISABLE_KEY = "kustomize.toolkit.fluxcd.io/substitute"
VAR_NAME = re.compile(r"^[_a-zA-Z][_a-zA-Z0-9]*$")
"""What Flux accepts as a variable name (``varsubRegex``)."""


@dataclass(frozen=True)
class VarSource:
    """A ConfigMap or Secret the repo declares, as ``substituteFrom`` sees it."""

    res: Res
    """The object."""
    values: dict[str, str]
    """Its data, decoded, newlines removed."""
    encrypted: bool
    """True for a SOPS-encrypted Secret: the keys are real, the values are ciphertext."""


def is_sops(obj: dict[str, Any]) -> bool:
    """A SOPS-encrypted manifest: a ``sops:`` block, or ``ENC[…]`` values."""
    if isinstance(obj.get("sops"), dict):
        return True
    for block in ("data", "stringData"):
        values = obj.get(block)
        if isinstance(values, dict) and any(str(v).startswith("ENC[") for v in values.values()):
            return True
    return False


def var_source(res: Res) -> VarSource:
    """The variables a ConfigMap or Secret provides."""
    values: dict[str, str] = {}
    encrypted = res.kind == "Secret" and is_sops(res.obj)
    data = res.obj.get("data") if isinstance(res.obj.get("data"), dict) else {}
    for key, value in data.items():
        raw = text(value) or ""
        if res.kind == "Secret" and not encrypted:
            with contextlib.suppress(binascii.Error, ValueError):
                raw = base64.b64decode(raw, validate=True).decode("utf-8", errors="replace")
        values[str(key)] = raw.replace("\n", "")
    string_data = res.obj.get("stringData") if res.kind == "Secret" else None
    if isinstance(string_data, dict):
        values.update({str(k): (text(v) or "").replace("\n", "") for k, v in string_data.items()})
    return VarSource(res, values, encrypted)


@dataclass
class Variables:
    """What one Kustomization substitutes with."""

    values: dict[str, str] = field(default_factory=dict)
    """Resolved variables."""
    unresolved: frozenset[str] = frozenset()
    """Names whose values are encrypted: left as ``${NAME}``."""
    invalid: list[str] = field(default_factory=list)
    """Names Flux refuses (``must match ^[_[:alpha:]][_[:alpha:][:digit:]]*$``); dropped."""

    @property
    def active(self) -> bool:
        """Flux substitutes only when at least one variable is defined."""
        return bool(self.values or self.unresolved)


def collect(sources: list[VarSource], inline: dict[str, Any]) -> Variables:
    """Variables from ``substituteFrom`` sources (in order) and then ``substitute``."""
    out = Variables()
    unresolved: set[str] = set()
    for source in sources:
        for key, value in source.values.items():
            if source.encrypted:
                unresolved.add(key)
                out.values.pop(key, None)
            else:
                unresolved.discard(key)
                out.values[key] = value
    for key, value in inline.items():
        unresolved.discard(str(key))
        out.values[str(key)] = (text(value) or "").replace("\n", "")
    for key in [*out.values, *unresolved]:
        if not VAR_NAME.match(key):
            out.invalid.append(key)
            out.values.pop(key, None)
            unresolved.discard(key)
    out.unresolved = frozenset(unresolved)
    return out


def _walk(value: Any, variables: Variables) -> Any:
    if isinstance(value, str):
        return substitute(value, variables.values, variables.unresolved) if "$" in value else value
    if isinstance(value, dict):
        return {_walk(k, variables) if isinstance(k, str) else k: _walk(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, variables) for v in value]
    return value


def disabled(res: Res) -> bool:
    """Whether the object opts out of substitution."""
    return res.labels.get(DISABLE_KEY) == "disabled" or res.annotations.get(DISABLE_KEY) == "disabled"


def apply(res: Res, variables: Variables) -> Res:
    """``res`` with its strings substituted. Raises :class:`SubstitutionError` on bad syntax."""
    if not variables.active or disabled(res):
        return res
    return res.evolve(_walk(res.obj, variables))


__all__ = ["SubstitutionError", "VarSource", "Variables", "apply", "collect", "disabled", "is_sops", "var_source"]
