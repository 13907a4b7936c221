"""JSON Schema for the inventory files, generated from the pydantic models, for editors.

Each ``inventory/<section>.yaml`` starts with
``# yaml-language-server: $schema=schema/<section>.schema.json``, so VS Code (and
any editor speaking the YAML language server) completes keys and flags mistakes
while the owner types.

Field descriptions come from the attribute docstrings in ``labbook/models``. The
models keep ``use_attribute_docstrings=False`` because reading them costs start-up
time on every command; they are read here instead, with :mod:`ast` over each
model class's source, only when a schema is generated.

Pure apart from reading the models' own source: writing files is the command's job.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import textwrap
from functools import cache
from itertools import pairwise
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from labbook.load.inventory import MODELS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect pydantic generates."""

MODELINE = "# yaml-language-server: $schema={path}"
"""The first line of each inventory file, pointing the editor at its schema."""


def filename(section: str) -> str:
    """``hardware`` → ``hardware.schema.json``."""
    return f"{section}.schema.json"


@cache
def attribute_docstrings(cls: type) -> dict[str, str]:
    """``{field: docstring}`` for the string literals that follow annotated attributes in ``cls``.

    Inherited fields come first, so a subclass's docstring wins.
    """
    out: dict[str, str] = {}
    for base in reversed(cls.__mro__[1:]):
        if isinstance(base, type) and issubclass(base, BaseModel) and base is not BaseModel:
            out.update(attribute_docstrings(base))
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):  # built in a REPL or generated: no source to read
        return out
    classdef = next((n for n in ast.parse(source).body if isinstance(n, ast.ClassDef)), None)
    if classdef is None:
        return out
    body = classdef.body
    for node, after in pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            out[node.target.id] = _prose(after.value.value)
    return out


def _prose(docstring: str) -> str:
    """A docstring as an editor shows it: one paragraph, markdown code spans."""
    text = " ".join(inspect.cleandoc(docstring).split())
    return re.sub(r"``(.+?)``", r"`\1`", text)


class _WithDocstrings(GenerateJsonSchema):
    """Pydantic's generator, plus a ``description`` per field from its docstring."""

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        docs = attribute_docstrings(schema["cls"])
        if "description" in json_schema:
            json_schema["description"] = _prose(json_schema["description"])
        for name, prop in json_schema.get("properties", {}).items():
            if name in docs and "description" not in prop:
                prop["description"] = docs[name]
        return json_schema


def generate(section: str) -> dict[str, Any]:
    """The JSON Schema of ``inventory/<section>.yaml``."""
    model = MODELS[section]
    schema = model.model_json_schema(schema_generator=_WithDocstrings)
    return {"$schema": DIALECT, **schema}


def render(section: str) -> str:
    """:func:`generate` as the text committed to ``inventory/schema/``."""
    return json.dumps(generate(section), indent=2, ensure_ascii=False) + "\n"


def sections() -> tuple[str, ...]:
    """Inventory sections that get a schema, in order."""
    return tuple(MODELS)
