"""Plain scalars read by the YAML 1.2 core schema, not PyYAML's YAML 1.1 rules.

YAML 1.1 turns words and digits into facts no one wrote: `kommuner: yes` is 1, `020` is 16
(octal) and `1:30` is 90 (base 60). The core schema reads only `true`/`false` as booleans and
only decimal (`020` is 20), `0o17` and `0xFF` as whole numbers; `yes`, `no`, `on`, `off`,
`1:30` and `1_000` stay text, so a field that wants a number says "got text 'yes'". Dates
(`2026-12-01`) are still read as dates: decks have them, and the models check them.

The same rules are installed on the libyaml loader and the pure-Python one, so the fast parse
and the one that words errors read every scalar alike.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_TAG = "tag:yaml.org,2002:"
#: What a plain scalar must look like to be read as each type; anything else is text.
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_REPLACED = {f"{_TAG}{name}" for name in ("bool", "int", "float")}


def strict(loader: type[Any]) -> type[yaml.SafeLoader]:
    """Return a subclass of `loader` that reads booleans and numbers by the YAML 1.2 core
    schema, both in plain scalars and under an explicit `!!int`, `!!float` or `!!bool` tag."""
    table = {
        first: [(tag, regexp) for tag, regexp in entries if tag not in _REPLACED]
        for first, entries in loader.yaml_implicit_resolvers.items()
    }
    subclass: type[yaml.SafeLoader] = type(
        f"Core{loader.__name__}", (loader,), {"yaml_implicit_resolvers": table}
    )
    subclass.add_implicit_resolver(f"{_TAG}bool", _BOOL, list("tTfF"))
    subclass.add_implicit_resolver(f"{_TAG}int", _INT, list("-+0123456789"))
    subclass.add_implicit_resolver(f"{_TAG}float", _FLOAT, list("-+.0123456789"))
    subclass.add_constructor(f"{_TAG}bool", _construct_bool)
    subclass.add_constructor(f"{_TAG}int", _construct_int)
    subclass.add_constructor(f"{_TAG}float", _construct_float)
    return subclass


def _value(loader: yaml.SafeLoader, node: Any) -> str:
    return str(loader.construct_scalar(node))


def _construct_bool(loader: yaml.SafeLoader, node: Any) -> bool:
    value = _value(loader, node)
    if not _BOOL.match(value):
        raise ValueError(f"{value!r} is not true or false")
    return value.lower() == "true"


def _construct_int(loader: yaml.SafeLoader, node: Any) -> int:
    value = _value(loader, node)
    if not _INT.match(value):
        raise ValueError(f"{value!r} is not a whole number")
    if value.startswith(("0o", "0x")):
        return int(value[2:], 8 if value[1] == "o" else 16)
    return int(value, 10)  # 020 is 20: a leading zero is not octal in YAML 1.2


def _construct_float(loader: yaml.SafeLoader, node: Any) -> float:
    value = _value(loader, node)
    if not _FLOAT.match(value):
        raise ValueError(f"{value!r} is not a number")
    if value.lstrip("+-").lower() == ".inf":
        return float("-inf") if value.startswith("-") else float("inf")
    if value.lower() == ".nan":
        return float("nan")
    return float(value)
