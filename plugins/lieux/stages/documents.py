"""Documents: the partner, project and place markdown pages, read and checked against their schema.

The front matter is read here, as Pelican's markdown reader reads it (``Key: value``
lines, continuation lines indented by four spaces, a blank line before the text), but
keeping each value's line, so every problem points at it. No Pelican, no settings: the
same stage runs in the build and in ``invoke validate``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..core.problems import Problem, display_path, quoted
from ..core.schema import DocumentSchema, Key, Kind
from ..core.text import fold, french_date, slugify
from ..core.vocabulary import Matcher
from .load import is_web_url, text_problems

KEY_LINE = re.compile(r"^[ ]{0,3}([A-Za-z0-9_-]+):\s*(.*)$")
CONTINUATION = re.compile(r"^[ ]{4,}(.*)$")
MILESTONE = re.compile(r"^\s*(\d{4}(?:-\d{2}){0,2})\s*:\s*(.+?)\s*$")
HOURS = re.compile(r"^([01]?\d|2[0-3])h([0-5]\d)?(?:\s*-\s*([01]?\d|2[0-3])h([0-5]\d)?)?$")
FLAGS = {"oui": True, "non": False}


@dataclass(frozen=True)
class Entry:
    """One ``Key: value`` of a front matter, with its line."""

    line: int
    value: str


@dataclass(frozen=True)
class Milestone:
    date: str
    text: str
    line: int = 0

    @property
    def date_text(self) -> str:
        """« 13 décembre 2017 », « juin 2017 », « 2013 »."""
        return french_date(self.date)


@dataclass
class Document:
    """A markdown page: its front matter checked and typed, and its body as safe HTML."""

    kind: str
    slug: str
    path: str
    entries: dict[str, list[Entry]]
    fields: dict[str, Any] = field(default_factory=dict)
    body: str = ""

    @property
    def title(self) -> str:
        return self.fields.get("title", "")

    @property
    def summary(self) -> str:
        return self.fields.get("summary", "")


def parse_front_matter(text: str) -> tuple[dict[str, list[Entry]], str]:
    """The ``Key: value`` entries (keys lower-cased) and the text after them."""
    lines = text.split("\n")
    entries: dict[str, list[Entry]] = {}
    last: tuple[str, int] | None = None
    number = 0
    if lines and re.match(r"^-{3}(\s.*)?$", lines[0]):
        number = 1
    while number < len(lines):
        line = lines[number].rstrip("\r")
        key_match, more = KEY_LINE.match(line), CONTINUATION.match(line)
        if key_match:
            key = key_match.group(1).lower()
            entries.setdefault(key, []).append(Entry(number + 1, key_match.group(2).strip()))
            last = (key, len(entries[key]) - 1)
        elif more and last:
            key, index = last
            entry = entries[key][index]
            entries[key][index] = Entry(entry.line, f"{entry.value} {more.group(1).strip()}".strip())
        else:
            if re.match(r"^(-{3}|\.{3})\s*$", line) or not line.strip():
                number += 1  # the line that ends the front matter is not part of the text
            break
        number += 1
    return entries, "\n".join(lines[number:])


class _Checker:
    """Checks the entries of one document against its kind, collecting located problems."""

    def __init__(self, doc: Document, kind: Kind, schema: DocumentSchema) -> None:
        self.doc, self.kind, self.schema = doc, kind, schema
        self.problems: list[Problem] = []

    def add(self, line: int, key: Key | str, message: str, severity: str = "error") -> None:
        name = key.name if isinstance(key, Key) else key
        self.problems.append(Problem(self.doc.path, line, name, message, severity))

    def run(self) -> None:
        for name, entries in self.doc.entries.items():
            key = self.kind.by_id.get(name)
            if key is None:
                allowed = ", ".join(k.name for k in self.kind.keys)
                self.add(entries[0].line, name.capitalize(),
                         f"clé inconnue pour un document « {self.kind.title} » ; clés possibles : {allowed}", "warning")
                continue
            if len(entries) > 1 and not key.repeatable:
                self.add(entries[1].line, key, f"clé répétée (déjà ligne {entries[0].line}) : une seule valeur")
            values = [self.value(key, entry) for entry in (entries if key.repeatable else entries[:1])]
            self.doc.fields[key.id] = values if key.repeatable else values[0]
        for key in self.kind.keys:
            if key.required and key.id not in self.doc.entries:
                self.add(1, key, f"clé obligatoire manquante : ajoutez une ligne « {key.name}: … » en tête "
                                 f"({key.description})")

    def value(self, key: Key, entry: Entry) -> Any:
        for message in text_problems(entry.value, None if key.type == "list" else key.max_length):
            self.add(entry.line, key, message)
        check = getattr(self, f"check_{key.type}")
        return check(key, entry)

    def check_text(self, key: Key, entry: Entry) -> str:
        return entry.value

    def check_code(self, key: Key, entry: Entry) -> str:
        vocabulary = self.schema.vocabulary(key.vocabulary)
        code = slugify(entry.value)
        if code in vocabulary.codes:
            return code
        choices = ", ".join(f"{c.value} ({c.label})" for c in vocabulary.categories)
        self.add(entry.line, key, f"« {quoted(entry.value)} » inconnu ; valeurs possibles : {choices}", "warning")
        return ""

    def check_url(self, key: Key, entry: Entry) -> str:
        if is_web_url(entry.value):
            return entry.value
        self.add(entry.line, key, f"« {quoted(entry.value)} » n'est pas une adresse web valide : elle doit commencer "
                                  "par http:// ou https:// (javascript:, data: et // sont refusés)")
        return ""

    def check_list(self, key: Key, entry: Entry) -> list[tuple[int, str]]:
        items = [item.strip() for item in entry.value.split(key.separator) if item.strip()]
        for item in items:
            if key.max_length and len(item) > key.max_length:
                self.add(entry.line, key, f"« {quoted(item)} » : {len(item)} caractères, {key.max_length} au plus")
        return [(entry.line, item) for item in items]

    def check_codes(self, key: Key, entry: Entry) -> list[str]:
        """Codes of the vocabulary, or free words mapped to them (each mapping said as a note)."""
        matcher = Matcher(self.schema.vocabulary(key.vocabulary))
        codes = []
        for word in (w.strip() for w in entry.value.split(key.separator)):
            if not word:
                continue
            found = matcher.match(word)
            if found.code and found.via != "code":
                self.add(entry.line, key, f"« {quoted(word)} » compris comme « {found.code} » ({found.via})", "note")
            elif not found.code:
                hint = f" ; vouliez-vous dire « {found.suggestion} » ?" if found.suggestion else ""
                self.add(entry.line, key, f"« {quoted(word)} » ne correspond à aucun code de la liste "
                                          f"« {key.vocabulary} »{hint} (codes : {', '.join(matcher.vocabulary.codes)})",
                         "warning")
            if found.code and found.code not in codes:
                codes.append(found.code)
        return codes

    def check_date(self, key: Key, entry: Entry) -> str:
        if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", entry.value) and is_partial_date(entry.value):
            return entry.value
        self.add(entry.line, key, f"« {quoted(entry.value)} » n'est pas une date réelle au format AAAA-MM-JJ "
                                  "(ou AAAA-MM quand le jour n'est pas fixé)")
        return ""

    def check_hours(self, key: Key, entry: Entry) -> str:
        if HOURS.fullmatch(entry.value.replace(" ", "")):
            return entry.value.replace(" ", "")
        self.add(entry.line, key, f"« {quoted(entry.value)} » : les horaires s'écrivent « 9h00-12h30 » ou « 18h »",
                 "warning")
        return ""

    def check_flag(self, key: Key, entry: Entry) -> bool:
        value = fold(entry.value)
        if value in FLAGS:
            return FLAGS[value]
        self.add(entry.line, key, f"« {quoted(entry.value)} » : « oui » ou « non »", "warning")
        return False

    def check_milestone(self, key: Key, entry: Entry) -> Milestone | None:
        match = MILESTONE.match(entry.value)
        if not match:
            self.add(entry.line, key, f"« {quoted(entry.value)} » : un jalon s'écrit « AAAA[-MM[-JJ]] : ce qui "
                                      "s'est passé » ; il n'est pas affiché", "warning")
            return None
        when, text = match.groups()
        if not is_partial_date(when):
            self.add(entry.line, key, f"« {when} » n'est pas une date réelle (AAAA, AAAA-MM ou AAAA-MM-JJ) ; "
                                      "le jalon n'est pas affiché", "warning")
            return None
        return Milestone(when, text, entry.line)


def is_partial_date(value: str) -> bool:
    """« 2017 », « 2017-06 » or a real « 2017-06-21 »."""
    parts = value.split("-")
    try:
        date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def read_document(path: Path, kind: Kind, schema: DocumentSchema,
                  render: Callable[[str], str] | None) -> tuple[Document | None, list[Problem]]:
    """One document, or ``None`` with the reason when it cannot be used at all."""
    where = display_path(path)
    if not re.fullmatch(schema.slug_pattern, path.stem):
        return None, [Problem(where, 0, "fichier", f"nom de fichier « {quoted(path.name)} » refusé : il forme "
                              f"l'adresse de la page ; écrivez-le en minuscules sans accents, avec des tirets "
                              f"(par exemple « {slugify(path.stem) or 'mon-projet'}.md »)")]
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        return None, [Problem(where, line, "fichier", "octets qui ne sont pas de l'UTF-8 : enregistrez en UTF-8")]
    except OSError as exc:
        return None, [Problem(where, 0, "fichier", f"lecture impossible : {exc.strerror}")]
    entries, body = parse_front_matter(text)
    doc = Document(kind.name, path.stem, where, entries)
    checker = _Checker(doc, kind, schema)
    checker.run()
    doc.body = render(body) if render else ""
    return doc, checker.problems


def read_documents(content_path: Path, folders: Iterable[tuple[str, str]], schema: DocumentSchema,
                   render: Callable[[str], str] | None = None) -> tuple[list[Document], list[Problem]]:
    """Every ``*.md`` of each (kind, folder), sorted by kind then slug, and their problems."""
    documents, problems = [], []
    for kind_name, folder in folders:
        kind = schema.kinds[kind_name]
        for path in sorted((Path(content_path) / folder).glob("*.md")):
            doc, found = read_document(path, kind, schema, render)
            problems += found
            if doc is not None:
                documents.append(doc)
    return documents, problems


def is_dated_event(doc: Document) -> bool:
    """Whether a document is an event of the site: one with a valid date (else its problem is reported)."""
    return doc.kind == "evenement" and bool(doc.fields.get("date"))
