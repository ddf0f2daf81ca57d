"""The sandbox that content text's Jinja renders in: what it may use, and the checks on every
value it makes. `resolve` renders each text through it, in the worker of `budget.py`."""

from __future__ import annotations

import datetime
import functools
import itertools
import math
import re
import string
from typing import Any

import jinja2
import jinja2.nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment
from jinja2.visitor import NodeTransformer

#: The longest text a field may have after its Jinja is rendered, in characters; also the
#: most characters or items any value made on the way may have.
MAX_RENDERED = 100_000
#: The most decimal digits a whole number made on the way may have (Python's own limit for
#: turning one into text).
MAX_DIGITS = 4_300
_MAX_BITS = math.ceil(MAX_DIGITS * math.log2(10))
#: How many times one `{% for %}` loop in content text may go round; also the longest `range`.
MAX_LOOP = 1000
#: How deep a value may nest (lists in lists) before it is refused.
MAX_DEPTH = 50
#: Statements content text may not use: those that reach for other templates (content text is
#: one string, alone), and those that could make work without bound (macros and blocks can
#: recurse).
_FORBIDDEN = {
    jinja2.nodes.Include: "include",
    jinja2.nodes.Import: "import",
    jinja2.nodes.FromImport: "from … import",
    jinja2.nodes.Extends: "extends",
    jinja2.nodes.Macro: "macro",
    jinja2.nodes.CallBlock: "call",
    jinja2.nodes.Block: "block",
}
#: Filters that take a sequence apart or put one together without turning its items into
#: text; every other filter turns its value into text, so its value must be printable.
_STRUCTURAL = frozenset(
    {
        *("attr", "batch", "count", "d", "default", "dictsort", "first", "groupby", "items"),
        *("join", "last", "length", "list", "map", "max", "min", "reject", "rejectattr"),
        *("reverse", "select", "selectattr", "slice", "sort", "sum", "unique"),
    }
)
#: Values that print the same in every run: no memory address in their text.
_PLAIN = (str, int, float, bool, type(None), range, datetime.date, LoopContext)


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox (no attribute that is private or unsafe, no code, no method that
    changes a list or a mapping), with sizes bounded: every operator, filter and call is
    checked, and `{{ 'x' * 10**9 }}` and its cousins are refused before they take the memory.
    The worker's budget (`budget.py`) stops whatever gets past these checks."""

    intercepted_binops = frozenset(("*", "**", "+", "-", "%", "/", "//"))
    intercepted_unops = frozenset(("-", "+"))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _number(right) and abs(right) > 64 and left not in (0, 1, -1):
            raise SecurityError("a power above 64")
        size = 0
        if operator == "*":
            size = _repeated(left, right) or _repeated(right, left)
        elif operator == "+" and _sized(left) and _sized(right):
            size = len(left) + len(right)
        if size > MAX_RENDERED:
            raise SecurityError(f"an expression that makes {size} characters or items")
        if operator == "%" and isinstance(left, str):
            _check_percent_format(left, right)
        return _checked(super().call_binop(context, operator, left, right))

    def call_unop(self, context: Any, operator: str, arg: Any) -> Any:
        return _checked(super().call_unop(context, operator, arg))

    def getattr(self, obj: Any, attribute: str) -> Any:
        _defined(obj)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _defined(obj)
        if not isinstance(argument, slice):  # the key may be named in an error
            _printable(argument, "a key")
        return super().getitem(obj, argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        name = getattr(__obj, "__name__", "")
        method = getattr(__obj, "__wrapped__", __obj)  # Jinja wraps `str.format`
        if isinstance(getattr(method, "__self__", None), str) and name in _STR_PRINTING:
            # Numbers are what these print, not sizes: the pattern's widths are checked.
            if name == "join" and args:
                args = (_listed(args[0]), *args[1:])
            else:
                _check_brace_format(method.__self__)
            _printable((args, kwargs), f"'str.{name}'")
        else:
            _check_arguments(args, kwargs)
        return _checked(super().call(__context, __obj, *args, **kwargs))


#: The methods of text that turn their arguments into text.
_STR_PRINTING = frozenset(("format", "format_map", "join"))


def _listed(items: Any) -> Any:
    """Return `items` (such as a generator) as a list, refusing more than `MAX_RENDERED`."""
    if isinstance(items, str | list | tuple | dict):
        return items
    try:
        listed = list(itertools.islice(items, MAX_RENDERED + 1))
    except TypeError:
        return items  # not iterable: Python says so
    return _checked(listed)


def _defined(value: Any) -> None:
    """Raise the undefined-variable error for an undefined `value`: `cycler.__init__` names
    `cycler`, not the attribute."""
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _sized(value: Any) -> bool:
    return isinstance(value, str | list | tuple)


def _repeated(sequence: Any, times: Any) -> int:
    if _sized(sequence) and isinstance(times, int) and not isinstance(times, bool):
        return len(sequence) * max(times, 0)
    return 0


_COLLECTIONS = (str, list, tuple, dict, set, frozenset)


def _checked(value: Any) -> Any:
    """Return `value` if it is within the size limits; raise `SecurityError` if not."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > _MAX_BITS:
            raise SecurityError(f"a number of more than {MAX_DIGITS} digits")
    elif isinstance(value, _COLLECTIONS) and len(value) > MAX_RENDERED:
        raise SecurityError(f"a value of {len(value)} characters or items")
    return value


def _check_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse numbers that would make a huge string, such as `center(10**9)`."""
    for value in (*args, *kwargs.values()):
        if _number(value) and abs(value) > MAX_RENDERED:
            raise SecurityError(f"the number {value} (the limit is {MAX_RENDERED})")


_PERCENT = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\*|\d*)(?:\.(\*|\d*))?")


def _check_percent_format(text: str, arguments: Any) -> None:
    """Refuse a `%` format whose width or precision is `*` or 100,000 or more, and
    arguments that do not print the same in every run."""
    for width, precision in _PERCENT.findall(text):
        for number in (width, precision):
            if number == "*":
                raise SecurityError("a '*' width or precision in a '%' format")
            if number and int(number) >= MAX_RENDERED:
                raise SecurityError(f"a format width or precision of {int(number)}")
    _printable(arguments, "a '%' format")


def _check_brace_format(text: str) -> None:
    """Refuse a `str.format` pattern with a width or precision of 100,000 or more, or one
    given by another field (`{:{}}`), which could be text of any size."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return  # Python refuses the pattern itself
    for _, _, spec, _ in fields:
        if spec and "{" in spec:
            raise SecurityError("a format width given by another field")
        for number in re.findall(r"\d+", spec or ""):
            if int(number) >= MAX_RENDERED:
                raise SecurityError(f"a format width or precision of {int(number)}")


def _printable(value: Any, where: str, depth: int = 0) -> None:
    """Raise `SecurityError` unless `value` prints the same in every run: plain data, not a
    function, method or generator, whose text holds its memory address."""
    if depth > MAX_DEPTH:
        raise SecurityError(f"a value nested more than {MAX_DEPTH} deep")
    if isinstance(value, list | tuple):
        for item in value:
            _printable(item, where, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            _printable(key, where, depth + 1)
            _printable(item, where, depth + 1)
    elif not isinstance(value, _PLAIN) or isinstance(value, jinja2.Undefined):
        if isinstance(value, jinja2.Undefined):
            value._fail_with_undefined_error()
        kind = "a method or function" if callable(value) else f"a {type(value).__name__}"
        raise SecurityError(
            f"{kind} in {where}, whose text differs from run to run (call it, or make it a"
            " list with '|list')"
        )


def _guarded(name: str, function: Any) -> Any:
    """Return the filter `function`, checked: numbers in its arguments, the value it is given
    (printable, unless it only takes a sequence apart) and the size of what it makes."""

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        passes_context = getattr(function, "jinja_pass_arg", None) is not None
        value, rest = (args[1], args[2:]) if passes_context else (args[0], args[1:])
        if name == "format":  # numbers are what it prints; the pattern's widths are checked
            _check_percent_format(str(value) if isinstance(value, str) else "", (rest, kwargs))
        else:
            _check_arguments(rest, kwargs)
        if name not in _STRUCTURAL:
            _printable(value, f"the filter '{name}'")
        return _checked(function(*args, **kwargs))

    return guarded


def _join(environment: Any, value: Any, d: str = "", attribute: Any = None) -> str:
    """Jinja's `join`, which checks each item is printable and stops at `MAX_RENDERED`."""
    if attribute is not None:
        value = map(jinja2.filters.make_attrgetter(environment, attribute), value)
    parts: list[str] = []
    size = 0
    for item in value:
        _printable(item, "the filter 'join'")
        part = str(item)
        size += len(part) + len(d)
        if size > MAX_RENDERED + len(d):
            raise SecurityError(f"a value of more than {MAX_RENDERED} characters")
        parts.append(part)
    return str(_checked(str(d).join(parts)))


def _concat(parts: list[Any]) -> str:
    """What `~` makes: each part printable, the whole within `MAX_RENDERED`."""
    _printable(parts, "'~'")
    texts = [str(part) for part in parts]
    size = sum(len(text) for text in texts)
    if size > MAX_RENDERED:
        raise SecurityError(f"a value of {size} characters")
    return "".join(texts)


def _range(*args: Any) -> range:
    """Python's `range`, at most `MAX_LOOP` long."""
    numbers = range(*args)
    if len(numbers) > MAX_LOOP:
        raise SecurityError(f"a range of {len(numbers)} numbers (the limit is {MAX_LOOP})")
    return numbers


def _bounded(items: Any) -> Any:
    """Yield at most `MAX_LOOP` items: what every `{% for %}` in content text goes round."""
    for count, item in enumerate(items):
        if count >= MAX_LOOP:
            raise SecurityError(f"a '{{% for %}}' loop of more than {MAX_LOOP} rounds")
        yield item


def make_environment() -> SandboxedEnvironment:
    """Return the sandbox that content text renders in: undefined names are errors; the only
    global is a bounded `range`; no filter is random."""
    environment = _Sandbox(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    filters = dict(environment.filters)
    filters["random"] = _no_random
    filters["join"] = jinja2.pass_environment(_join)
    environment.filters = {name: _guarded(name, f) for name, f in filters.items()}
    environment.filters["deckgen_bounded"] = _bounded
    environment.filters["deckgen_concat"] = _concat
    environment.globals = {"range": _range}
    return environment


def _no_random(*args: Any, **kwargs: Any) -> Any:
    raise SecurityError("the filter 'random': a deck builds the same every time")


def _finalize(value: Any) -> Any:
    """Print a value that is not set, such as `{{ deck.subtitle }}` without one, as nothing;
    refuse one whose text would differ from run to run."""
    if value is None:
        return ""
    _printable(value, "the text")
    return value


_ENVIRONMENT = make_environment()


class _Rewrite(NodeTransformer):
    """Route `~` through `_concat`, and every `{% for %}` through `_bounded`."""

    def visit_Concat(self, node: jinja2.nodes.Concat) -> jinja2.nodes.Node:  # noqa: N802
        parts = [self.visit(part) for part in node.nodes]
        listed = jinja2.nodes.List(parts, lineno=node.lineno)
        return jinja2.nodes.Filter(listed, "deckgen_concat", [], [], None, None, lineno=node.lineno)

    def visit_For(self, node: jinja2.nodes.For) -> jinja2.nodes.Node:  # noqa: N802
        self.generic_visit(node)
        node.iter = jinja2.nodes.Filter(node.iter, "deckgen_bounded", [], [], None, None)
        return node


@functools.lru_cache(maxsize=4096)
def compiled(text: str) -> jinja2.Template:
    """Return `text` compiled once per worker: regional variants share most of their text.
    Raise `SecurityError` for a statement that reaches for another template or could recurse.
    Compiling runs in the worker too: Jinja works out constant parts while it compiles."""
    tree = _ENVIRONMENT.parse(text)
    for kind, name in _FORBIDDEN.items():
        if tree.find(kind) is not None:
            raise SecurityError(f"'{{% {name} %}}' in content text")
    for loop in tree.find_all(jinja2.nodes.For):
        if loop.recursive:
            raise SecurityError("a recursive '{% for %}' loop")
        if any(True for _ in loop.find_all(jinja2.nodes.For)):
            raise SecurityError("a '{% for %}' loop inside another")
    return _ENVIRONMENT.from_string(_Rewrite().visit(tree))
