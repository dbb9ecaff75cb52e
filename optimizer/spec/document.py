"""Read a problem document's text as TOML or JSON, refusing what the parsers let through.

``json`` keeps the last of two equal keys and reads ``NaN``/``Infinity``; both are refused here
with their line and column. A parser's own limits (nesting, digits) become one-line errors, and
a document nested deeper than ``MAX_NESTING`` is refused before anything walks it.
"""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

from ..errors import InputError
from .locate import toml_hint
from .parse import describe


def parse_document(text: str, where: str, suffix: str) -> dict:
    if suffix == ".json" or (suffix not in (".toml",) and text.lstrip().startswith("{")):
        try:
            doc = json.loads(
                text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys
            )
        except _DuplicateKey as e:
            raise InputError(
                f"invalid JSON: duplicate key {describe(e.key)}{_duplicate_position(text)}; "
                "each key may appear once in an object",
                where=where,
            ) from None
        except json.JSONDecodeError as e:
            raise InputError(
                f"invalid JSON: {e.msg} (at line {e.lineno}, column {e.colno})", where=where
            ) from None
        except _Constant as e:
            raise InputError(
                f"invalid JSON: {e} is not a number this format accepts{_json_position(text)}",
                where=where,
            ) from None
        except (ValueError, RecursionError) as e:
            raise InputError(f"invalid JSON: {_parser_limit(e)}", where=where) from None
        if not isinstance(doc, dict):
            raise InputError(f"expected a JSON object at the top, got {describe(doc)}", where=where)
    else:
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise InputError(f"invalid TOML: {e}{toml_hint(str(e), text)}", where=where) from None
        except (ValueError, RecursionError) as e:
            raise InputError(f"invalid TOML: {_parser_limit(e)}", where=where) from None
    if _depth(doc) > MAX_NESTING:
        raise InputError(f"the document is nested more than {MAX_NESTING} levels deep", where=where)
    return doc


MAX_NESTING = 32  # tables and lists inside each other; the format itself needs fewer than 10


class _Constant(ValueError):
    """JSON's ``NaN``, ``Infinity`` or ``-Infinity``, refused."""


def _reject_constant(name: str) -> Any:
    raise _Constant(name)


class _DuplicateKey(ValueError):
    """A JSON object names a key twice (``json`` would keep the last value silently)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise _DuplicateKey(k)
            seen.add(k)
    return obj


_JSON_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"(?=\s*(:?))|[{}\[\]]')


def _duplicate_position(text: str) -> str:
    """`` (at line L, column C)`` of the first key repeated within one object of ``text``
    (valid JSON but for that: strings cannot hide braces from this scan)."""
    objects: list[set | None] = []  # the keys of each open object; None for an array
    for m in _JSON_STRUCTURE.finditer(text):
        tok = m.group()
        if tok in "{[":
            objects.append(set() if tok == "{" else None)
        elif tok in "}]":
            if objects:
                objects.pop()
        elif m.group(1) and objects and objects[-1] is not None:  # a key
            key = json.loads(tok)
            if key in objects[-1]:
                pos = m.start()
                line = text.count("\n", 0, pos) + 1
                return f" (at line {line}, column {pos - text.rfind(chr(10), 0, pos)})"
            objects[-1].add(key)
    return ""


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


def _json_position(text: str) -> str:
    """`` (at line L, column C)`` of the first NaN/Infinity outside strings."""
    for m in _JSON_TOKENS.finditer(text):
        if m.group(1):
            pos = m.start(1)
            line = text.count("\n", 0, pos) + 1
            return f" (at line {line}, column {pos - text.rfind(chr(10), 0, pos)})"
    return ""


def _parser_limit(e: Exception) -> str:
    """A parser's non-syntax failure in the user's words (Python's own text names Python)."""
    if isinstance(e, RecursionError):
        return "lists or tables nested too deeply"
    if "digits" in str(e):
        return "a number with thousands of digits"
    return str(e)


def _depth(doc: Any) -> int:
    """How deeply tables and lists nest in ``doc`` (iteratively: no recursion limit)."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        node, d = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, d)
        if d <= MAX_NESTING:
            stack.extend((c, d + 1) for c in children)
    return deepest
