"""The loader reads data/places.csv and reports each problem as PATH:LINE: column: message."""

import pytest
from conftest import FIXTURES, header, row
from lieux.stages.load import load_places
from lieux.stages.region import check_places


def problems(schema, region, write_csv, *rows, raw=None):
    path = write_csv(raw if raw is not None else "\n".join([header(schema), *rows]) + "\n")
    result = load_places(path, schema)
    result.problems += check_places(result.records, region, result.path)
    return result, [(p.line, p.column, p.message) for p in result.problems]


def only(found):
    assert len(found) == 1, found
    return found[0]


def test_the_small_fixture_is_valid(schema, region):
    result = load_places(FIXTURES / "places-small.csv", schema)
    assert result.problems == []
    assert [r["id"] for r in result.records] == ["atelier-a", "cowork-b", "incub-c", "tiers-d", "ecole-e"]


def test_values_are_typed_from_the_schema(schema, region):
    first = load_places(FIXTURES / "places-small.csv", schema).records[0]
    assert first["latitude"] == 48.8601
    assert first["thematiques"] == ("numérique", "design")
    assert first["services"] == ("prototypage", "formation")
    assert first["statut"] == "actif"  # the schema's default for an empty cell


def test_a_problem_prints_as_path_line_column_message(schema, region, write_csv):
    result, _ = problems(schema, region, write_csv, row(schema, nom=""))
    assert str(result.problems[0]) == f"{result.path}:2: nom: valeur obligatoire manquante"


def test_physical_lines_count_every_line_of_a_quoted_field(schema, region):
    records = load_places(FIXTURES / "places-small.csv", schema).records
    assert [r.line for r in records] == [2, 3, 4, 5, 7]


@pytest.mark.parametrize("text", [
    "a,b\n1,2\n", "a,b\n\n1,2\n \t, \n3,4", "a,b\r\n1,2\r\n", 'a,b\n"1\n2",3\n4,5\n', 'a,b\n"1\r2",3\n',
    'a,b\n"1,2\n3,4\n', "a,b\n1\r2,3\n4,5\n", "", "\n\n", 'a,b\n1,"2"x\n3,4\n',
])
def test_rows_read_at_once_are_those_read_one_by_one_with_their_lines(text):
    from lieux.core.csvfile import _lines, _read_rows, read_table

    at_once, one_by_one = read_table(text), _read_rows(_lines(text), ",")
    assert (at_once.header, at_once.rows, at_once.error) == (one_by_one.header, one_by_one.rows, one_by_one.error)


def test_a_missing_column_is_reported_on_the_header(schema, region, write_csv):
    names = [n for n in schema.names if n != "commune"]
    _, found = problems(schema, region, write_csv, raw=",".join(names) + "\n")
    assert only(found) == (1, "commune", "colonne manquante dans l'en-tête")


def test_an_unknown_column_is_reported_on_the_header(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, raw=header(schema) + ",telephone\n")
    line, column, message = only(found)
    assert (line, column) == (1, "telephone")
    assert message.startswith("colonne inconnue")


def test_a_required_value_is_reported_with_its_line(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema), row(schema, id="b", type=""))
    assert only(found) == (3, "type", "valeur obligatoire manquante")


def test_an_id_must_be_a_lowercase_slug(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, id="Le Cargo"))
    line, column, message = only(found)
    assert (line, column) == (2, "id")
    assert "« Le Cargo » n'a pas le format attendu" in message


def test_a_duplicate_id_names_the_first_line(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, id="a"), row(schema, id="b"), row(schema, id="a"))
    assert only(found) == (4, "id", "« a » est déjà utilisé ligne 2")


def test_a_type_outside_the_vocabulary_lists_the_allowed_values(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, type="hackerspace"))
    line, column, message = only(found)
    assert (line, column) == (2, "type")
    assert "« hackerspace » n'est pas une valeur autorisée" in message and "incubateur" in message


def test_each_unknown_service_is_reported(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, services="bureaux|cafe"))
    line, column, message = only(found)
    assert (line, column) == (2, "services")
    assert "« cafe »" in message


def test_a_postcode_has_five_digits(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, code_postal="7501"))
    assert only(found)[:2] == (2, "code_postal")


def test_a_decimal_comma_gets_a_hint(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, latitude="48,85", longitude="2.35"))
    assert only(found) == (2, "latitude", "« 48,85 » n'est pas un nombre (le séparateur décimal est le point : 48.85)")


def test_a_latitude_out_of_range_is_reported(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, latitude="148.8", longitude="2.35"))
    assert (2, "latitude", "148.8 hors de l'intervalle [-90, 90]") in found


def test_a_number_written_over_two_lines_is_not_read_as_two_numbers(schema, region, write_csv):
    result, found = problems(schema, region, write_csv, row(schema, id="a", latitude="48.85", longitude="2.35"),
                             row(schema, id="b", latitude="48\n85", longitude="2.35"))
    assert [r.values["latitude"] for r in result.records] == [48.85]
    assert [(line, column) for line, column, _ in found] == [(3, "latitude")]


def test_latitude_and_longitude_come_together(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, latitude="48.85"))
    assert only(found) == (2, "longitude", "latitude renseignée sans longitude : il faut les deux, ou aucune")


def test_coordinates_outside_the_region_are_an_error(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, latitude="43.6", longitude="1.44"))
    assert only(found) == (2, "latitude", "les coordonnées (43.6, 1.44) sont hors de la région Île-de-France")


def test_swapped_coordinates_get_a_hint(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, latitude="2.35", longitude="48.85"))
    assert "inversées" in only(found)[2]


def test_a_postcode_outside_the_region_is_an_error(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, code_postal="31000", commune="Toulouse"))
    line, column, message = only(found)
    assert (line, column) == (2, "code_postal")
    assert "hors de la région Île-de-France" in message


def test_a_place_needs_an_address_or_coordinates(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, adresse="", commune=""))
    line, column, message = only(found)
    assert (line, column) == (2, "adresse")
    assert "manque : adresse, commune" in message


def test_coordinates_alone_locate_a_place(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, adresse="", code_postal="", commune="",
                                                       latitude="48.85", longitude="2.35"))
    assert found == []


def test_a_javascript_url_is_rejected(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, site_web="javascript:alert(1)"))
    line, column, message = only(found)
    assert (line, column) == (2, "site_web")
    assert "http:// ou https://" in message


def test_a_url_without_scheme_is_rejected(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, site_web="www.example.org"))
    assert only(found)[:2] == (2, "site_web")


def test_an_impossible_opening_date_is_rejected(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, date_ouverture="2015-02-30"))
    assert only(found)[:2] == (2, "date_ouverture")


def test_an_update_date_may_be_a_year_a_month_or_a_day(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, id="a", date_maj="2019"),
                        row(schema, id="b", date_maj="2019-06"), row(schema, id="c", date_maj="2019-06-01"),
                        row(schema, id="d", date_maj="01/06/2019"))
    assert only(found)[:2] == (5, "date_maj")


def test_a_description_longer_than_280_characters_is_rejected(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, description="x" * 281))
    assert only(found) == (2, "description", "281 caractères, 280 au plus")


def test_a_status_outside_the_vocabulary_is_rejected(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, statut="fermé"))
    assert only(found)[:2] == (2, "statut")


def test_a_row_with_too_many_cells_is_reported_once(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema) + ",en trop")
    line, column, message = only(found)
    assert (line, column) == (2, "ligne")
    assert message.startswith(f"{len(schema.names) + 1} valeurs au lieu de {len(schema.names)}")


def test_every_problem_of_the_file_is_reported(schema, region, write_csv):
    _, found = problems(schema, region, write_csv, row(schema, id="A"), row(schema, id="b", type="x"),
                        row(schema, id="c", code_postal="1"))
    assert [f[:2] for f in found] == [(2, "id"), (3, "type"), (4, "code_postal")]


def test_a_semicolon_file_gets_one_clear_message(schema, region, write_csv):
    text = header(schema).replace(",", ";") + "\n" + row(schema).replace(",", ";") + "\n"
    _, found = problems(schema, region, write_csv, raw=text)
    line, column, message = only(found)
    assert (line, column) == (1, "fichier")
    assert "points-virgules" in message


def test_a_byte_order_mark_gets_one_clear_warning(schema, region, write_csv):
    text = header(schema) + "\n" + row(schema) + "\n"
    result, found = problems(schema, region, write_csv, raw=b"\xef\xbb\xbf" + text.encode())
    line, column, message = only(found)
    assert (line, column) == (1, "fichier")
    assert "marque d'ordre des octets (BOM)" in message and "invoke fix-csv" in message
    assert result.errors == [] and len(result.records) == 1  # the rest of the file is still checked


def test_a_windows_1252_file_gets_one_clear_message(schema, region, write_csv):
    text = header(schema) + "\n" + row(schema, nom="Café") + "\n"
    _, found = problems(schema, region, write_csv, raw=text.encode("cp1252"))
    line, column, message = only(found)
    assert (line, column) == (2, "fichier")
    assert "Windows-1252" in message and "invoke fix-csv" in message


def test_windows_line_endings_are_read_and_reported_as_not_canonical(schema, region, write_csv):
    text = header(schema) + "\r\n" + row(schema) + "\r\n"
    result, found = problems(schema, region, write_csv, raw=text.encode())
    assert len(result.records) == 1 and result.errors == []
    assert "fins de ligne Windows (CRLF)" in only(found)[2]


def test_a_valid_file_with_extra_quotes_is_reported_as_not_canonical(schema, region, write_csv):
    text = header(schema) + "\n" + row(schema).replace("Lieu test", '"Lieu test"') + "\n"
    result, found = problems(schema, region, write_csv, raw=text)
    assert result.errors == [] and result.warnings[0].severity == "warning"
    assert "guillemets superflus" in only(found)[2]


@pytest.mark.parametrize("rows", [
    ["{row}", "{row}"],
    ["{row}", '{quoted}'],
    ["{row}", '{quoted}'.replace("Lieu test", '"Lieu test"')],
    ["{row}", ",,,,,,,,,,,,,,,,,", "{row}"],
    ['{multiline}', "{row}"],
    ['{multiline}'.replace("deux\nlignes", "deux lignes"), "{row}"],
])
def test_the_quick_canonical_check_agrees_with_writing_the_file_again(rows, schema):
    from lieux.core.csvfile import canonical_text, is_canonical, read_table, sniff

    plain = row(schema)
    quoted = row(schema, id="virgule", description='"Un lieu, avec une virgule"')
    multiline = row(schema, id="lignes", description='"Sur deux\nlignes"')
    lines = [r.format(row=plain, quoted=quoted, multiline=multiline) for r in rows]
    for first in (header(schema), '"id"' + header(schema)[2:]):
        raw = (first + "\n" + "\n".join(lines) + "\n").encode()
        sniffed = sniff(raw)
        table = read_table(sniffed.text)
        expected = raw == canonical_text(table, schema.names).encode()
        assert is_canonical(raw, sniffed, table, schema.names) is expected


def test_columns_in_another_order_are_read_and_reported(schema, region, write_csv):
    names = list(schema.names)
    names[1], names[2] = names[2], names[1]
    line = row(schema).split(",")
    line[1], line[2] = line[2], line[1]
    result, found = problems(schema, region, write_csv, raw=",".join(names) + "\n" + ",".join(line) + "\n")
    assert result.records[0]["nom"] == "Lieu test"
    assert "autre ordre" in only(found)[2]


def test_a_missing_file_is_a_problem_not_a_crash(schema, region, tmp_path):
    result = load_places(tmp_path / "absent.csv", schema)
    assert [p.column for p in result.problems] == ["fichier"]
