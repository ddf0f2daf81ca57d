"""The base of every model deckgen reads or passes on, and the helpers that describe them."""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, StringConstraints

#: What each pattern that content must match means, for error messages.
PATTERNS: dict[str, str] = {}


def pattern(regex: str, meaning: str) -> StringConstraints:
    """Return a constraint that text matches `regex`, which errors explain as `meaning`."""
    PATTERNS[regex] = meaning
    return StringConstraints(pattern=regex)


class Model(BaseModel):
    """Base of every model deckgen reads or passes on: unknown keys are errors, values are
    frozen, and the docstring under a field documents it."""

    # Validators are built when a model is first used, not at import: most runs use few.
    # Field docstrings reach the JSON Schema through `json_schema`, not pydantic's
    # use_attribute_docstrings, which reads the source at import and costs a cold build ~60 ms.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


#: The tags of every discriminated union made with `union_tags`, by tag field, for errors whose
#: context does not list them.
TAGS: dict[str, list[str]] = {}


def union_tags(union: Any, field: str) -> dict[str, type[BaseModel]]:
    """Return the models of a discriminated `union` by the value of their tag `field`."""
    models = get_args(get_args(union)[0])
    found = {get_args(model.model_fields[field].annotation)[0]: model for model in models}
    TAGS[field] = list(found)
    return found
