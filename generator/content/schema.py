"""`deckgen schema`: the content formats as JSON Schema, for editors' completion and checks."""

from __future__ import annotations

import ast
import inspect
from typing import Any

from pydantic import BaseModel

from generator.content import models
from generator.content.models import ChartData, Deck, Overlay, RegionFile


def json_schema(kind: str = "deck") -> dict[str, Any]:
    """Return the JSON Schema of a deck, region, overlay or chart data file, for editors'
    checks; each key's description is the docstring under its field in `models`."""
    by_kind: dict[str, type[BaseModel]] = {
        "deck": Deck,
        "region": RegionFile,
        "overlay": Overlay,
        "data": ChartData,
    }
    model = by_kind[kind]
    schema = model.model_json_schema()
    docs = _attribute_docs()
    for definition in [schema, *schema.get("$defs", {}).values()]:
        owner = _DOCS_FROM.get(definition.get("title", ""), definition.get("title", ""))
        for name, field in definition.get("properties", {}).items():
            if name in docs.get(owner, {}):
                field.setdefault("description", docs[owner][name])
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"deckgen {kind}"
    return schema


#: Models whose fields are documented in another model's source.
_DOCS_FROM = {"DeckPatch": "DeckMeta"}


def _attribute_docs() -> dict[str, dict[str, str]]:
    """Return, by class name, the docstring under each field of the classes in `models`,
    including the fields each class inherits from the module's other classes."""
    tree = ast.parse(inspect.getsource(models))
    own: dict[str, dict[str, str]] = {}
    bases: dict[str, list[str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        bases[node.name] = [base.id for base in node.bases if isinstance(base, ast.Name)]
        found = own.setdefault(node.name, {})
        for field, after in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                found[field.target.id] = inspect.cleandoc(after.value.value)

    def merged(name: str) -> dict[str, str]:
        docs: dict[str, str] = {}
        for base in bases.get(name, []):
            docs |= merged(base)
        return docs | own.get(name, {})

    return {name: merged(name) for name in own}
