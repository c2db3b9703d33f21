"""data/places.schema.json is a Table Schema and the single source of the vocabularies."""

import csv
import json
import re

from conftest import ROOT
from lieux.stages.site import Place


def test_the_schema_is_a_table_schema_with_a_primary_key(schema):
    raw = json.loads((ROOT / "data" / "places.schema.json").read_text(encoding="utf-8"))
    assert raw["primaryKey"] == "id"
    assert all({"name", "title", "description", "type"} <= set(f) for f in raw["fields"])
    assert {f["type"] for f in raw["fields"]} <= {"string", "number", "list"}


def test_the_csv_header_is_the_schema_column_order(schema):
    with open(ROOT / "data" / "places.csv", encoding="utf-8", newline="") as handle:
        assert tuple(next(csv.reader(handle))) == schema.names


def test_every_type_has_a_label_a_plural_and_a_colour(schema):
    types = schema["type"]
    assert types.enum == tuple(c.value for c in types.categories)
    for category in types.categories:
        assert category.label and category.plural
        assert re.fullmatch(r"#[0-9a-f]{6}", category.color)


def test_the_required_vocabularies_are_present(schema):
    assert {"incubateur", "accelerateur", "pepiniere", "fablab", "coworking", "tiers-lieu",
            "living-lab", "campus", "autre"} <= set(schema["type"].allowed)
    assert {"hebergement", "bureaux", "prototypage", "mentorat", "financement", "formation",
            "evenements", "mise-en-relation"} <= set(schema["services"].allowed)


def test_a_label_falls_back_to_the_code(schema):
    assert schema["services"].label("mentorat") == "Mentorat et accompagnement"
    assert schema["services"].label("inconnu") == "inconnu"


def test_place_attributes_are_the_schema_columns(schema):
    # Place exposes the CSV columns by name; none of its own fields may hide one.
    assert not set(schema.names) & set(Place.__dataclass_fields__)
