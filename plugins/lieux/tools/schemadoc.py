"""The reference tables of CONTRIBUTING.md, generated from the two schemas.

``invoke schema-docs`` rewrites the parts of CONTRIBUTING.md between the markers
below; a test fails when the committed text differs from the schemas.
"""

from __future__ import annotations

from ..core.schema import DocumentSchema, Field, Schema

START = "<!-- schema-docs:start (généré par « invoke schema-docs », ne pas modifier à la main) -->"
END = "<!-- schema-docs:end -->"
DOCS_START = "<!-- documents-docs:start (généré par « invoke schema-docs », ne pas modifier à la main) -->"
DOCS_END = "<!-- documents-docs:end -->"


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
    lines = ["| colonne | signification | règle | exemple |", "| --- | --- | --- | --- |"]
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


def documents_markdown(schema: DocumentSchema) -> str:
    """One table of keys per kind of document, then the vocabularies that are not the CSV's."""
    lines: list[str] = []
    for kind in schema.kinds.values():
        lines += [f"**{kind.title}** :", "", "| clé | signification | règle | exemple |", "| --- | --- | --- | --- |"]
        for key in kind.keys:
            rule = ["**obligatoire**" if key.required else "facultatif"]
            if key.repeatable:
                rule.append("une ligne par valeur, la clé répétée")
            if key.vocabulary:
                rule.append(f"valeur de la liste « {key.vocabulary} »")
            if key.max_length:
                rule.append(f"{key.max_length} caractères au plus")
            example = f"`{key.name}: {_cell(key.example)}`" if key.example else ""
            lines.append(f"| `{key.name}` | **{_cell(key.title)}** : {_cell(key.description)} | "
                         f"{_cell(', '.join(rule))} | {example} |")
        lines.append("")
    for name, vocabulary in schema.vocabularies.items():
        lines += [f"Liste « {name} » :", "", "| valeur | affichée comme |", "| --- | --- |"]
        lines += [f"| `{c.value}` | {_cell(c.label)} |" for c in vocabulary.categories]
        lines.append("")
    return "\n".join(lines).rstrip("\n")


def _replace(text: str, start: str, end: str, body: str) -> str:
    if start not in text or end not in text:
        raise ValueError("les marqueurs schema-docs manquent dans le fichier")
    before, rest = text.split(start, 1)
    _, after = rest.split(end, 1)
    return f"{before}{start}\n{body}\n{end}{after}"


def render_into(text: str, schema: Schema, documents: DocumentSchema) -> str:
    """``text`` with its generated sections replaced by the current tables."""
    text = _replace(text, START, END, columns_markdown(schema))
    return _replace(text, DOCS_START, DOCS_END, documents_markdown(documents))
