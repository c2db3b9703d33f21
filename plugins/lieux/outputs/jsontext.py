"""JSON as the site writes it: compact and sorted, for files of tens of thousands of rows and in pages.

``json.dumps`` of a whole table holds every row as Python objects, then the text, then its
bytes: at 50,000 places that is a few hundred megabytes for a file of twenty. ``rows_json``
gives the same bytes as ``json.dumps(head | {key: list(rows)}, sort_keys=True, compact,
ensure_ascii=False).encode()``, making and encoding a hundred rows at a time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from markupsafe import Markup

CHUNK = 100  # rows encoded at once: the C encoder's speed, and pieces small enough for the allocator to reuse
dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
dumps_in_order = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # keys as given (GeoJSON)


def array_parts(rows: Iterable[Any], encode: Callable[[Any], str] = dumps) -> Iterator[bytes]:
    """The UTF-8 pieces of the JSON array ``encode(list(rows))`` would give, ``CHUNK`` rows encoded at a time: the
    caller joins them once with what surrounds them, so that the file is never copied whole."""
    iterator = iter(rows)
    yield b"["
    first = True
    while chunk := list(islice(iterator, CHUNK)):
        if not first:
            yield b","
        first = False
        yield encode(chunk)[1:-1].encode()
    yield b"]"


def rows_json(head: Mapping[str, Any], key: str, rows: Iterable[Any]) -> bytes:
    """``head`` with ``key`` holding ``rows``, as compact JSON with sorted keys, in UTF-8."""
    parts: list[bytes] = []
    for name in sorted([*head, key]):
        parts.append(b"," if parts else b"{")
        parts.append(dumps(name).encode() + b":")
        if name == key:
            parts.extend(array_parts(rows))
        else:
            parts.append(dumps(head[name]).encode())
    parts.append(b"}")
    return b"".join(parts)


def json_for_script(data: Any) -> Markup:
    """JSON safe to embed in a ``<script>`` element: no ``</script>``, no HTML comment."""
    text = dumps(data)
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)
