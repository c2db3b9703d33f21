"""The column reference of CONTRIBUTING.md, generated from the Table Schema.

``invoke schema-docs`` rewrites the part of CONTRIBUTING.md between the two
markers below; a test fails when the committed text differs from the schema.
"""

from __future__ import annotations

from .schema import Field, Schema

START = "<!-- schema-docs:start (généré par « invoke schema-docs », ne pas modifier à la main) -->"
END = "<!-- schema-docs:end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _rule(f: Field) -> str:
    parts = ["**obligatoire**" if f.required else "facultatif"]
    if f.unique:
        parts.append("unique")
    if f.type == "number":
        parts.append(f"nombre entre {f.minimum:g} et {f.maximum:g}")
    if f.type == "list":
        parts.append(f"plusieurs valeurs séparées par « {f.delimiter} »")
    if f.max_length:
        parts.append(f"{f.max_length} caractères au plus")
    if f.default:
        parts.append(f"vide = « {f.default} »")
    return _cell(", ".join(parts))


def columns_markdown(schema: Schema) -> str:
    """The table of columns, then one table per vocabulary."""
    lines = [
        "| colonne | signification | règle | exemple |",
        "| --- | --- | --- | --- |",
    ]
    for f in schema.fields:
        example = f"`{_cell(f.example)}`" if f.example else ""
        lines.append(f"| `{f.name}` | **{_cell(f.title)}** : {_cell(f.description)} | {_rule(f)} | {example} |")
    for f in schema.fields:
        if not f.categories:
            continue
        lines += ["", f"Valeurs de `{f.name}` ({f.title.lower()}) :", ""]
        lines += ["| valeur | affichée comme |", "| --- | --- |"]
        lines += [f"| `{c.value}` | {_cell(c.label)} |" for c in f.categories]
    return "\n".join(lines)


def render_into(text: str, schema: Schema) -> str:
    """``text`` with its generated section replaced by the current table."""
    if START not in text or END not in text:
        raise ValueError("les marqueurs schema-docs manquent dans le fichier")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{columns_markdown(schema)}\n{END}{after}"
