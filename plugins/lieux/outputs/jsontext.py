"""JSON files of tens of thousands of rows, encoded row by row.

``json.dumps`` of a whole table holds every row as Python objects, then the text, then its
bytes: at 50,000 places that is a few hundred megabytes for a file of twenty. ``rows_json``
gives the same bytes as ``json.dumps(head | {key: list(rows)}, sort_keys=True, compact,
ensure_ascii=False).encode()``, making and encoding one row at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def rows_json(head: Mapping[str, Any], key: str, rows: Iterable[Any]) -> bytes:
    """``head`` with ``key`` holding ``rows``, as compact JSON with sorted keys, in UTF-8."""
    parts: list[bytes] = []
    for name in sorted([*head, key]):
        parts.append(b"," if parts else b"{")
        parts.append(dumps(name).encode() + b":")
        if name == key:
            parts.append(b"[" + b",".join(dumps(row).encode() for row in rows) + b"]")
        else:
            parts.append(dumps(head[name]).encode())
    parts.append(b"}")
    return b"".join(parts)
