"""Free words to vocabulary codes: « imprimante 3D » → ``prototypage``, « levée de fonds » → ``financement``.

One matcher, fed by the schema's codes, labels and synonyms, serves the CSV's
``services`` (to suggest the nearest code), the documents' ``Besoins:`` and ``Offres:``
(free words accepted and mapped), and the browser (the same keys, exported as data).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cached_property

from .schema import Vocabulary
from .text import fold, slugify

MIN_PLURAL_STEM = 4  # « labs » → « lab » is not worth the false matches; « fablabs » → « fablab » is


def singular(key: str) -> str:
    """Each word of a folded key without a plural « s » or « x »: « fablabs » → « fablab »."""
    return " ".join(w[:-1] if len(w) > MIN_PLURAL_STEM and w[-1] in "sx" else w for w in key.split())


def match_key(text: str) -> str:
    """The form words are compared in: folded, punctuation as spaces, plurals dropped."""
    return singular(" ".join(re.sub(r"[^a-z0-9&]+", " ", fold(text)).split()))


@dataclass(frozen=True)
class Match:
    """What a word was understood as: a code, how, or a suggestion when nothing matched."""

    word: str
    code: str = ""
    via: str = ""  # « code », « libellé », « synonyme « … » »
    suggestion: str = ""


@dataclass(frozen=True)
class Matcher:
    vocabulary: Vocabulary

    @cached_property
    def keys(self) -> dict[str, tuple[str, str]]:
        """``{match key: (code, how)}`` for every code, label and synonym."""
        keys: dict[str, tuple[str, str]] = {}
        for category in self.vocabulary.categories:
            keys.setdefault(match_key(category.value), (category.value, "code"))
            keys.setdefault(match_key(category.label), (category.value, "libellé"))
            for synonym in category.synonyms:
                keys.setdefault(match_key(synonym), (category.value, f"synonyme « {synonym} »"))
        return keys

    def match(self, word: str) -> Match:
        key = match_key(word)
        if slugify(word) in self.vocabulary.codes:
            return Match(word, slugify(word), "code")
        if key in self.keys:
            code, how = self.keys[key]
            return Match(word, code, how)
        padded = f" {key} "
        inside = [(len(k), k) for k in self.keys if len(k) >= 3 and f" {k} " in padded]
        if inside:
            code, how = self.keys[max(inside)[1]]
            return Match(word, code, how)
        close = difflib.get_close_matches(key, list(self.keys), n=1, cutoff=0.6)
        return Match(word, suggestion=self.keys[close[0]][0] if close else "")
