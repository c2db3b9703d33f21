"""French administrative territory reference data: regions, départements, communes and postcodes.

The data come from the npm package ``@etalab/decoupage-administratif`` (v6.0.0), installed by
``npm ci`` under ``node_modules``: the Code officiel géographique (INSEE) for regions, départements
and communes, and La Poste's postcode database for the postcodes of each commune.

Only the communes of the requested regions are kept. ``communes.json`` is large (37 590 records,
8.6 MB), so it is not parsed as a whole: the file holds one compact JSON record per line, and only
the lines naming a requested region are parsed. When the file does not have that layout (another
version of the package), it is parsed entirely, which is slower but gives the same result.

The module is standalone: it only imports the standard library.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "CREDIT",
    "DATA_SUBDIR",
    "Commune",
    "Territory",
    "TerritoryError",
    "regions_of_setting",
]

CREDIT = "Découpage administratif : INSEE (Code officiel géographique) et La Poste, via @etalab/decoupage-administratif"

DATA_SUBDIR = "@etalab/decoupage-administratif/data"

# Communes in force today, and the municipal arrondissements of Paris, Lyon and Marseille.
_CURRENT_TYPES = frozenset({"commune-actuelle", "arrondissement-municipal"})
# Former communes merged into a current one (their ``chefLieu``); they have no postcode of their own.
_FORMER_TYPES = frozenset({"commune-deleguee", "commune-associee"})

_INSEE = re.compile(r"(?:\d{2}|2[AB])\d{3}")
_POSTCODE = re.compile(r"\d{5}")
_ARRONDISSEMENT_NAME = re.compile(r"^(?P<base>.+?)\s+(?P<number>\d+)(?:er|e)\s+arrondissement$", re.IGNORECASE)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_ARTICLES = frozenset({"le", "la", "les", "l"})
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
_ORDINAL_SUFFIXES = ("", "e", "er", "eme", "ieme")


class TerritoryError(ValueError):
    """The territory setting or the administrative data are unusable (message in French)."""


@dataclass(frozen=True)
class Commune:
    """A current commune, or a municipal arrondissement of Paris, Lyon or Marseille."""

    code: str  # INSEE code, e.g. "75111" for Paris 11e arrondissement, "93048" for Montreuil
    name: str
    departement: str  # "75", "2A", "971"
    region: str  # "11"
    postcodes: tuple[str, ...]
    arrondissement: int | None = None  # 11 for Paris 11e arrondissement, else None


@dataclass(frozen=True)
class Territory:
    """The regions a site covers, with their départements, communes and postcodes."""

    regions: tuple[tuple[str, str], ...]  # ((code, name), ...) in the order given
    departements: dict[str, str] = field(hash=False)  # code -> name, INSEE order ("19" < "2A" < "2B" < "21")
    _communes: dict[str, Commune] = field(default_factory=dict, repr=False, compare=False)
    _by_postcode: dict[str, tuple[Commune, ...]] = field(default_factory=dict, repr=False, compare=False)
    # Former INSEE codes (communes déléguées / associées, ``anciensCodes``) -> current commune code.
    _aliases: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    # Current commune code -> names of the former communes merged into it.
    _former_names: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)
    # (postcode, commune name) -> whether they match, filled as places are checked.
    _matches: dict[tuple[str, str], bool | None] = field(default_factory=dict, repr=False, compare=False)
    _departements: dict[tuple[str, str], str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def name(self) -> str:
        """The regions' names: « Île-de-France », « Occitanie et Île-de-France », « A, B et C »."""
        names = [name for _, name in self.regions]
        if len(names) <= 1:
            return "".join(names)
        return f"{', '.join(names[:-1])} et {names[-1]}"

    @classmethod
    def load(cls, node_modules: str | Path, regions: Iterable[str]) -> Territory:
        """Load the regions (INSEE codes, e.g. ``["11"]``) from the package installed in ``node_modules``.

        Raises :class:`TerritoryError` for an unknown region code or when the data are missing.
        """
        codes = regions_of_setting(regions if isinstance(regions, str) else tuple(regions))
        folder = Path(node_modules) / DATA_SUBDIR
        all_regions = {r["code"]: r["nom"] for r in _read_json(folder / "regions.json")}
        unknown = [code for code in codes if code not in all_regions]
        if unknown:
            valid = ", ".join(f"{code} ({name})" for code, name in sorted(all_regions.items()))
            raise TerritoryError(
                f"Code de région inconnu : {', '.join(f'« {code} »' for code in unknown)}. "
                f"Codes INSEE valides : {valid}."
            )
        wanted = frozenset(codes)
        departements = {
            d["code"]: d["nom"]
            for d in sorted(_read_json(folder / "departements.json"), key=lambda d: _insee_order(d["code"]))
            if d.get("region") in wanted
        }
        communes: dict[str, Commune] = {}
        by_postcode: dict[str, list[Commune]] = {}
        aliases: dict[str, str] = {}
        former: dict[str, list[str]] = {}
        records = _read_communes(folder / "communes.json", wanted)
        for record in records:
            if record.get("type") not in _CURRENT_TYPES:
                continue
            commune = _commune(record)
            communes[commune.code] = commune
            for postcode in commune.postcodes:
                by_postcode.setdefault(postcode, []).append(commune)
            for old in record.get("anciensCodes", ()):
                aliases.setdefault(old, commune.code)
        for record in records:
            parent = record.get("chefLieu", "")
            if record.get("type") in _FORMER_TYPES and parent in communes:
                if record["code"] not in communes:
                    aliases[record["code"]] = parent
                former.setdefault(parent, []).append(record["nom"])
        return cls(
            regions=tuple((code, all_regions[code]) for code in codes),
            departements=departements,
            _communes=communes,
            _by_postcode={pc: tuple(sorted(cs, key=lambda c: c.code)) for pc, cs in by_postcode.items()},
            _aliases=aliases,
            _former_names={code: tuple(names) for code, names in former.items()},
        )

    @property
    def communes(self) -> tuple[Commune, ...]:
        """Every current commune (and municipal arrondissement) of the territory, by INSEE code."""
        return tuple(sorted(self._communes.values(), key=lambda c: c.code))

    def departement_of(self, postcode: str = "", insee: str = "") -> str:
        key = (postcode or "", insee or "")
        if key not in self._departements:  # places share postcodes: each is looked up once
            self._departements[key] = self._departement_of(*key)
        return self._departements[key]

    def _departement_of(self, postcode: str = "", insee: str = "") -> str:
        """The département code of a place in the territory, or ``""`` when unknown or outside it.

        The INSEE commune code wins over the postcode: it names the commune, current or former,
        and starts with its département ("2A004", "97411"). A postcode is looked up in the
        communes using it (20000 -> "2A", 94390 -> "91" for Paray-Vieille-Poste); one unknown to
        La Poste's data (a CEDEX code) falls back to its first two digits, outside Corsica and overseas.
        """
        code = _clean_insee(insee)
        if code:
            current = self._communes.get(code) or self._communes.get(self._aliases.get(code, ""))
            if current is not None:
                return current.departement
            prefix = _departement_prefix(code)
            return prefix if prefix in self.departements else ""
        postcode = postcode.strip() if postcode else ""
        if not _POSTCODE.fullmatch(postcode):
            return ""
        communes = self._by_postcode.get(postcode)
        if communes:
            departements = list(dict.fromkeys(c.departement for c in communes))
            # A few postcodes straddle two départements: prefer the one the postcode starts with.
            return next((d for d in departements if postcode.startswith(d)), departements[0])
        # Unknown to La Poste's data (a CEDEX code): its first two digits, except in Corsica (20xxx:
        # 2A or 2B) and overseas (97xxx: 97133 is Saint-Barthélemy, not Guadeloupe).
        prefix = postcode[:2]
        return prefix if prefix in self.departements else ""

    def contains_postcode(self, postcode: str) -> bool:
        """Whether a commune of the territory uses this postcode."""
        return (postcode or "").strip() in self._by_postcode

    def contains_commune(self, insee: str) -> bool:
        """Whether this INSEE code is a current commune (or municipal arrondissement) of the territory."""
        return _clean_insee(insee) in self._communes

    def communes_of_postcode(self, postcode: str) -> tuple[Commune, ...]:
        """The communes of the territory using this postcode, arrondissements included, by INSEE code."""
        return self._by_postcode.get((postcode or "").strip(), ())

    def commune(self, insee: str) -> Commune | None:
        """The current commune (or municipal arrondissement) of the territory with this INSEE code."""
        return self._communes.get(_clean_insee(insee))

    def postcode_matches(self, postcode: str, commune_name: str) -> bool | None:
        """Whether a commune using ``postcode`` is named ``commune_name``; None if no commune uses it.

        Names are compared ignoring case, accents, punctuation and spaces, a leading article
        (« Le », « La », « Les », « L' »), « St »/« Ste » for « Saint »/« Sainte » and a trailing
        « Cedex ». « Paris », « Paris 11 » and « Paris 11e » match « Paris 11e Arrondissement », and
        the former communes merged into a commune still match its postcode (« Le Chesnay » for 78150).
        """
        key = (postcode or "", commune_name or "")
        if key not in self._matches:  # places share communes: each pair is compared once
            self._matches[key] = self._postcode_matches(*key)
        return self._matches[key]

    def _postcode_matches(self, postcode: str, commune_name: str) -> bool | None:
        communes = self.communes_of_postcode(postcode)
        if not communes:
            return None
        wanted = _name_key(commune_name)
        if not wanted:
            return False
        return any(wanted in keys or any(_short_form(key, wanted) for key in keys)
                   for keys in (self._name_keys(commune) for commune in communes))

    def arrondissement_of(self, postcode: str) -> int | None:
        """The municipal arrondissement of a postcode (75011 -> 11, 75116 -> 16, 69003 -> 3), else None.

        Only postcodes of the territory are known: 69003 needs Auvergne-Rhône-Alpes ("84").
        """
        numbers = {c.arrondissement for c in self.communes_of_postcode(postcode) if c.arrondissement is not None}
        return numbers.pop() if len(numbers) == 1 else None

    def _name_keys(self, commune: Commune) -> set[str]:
        keys = {_name_key(commune.name)}
        keys.update(_name_key(name) for name in self._former_names.get(commune.code, ()))
        match = _ARRONDISSEMENT_NAME.match(commune.name)
        if match:
            base = _name_key(match["base"])
            keys.add(base)
            keys.update(f"{base}{match['number']}{suffix}" for suffix in _ORDINAL_SUFFIXES)
        return keys


def _short_form(official: str, given: str) -> bool:
    """« Saint-Ouen » for « Saint-Ouen-sur-Seine », « Éragny » for « Éragny-sur-Oise »: the name without its river."""
    rest = official[len(given):] if official.startswith(given) else ""
    return rest.startswith(("sur", "en", "les", "le", "la", "aux", "au"))


def regions_of_setting(value: object) -> tuple[str, ...]:
    """The region codes of a setting: ``"11"``, ``["11", "76"]`` or ``("11",)``; duplicates dropped.

    Raises :class:`TerritoryError` for anything else (empty, numbers, nested lists…).
    """
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not items or not all(isinstance(i, str) and i.strip() for i in items):
        raise TerritoryError(
            f"Réglage de régions invalide : {value!r}. Attendu un code de région INSEE en texte, "
            'par exemple "11" pour l’Île-de-France, ou une liste de codes comme ["11", "76"].'
        )
    return tuple(dict.fromkeys(i.strip() for i in items))


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        raise _missing_data(path) from None
    except (OSError, ValueError) as error:
        raise TerritoryError(f"Fichier du découpage administratif illisible : {path} ({error}).") from error


def _missing_data(path: Path) -> TerritoryError:
    return TerritoryError(
        f"Données du découpage administratif introuvables : {path}. "
        "Lancez « make build » (qui exécute « npm ci ») pour installer @etalab/decoupage-administratif."
    )


def _read_communes(path: Path, regions: frozenset[str]) -> list[dict[str, Any]]:
    """The communes.json records of these regions, in file order."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _missing_data(path) from None
    except OSError as error:
        raise TerritoryError(f"Fichier du découpage administratif illisible : {path} ({error}).") from error
    try:
        records = _scan_lines(raw, regions)
        if records is None:
            records = json.loads(raw)
    except ValueError as error:
        raise TerritoryError(f"Fichier du découpage administratif illisible : {path} ({error}).") from error
    return [r for r in records if isinstance(r, dict) and r.get("region") in regions]


def _scan_lines(raw: bytes, regions: frozenset[str]) -> list[Any] | None:
    """Parse only the lines of these regions, or None when the file is not one compact record per line.

    The layout check (as many records as lines between « [ » and « ] », each with a compact
    ``"region":"`` key) makes the shortcut exact in practice: a record of region 11 sits alone on
    a line containing ``"region":"11"``. Lines merely containing that text are filtered by the caller.
    """
    records = raw.count(b"{")
    if not raw.startswith(b"[\n{") or raw.count(b"\n") != records + 2 or raw.count(b'"region":"') != records:
        return None
    lines: dict[int, bytes] = {}
    for region in sorted(regions):
        key = b'"region":' + json.dumps(region).encode()
        position = raw.find(key)
        while position >= 0:
            start = raw.rfind(b"\n", 0, position) + 1
            end = raw.find(b"\n", position)
            end = len(raw) if end < 0 else end
            lines[start] = raw[start:end].rstrip().rstrip(b",")
            position = raw.find(key, end)
    try:
        return json.loads(b"[" + b",".join(lines[start] for start in sorted(lines)) + b"]")
    except ValueError:
        return None


def _commune(record: dict[str, Any]) -> Commune:
    arrondissement = None
    if record.get("type") == "arrondissement-municipal":
        match = _ARRONDISSEMENT_NAME.match(record["nom"])
        arrondissement = int(match["number"]) if match else None
    return Commune(
        code=record["code"],
        name=record["nom"],
        departement=record["departement"],
        region=record["region"],
        postcodes=tuple(record.get("codesPostaux", ())),
        arrondissement=arrondissement,
    )


def _clean_insee(insee: str) -> str:
    code = (insee or "").strip().upper()
    return code if _INSEE.fullmatch(code) else ""


def _departement_prefix(code: str) -> str:
    """The département an INSEE code or postcode starts with: 3 characters overseas (97x), else 2."""
    return code[:3] if code.startswith("97") else code[:2]


def _insee_order(code: str) -> tuple[int, str]:
    """Sort key putting 2A and 2B between 19 and 21, as INSEE does."""
    return (int(code[:2]) if code[:2].isdigit() else 20, code)


def _name_key(name: str) -> str:
    """A commune name reduced for comparison: « L'Haÿ-les-Roses » -> « haylesroses »."""
    text = unicodedata.normalize("NFKD", (name or "").casefold().replace("œ", "oe").replace("æ", "ae"))
    text = "".join(char for char in text if not unicodedata.combining(char))
    words = [_ABBREVIATIONS.get(word, word) for word in _NOT_ALNUM.split(text) if word]
    if "cedex" in words[1:]:
        words = words[: words.index("cedex", 1)]
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return "".join(words)
