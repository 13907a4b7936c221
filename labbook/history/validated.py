"""Validate many revisions of one section, paying only for the items whose text changed.

:class:`~labbook.history.chunks.ChunkedParser` hands back the *same* object for
a block or a sequence item whose text it has seen before. :class:`Validator`
remembers, per such object, the model pydantic built from it: an item of a
``list[Model]`` field (a component, a category, a node, a capability) is
validated once, and the section is then validated with the items already built
(pydantic keeps an instance of the field's model as it is: ``revalidate_instances``
is ``'never'`` by default), so a version bump re-validates one category, not the
file.

The result is what ``model.model_validate(tree)`` returns: the section models
have no validator that looks across items, and an item's model is the same
whether it is validated alone or in its list. Whenever anything fails, the whole
tree is validated again the ordinary way, so the error raised is exactly the
one the whole tree gives.
"""

from __future__ import annotations

import functools
import typing
from typing import Any

from pydantic import BaseModel, ValidationError


@functools.cache
def _item_models(model: type[BaseModel]) -> tuple[tuple[str, type[BaseModel]], ...]:
    """``(field, item model)`` for every field of ``model`` typed ``list[SomeModel]``."""
    out = []
    for name, info in model.model_fields.items():
        if info.alias not in (None, name) or typing.get_origin(info.annotation) is not list:
            continue
        (item,) = typing.get_args(info.annotation) or (None,)
        if isinstance(item, type) and issubclass(item, BaseModel):
            out.append((name, item))
    return tuple(out)


class Validator:
    """``model_validate`` memoised per parsed object (see the module docstring)."""

    def __init__(self, depth: int = 2) -> None:
        self.depth = depth
        """How deep items are built one by one: 2 for the items of the section's lists and their own
        lists' items (a category's components), which the parser memoises; deeper items are validated
        with their parent."""
        self._memo: dict[int, tuple[Any, type[BaseModel], BaseModel]] = {}
        self.validated = 0
        """Objects validated so far (a memo hit costs nothing)."""

    def validate(self, model: type[BaseModel], tree: Any) -> BaseModel:
        """``model.model_validate(tree)``, reusing the models of items seen before."""
        try:
            return self._built(model, tree, self.depth)
        except ValidationError:
            return model.model_validate(tree)

    def _built(self, model: type[BaseModel], tree: Any, depth: int) -> BaseModel:
        if not isinstance(tree, dict):
            return model.model_validate(tree)
        hit = self._memo.get(id(tree))
        if hit is not None and hit[0] is tree and hit[1] is model:
            return hit[2]
        data = tree
        memo = self._memo
        for name, item in _item_models(model) if depth > 0 else ():
            value = tree.get(name)
            if isinstance(value, list):
                if data is tree:
                    data = dict(tree)
                built = []
                for v in value:  # the memo looked up here: most items of a revision are the last one's
                    hit = memo.get(id(v))
                    hit_ok = hit is not None and hit[0] is v and hit[1] is item
                    built.append(hit[2] if hit_ok else self._built(item, v, depth - 1))  # type: ignore[index]
                data[name] = built
        self.validated += 1
        result = model.model_validate(data)
        self._memo[id(tree)] = (tree, model, result)
        return result
