"""The two schemas, single source of truth for every input's columns, keys and vocabularies.

``data/places.schema.json`` (Frictionless Table Schema, the format of
schema.data.gouv.fr) describes the CSV; ``data/documents.schema.json`` the front
matter of the partner, project and place pages, in the same spirit. Validation,
the directory's labels and the generated CONTRIBUTING tables all read them here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any


class SchemaError(ValueError):
    """A schema file cannot be read: the message says which file and why, in French."""


@dataclass(frozen=True)
class Category:
    """One allowed value of a vocabulary, with its display label."""

    value: str
    label: str
    plural: str = ""
    color: str = ""
    definition: str = ""
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """A list of codes with labels."""

    categories: tuple[Category, ...]

    @cached_property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.categories)

    @cached_property
    def by_code(self) -> dict[str, Category]:
        return {c.value: c for c in self.categories}

    def get(self, code: str) -> Category | None:
        return self.by_code.get(code)

    def label(self, code: str) -> str:
        category = self.get(code)
        return category.label if category else code


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

    @cached_property
    def vocabulary(self) -> Vocabulary:
        return Vocabulary(self.categories)

    def label(self, value: str) -> str:
        """Display label of ``value``; the value itself when it has none."""
        return self.vocabulary.label(value)


@dataclass(frozen=True)
class Schema:
    """The table schema of the places."""

    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: str

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    def __getitem__(self, name: str) -> Field:
        return self.by_name[name]


def _category(spec: dict[str, Any]) -> Category:
    label = spec.get("label", spec["value"])
    return Category(
        value=spec["value"],
        label=label,
        plural=spec.get("plural", label),
        color=spec.get("color", ""),
        definition=spec.get("definition", ""),
        synonyms=tuple(spec.get("synonyms", ())),
    )


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
        categories=tuple(_category(c) for c in spec.get("categories", ())),
    )


def _read_json(path: str | Path) -> dict[str, Any]:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SchemaError(f"{path}:0: schéma illisible : {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SchemaError(f"{path}:{getattr(exc, 'lineno', 0)}: schéma illisible : {exc}") from None


def load_schema(path: str | Path) -> Schema:
    """Read the table schema at ``path``; SchemaError when it is missing or malformed."""
    raw = _read_json(path)
    try:
        return Schema(
            title=raw.get("title", ""),
            description=raw.get("description", ""),
            fields=tuple(_field(spec) for spec in raw["fields"]),
            primary_key=raw.get("primaryKey", "id"),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise SchemaError(f"{path}:0: schéma mal formé : {exc!r} manque ou a le mauvais type") from None


# --- the documents' front matter ------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One front-matter key of a kind of document."""

    name: str  # as written in the file: "Lieux", "Jalon"…
    title: str
    description: str
    type: str  # text | code | url | list | milestone
    required: bool = False
    repeatable: bool = False
    vocabulary: str = ""  # name of a vocabulary, for "code" and lists of codes
    references: str = ""  # "place" or "partner", for lists of ids
    separator: str = ","
    max_length: int | None = None
    example: str = ""

    @property
    def id(self) -> str:
        """Markdown's metadata keys are case-insensitive: the lower-case name."""
        return self.name.lower()


@dataclass(frozen=True)
class Kind:
    """A kind of document: where its files are and which keys it takes."""

    name: str
    title: str
    keys: tuple[Key, ...]

    @cached_property
    def by_id(self) -> dict[str, Key]:
        return {k.id: k for k in self.keys}


@dataclass(frozen=True)
class DocumentSchema:
    kinds: dict[str, Kind]
    vocabularies: dict[str, Vocabulary]
    slug_pattern: str

    def vocabulary(self, name: str) -> Vocabulary:
        return self.vocabularies[name]


def load_document_schema(path: str | Path, places: Schema) -> DocumentSchema:
    """Read the documents' schema; vocabularies written ``{"column": "services"}`` are the CSV's own."""
    raw = _read_json(path)
    try:
        vocabularies = {}
        for name, spec in raw["vocabularies"].items():
            if isinstance(spec, dict) and "column" in spec:
                vocabularies[name] = places[spec["column"]].vocabulary
            else:
                vocabularies[name] = Vocabulary(tuple(_category(c) for c in spec))
        kinds = {
            name: Kind(name, spec.get("title", name), tuple(Key(**key) for key in spec["keys"]))
            for name, spec in raw["kinds"].items()
        }
        for kind in kinds.values():
            for key in kind.keys:
                if key.vocabulary and key.vocabulary not in vocabularies:
                    raise KeyError(f"vocabulaire {key.vocabulary}")
        return DocumentSchema(kinds, vocabularies, raw.get("slugPattern", "^[a-z0-9]+(-[a-z0-9]+)*$"))
    except (KeyError, TypeError, AttributeError) as exc:
        raise SchemaError(f"{path}:0: schéma mal formé : {exc}") from None
