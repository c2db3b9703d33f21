"""The canonical form of data/places.csv, and how to recognise a file saved by a spreadsheet.

Canonical: UTF-8 without BOM, commas, LF line ends, the schema's column order,
minimal quoting, one final newline, no blank line. Keeping the file canonical
keeps pull-request diffs to the lines that really changed. ``fix_text`` rewrites
any readable variant (French Excel or LibreOffice: semicolons, a BOM,
Windows-1252, CRLF) into that form without changing a single value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Sniffed:
    """How a file was saved, and its text."""

    text: str
    encoding: str  # "utf-8" or "cp1252"
    bom: bool
    delimiter: str  # "," or ";"
    bad_byte_line: int = 0  # line of the first byte that is not UTF-8, if any


def csv_text(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """CSV in the project's canonical form: UTF-8, commas, LF, minimal quoting."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def sniff(raw: bytes) -> Sniffed:
    """Decode ``raw`` (UTF-8, else Windows-1252) and find its separator."""
    bom = raw.startswith(UTF8_BOM)
    body = raw[len(UTF8_BOM) :] if bom else raw
    try:
        text, encoding, bad_line = body.decode("utf-8"), "utf-8", 0
    except UnicodeDecodeError as exc:
        bad_line = body[: exc.start].count(b"\n") + 1
        text, encoding = body.decode("cp1252", errors="replace"), "cp1252"
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return Sniffed(text, encoding, bom, delimiter, bad_line)


def parse(sniffed: Sniffed) -> tuple[list[str], list[list[str]]]:
    """Header and rows, blank lines left out."""
    rows = [r for r in csv.reader(io.StringIO(sniffed.text, newline=""), delimiter=sniffed.delimiter)
            if any(cell.strip() for cell in r)]
    return (rows[0] if rows else []), rows[1:]


class NotFixable(ValueError):
    """The file cannot be rewritten without a decision only a person can make."""


def canonical_text(header: list[str], rows: list[list[str]], columns: tuple[str, ...]) -> str:
    """The rows in the canonical form, columns in the schema's order."""
    if sorted(header) != sorted(columns):
        missing = [c for c in columns if c not in header]
        unknown = [c for c in header if c not in columns]
        raise NotFixable(
            "l'en-tête ne correspond pas au schéma"
            + (f" ; colonnes manquantes : {', '.join(missing)}" if missing else "")
            + (f" ; colonnes inconnues : {', '.join(unknown)}" if unknown else "")
        )
    order = [header.index(c) for c in columns]
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise NotFixable(f"une ligne a {len(row)} valeurs au lieu de {len(header)} (vers la ligne {number})")
    return csv_text(columns, ([row[i] for i in order] for row in rows))


def fix_text(raw: bytes, columns: tuple[str, ...]) -> tuple[str, list[str]]:
    """The canonical text of ``raw`` and what had to change, in French."""
    sniffed = sniff(raw)
    header, rows = parse(sniffed)
    fixed = canonical_text(header, rows, columns)
    return fixed, differences(raw, sniffed, header, fixed, columns)


def differences(raw: bytes, sniffed: Sniffed, header: list[str], fixed: str, columns: tuple[str, ...]) -> list[str]:
    """Why ``raw`` is not in the canonical form ``fixed`` (empty when it is)."""
    if raw == fixed.encode("utf-8"):
        return []
    reasons = []
    if sniffed.encoding != "utf-8":
        reasons.append("encodé en Windows-1252 au lieu d'UTF-8")
    if sniffed.bom:
        reasons.append("commence par une marque d'ordre des octets (BOM), ajoutée par Excel ou LibreOffice")
    if sniffed.delimiter != ",":
        reasons.append("colonnes séparées par des points-virgules")
    if b"\r\n" in raw:
        reasons.append("fins de ligne Windows (CRLF)")
    if tuple(header) != columns:
        reasons.append("colonnes dans un autre ordre que celui du schéma")
    if not raw.endswith(b"\n"):
        reasons.append("pas de retour à la ligne à la fin")
    if not reasons:
        reasons.append("guillemets superflus ou lignes vides")
    return reasons
