"""Read the Table Schema of ``data/places.csv``.

The schema (Frictionless Table Schema, the format of schema.data.gouv.fr) is the
single source of truth for the columns, their types, constraints, vocabularies
and the labels shown to readers. Everything else asks this module.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Category:
    """One allowed value of a vocabulary, with its display label."""

    value: str
    label: str
    plural: str = ""
    color: str = ""


@dataclass(frozen=True)
class Field:
    """One column of the CSV, as the schema describes it."""

    name: str
    title: str
    description: str
    type: str
    example: str = ""
    format: str = "default"
    required: bool = False
    unique: bool = False
    pattern: str | None = None
    enum: tuple[str, ...] = ()
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    delimiter: str | None = None
    default: str | None = None
    categories: tuple[Category, ...] = ()

    @cached_property
    def regex(self) -> re.Pattern[str] | None:
        return re.compile(self.pattern) if self.pattern else None

    @cached_property
    def allowed(self) -> tuple[str, ...]:
        """The vocabulary, from ``enum`` or else from ``categories``."""
        return self.enum or tuple(c.value for c in self.categories)

    def label(self, value: str) -> str:
        """Display label of ``value``; the value itself when it has none."""
        for category in self.categories:
            if category.value == value:
                return category.label
        return value


@dataclass(frozen=True)
class Schema:
    """The whole table schema."""

    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: str
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    def __getitem__(self, name: str) -> Field:
        return self.by_name[name]


def _field(spec: dict[str, Any]) -> Field:
    constraints = spec.get("constraints", {})
    return Field(
        name=spec["name"],
        title=spec.get("title", spec["name"]),
        description=spec.get("description", ""),
        type=spec.get("type", "string"),
        example=str(spec.get("example", "")),
        format=spec.get("format", "default"),
        required=bool(constraints.get("required", False)),
        unique=bool(constraints.get("unique", False)),
        pattern=constraints.get("pattern"),
        enum=tuple(constraints.get("enum", ())),
        max_length=constraints.get("maxLength"),
        minimum=constraints.get("minimum"),
        maximum=constraints.get("maximum"),
        delimiter=spec.get("delimiter"),
        default=spec.get("default"),
        categories=tuple(
            Category(
                value=c["value"],
                label=c.get("label", c["value"]),
                plural=c.get("plural", c.get("label", c["value"])),
                color=c.get("color", ""),
            )
            for c in spec.get("categories", ())
        ),
    )


def load_schema(path: str | Path) -> Schema:
    """Read the schema file at ``path``."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return Schema(
        title=raw.get("title", ""),
        description=raw.get("description", ""),
        fields=tuple(_field(spec) for spec in raw["fields"]),
        primary_key=raw.get("primaryKey", "id"),
        raw=raw,
    )
