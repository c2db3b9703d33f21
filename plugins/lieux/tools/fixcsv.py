"""fix-csv: rewrite a CSV saved by a spreadsheet in the canonical form, never changing a value.

Every value of the rewritten text is compared with the file as read; the rewrite is
refused, saying which value differs, if a single one would change.
"""

from __future__ import annotations

from ..core.csvfile import canonical_text, not_canonical, read_table, sniff

NEEDS_A_PERSON = "corrigez-le à la main (ou enregistrez-le en « CSV UTF-8 » depuis le tableur)"


class NotFixable(ValueError):
    """The file cannot be rewritten without a decision only a person can make."""


def _values(header: list[str], rows: list[tuple[int, list[str]]]) -> list[dict[str, str]]:
    return [dict(zip(header, cells, strict=True)) for _, cells in rows]


def fix_text(raw: bytes, columns: tuple[str, ...]) -> tuple[str, list[str]]:
    """The canonical text of ``raw`` and what had to change, in French; NotFixable when unsafe."""
    sniffed = sniff(raw)
    if sniffed.encoding == "utf-8" and sniffed.bad_lines:
        lines = ", ".join(str(n) for n in sniffed.bad_lines)
        raise NotFixable(f"le fichier est en UTF-8 mais la ou les lignes {lines} contiennent des octets qui n'en "
                         f"sont pas (un caractère collé depuis un traitement de texte ?) : {NEEDS_A_PERSON}")
    table = read_table(sniffed.text, sniffed.delimiter)
    if table.error:
        raise NotFixable(f"CSV illisible vers la ligne {table.error[0]} : {NEEDS_A_PERSON}")
    if sorted(table.header) != sorted(columns):
        missing = [c for c in columns if c not in table.header]
        unknown = [c for c in table.header if c not in columns]
        raise NotFixable("l'en-tête ne correspond pas au schéma"
                         + (f" ; colonnes manquantes : {', '.join(missing)}" if missing else "")
                         + (f" ; colonnes inconnues : {', '.join(unknown)}" if unknown else ""))
    for line, cells in table.rows:
        if len(cells) != len(table.header):
            raise NotFixable(f"la ligne {line} a {len(cells)} valeurs au lieu de {len(table.header)}")
    fixed = canonical_text(table, columns)
    _same_values(table.header, table.rows, fixed)
    return fixed, not_canonical(raw, sniffed, table.header, columns, fixed)


def _same_values(header: list[str], rows: list[tuple[int, list[str]]], fixed: str) -> None:
    """Refuse when reading ``fixed`` back gives one value that differs from the input."""
    again = read_table(fixed)
    before, after = _values(header, rows), _values(again.header, again.rows) if not again.error else []
    if len(before) != len(after):
        raise NotFixable(f"la réécriture donnerait {len(after)} lignes au lieu de {len(before)} : rien n'est écrit")
    for (line, _), old, new in zip(rows, before, after, strict=True):
        for name in header:
            if old[name] != new.get(name):
                raise NotFixable(f"ligne {line}, colonne {name} : la valeur changerait ({old[name]!r} → "
                                 f"{new.get(name)!r}) ; rien n'est écrit")
