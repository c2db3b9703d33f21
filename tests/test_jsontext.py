"""The site's JSON files are written in pieces, and read as if written whole."""

import json

import pytest
from lieux.outputs import jsontext


@pytest.mark.parametrize("count", [0, 1, jsontext.CHUNK - 1, jsontext.CHUNK, jsontext.CHUNK + 1, 3 * jsontext.CHUNK])
def test_a_table_written_in_pieces_has_the_bytes_of_the_table_written_whole(count):
    rows = [[i, f"Lieu n°{i} « é »", {"b": 1, "a": [i, None]}] for i in range(count)]
    head = {"z": "fin", "fields": ["id", "nom"]}
    whole = json.dumps({**head, "places": rows}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    assert jsontext.rows_json(head, "places", iter(rows)) == whole.encode("utf-8")


def test_json_in_a_script_element_cannot_close_it_or_open_a_comment():
    text = jsontext.json_for_script({"nom": "</script><!-- & \u2028"})
    assert "</" not in text and "<!--" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"nom": "</script><!-- & \u2028"}
