"""Geocode the addresses that have no coordinates yet, into the committed cache.

Run by ``invoke geocode`` (never by a normal build). Providers go through geopy:
the Base Adresse Nationale (``BANFrance``, now served by the IGN Géoplateforme)
first, OpenStreetMap's Nominatim as the fallback, each behind geopy's
``RateLimiter``. Many missing addresses go to the BAN batch endpoint
``/search/csv/`` in one upload per chunk instead of one request each.

A run holds an exclusive lock on the cache (``<cache>.lock``): a second run on the
same cache refuses at once (``CacheBusy``). Every result is appended to the cache as
soon as it is known (flushed and synced), so an interrupted run keeps what it found;
at the end the file is re-read and rewritten sorted, atomically, merged with any row
written meanwhile. Failures are retried with backoff, within one deadline for the
whole run, then reported. Every answer is checked: one of the wrong shape, with
non-finite coordinates or an unreadable score fails its address only, and a result
outside the region's bounding box is kept for review, never applied.
"""

from __future__ import annotations

import csv
import errno
import fcntl
import io
import logging
import math
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from geopy.adapters import RequestsAdapter
from geopy.exc import (
    GeocoderParseError,
    GeocoderQueryError,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
)
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import BANFrance, Nominatim

from ..core.config import DEFAULTS, GeocoderSettings
from ..core.csvfile import atomic_write, csv_rows, csv_text
from ..core.geo import Bounds
from ..core.geocache import CACHE_COLUMNS, CacheEntry, address_query, merge_cache, read_cache
from ..core.problems import Record

logger = logging.getLogger(__name__)

SETTINGS = DEFAULTS["GEOCODER"]  # the defaults, written once in core.config
MALFORMED = (KeyError, IndexError, TypeError, ValueError, AttributeError)
OUTSIDE = "hors de la région"
LATE = "délai global dépassé"


@dataclass
class Options:
    """How to geocode; every field has the production default."""

    provider: str = SETTINGS["provider"]  # "ban" (Nominatim as fallback) or "nominatim"
    ban_url: str = SETTINGS["ban_url"]
    nominatim_url: str = SETTINGS["nominatim_url"]
    user_agent: str = SETTINGS["user_agent"]
    min_score: float = SETTINGS["min_score"]
    timeout: float = SETTINGS["timeout"]
    retries: int = SETTINGS["retries"]
    deadline: float = SETTINGS["deadline"]  # seconds for the whole run
    bounds: Bounds | None = None  # the region's box: a result outside it is kept for review
    backoff: float = 1.0  # seconds, doubled at each retry
    max_wait: float = 60.0  # longest wait honoured for a Retry-After
    ban_delay: float = 1 / 50  # the BAN allows 50 requests per second
    nominatim_delay: float = 1.0  # Nominatim's usage policy: one request per second
    mode: str = "auto"  # "single", "batch", or "auto" (batch from batch_threshold addresses)
    batch_threshold: int = 20
    batch_size: int = 1000
    today: str = field(default_factory=lambda: time.strftime("%Y-%m-%d"))

    @classmethod
    def from_config(cls, config: GeocoderSettings, **overrides: Any) -> Options:
        """Options from the checked GEOCODER setting; ``None`` overrides are ignored."""
        values = {name: getattr(config, name) for name in GeocoderSettings.__dataclass_fields__}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def pointed_at(self, url: str) -> Options:
        """The same options with both providers sent to ``url`` (a local test server)."""
        self.ban_url = self.nominatim_url = url.rstrip("/")
        return self


@dataclass
class Target:
    """One address to geocode, and the rows of the CSV that share it."""

    query: str
    adresse: str
    code_postal: str
    commune: str
    lines: list[int] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)


@dataclass
class Review:
    """A result a person must look at before it is used."""

    line: int
    place_id: str
    reason: str
    query: str = ""
    label: str = ""
    latitude: float | None = None
    longitude: float | None = None
    score: float | None = None
    postcode: str = ""
    citycode: str = ""


@dataclass
class Summary:
    found: int = 0
    low_confidence: int = 0
    not_found: int = 0
    failed: int = 0
    requests: int = 0
    reviews: list[Review] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the cache file itself, in French

    def line(self) -> str:
        return (
            f"géocodage : {self.found} trouvé(s), {self.low_confidence} de faible confiance, "
            f"{self.not_found} introuvable(s), {self.failed} en échec, {self.requests} requête(s)"
        )


@dataclass(frozen=True)
class Found:
    """A result read from a service's answer, every value checked."""

    provider: str
    latitude: float
    longitude: float
    score: float | None
    label: str
    postcode: str
    citycode: str


class GeocodingFailed(Exception):
    """The service could not answer after every retry, or answered something unusable (French message)."""


class BadAnswer(GeocodingFailed):
    """The service answered, but not in the expected shape: that address fails, the run goes on."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"réponse inattendue du service : {detail}")


class DeadlinePassed(GeocodingFailed):
    """The run's deadline has passed: every address left fails, the run ends."""


class _Unreadable(GeocoderParseError):
    """A batch answer that is not the expected CSV (French message)."""


class CacheBusy(Exception):
    """Another run holds the cache's lock (French message)."""


def targets_to_geocode(records: Iterable[Record], cache: Mapping[str, CacheEntry]) -> list[Target]:
    """Addresses of places without coordinates that the cache does not know, each once."""
    targets: dict[str, Target] = {}
    for record in records:
        if record["latitude"] is not None:
            continue
        query = address_query(record.values)
        if not query or query in cache:
            continue
        target = targets.setdefault(
            query, Target(query, record["adresse"], record["code_postal"], record["commune"])
        )
        target.lines.append(record.line)
        target.ids.append(record["id"])
    return list(targets.values())


# --- reading the answers -------------------------------------------------------------


def _shown(value: Any) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:39] + "…"


def _coordinates(lat: Any, lon: Any) -> tuple[float, float]:
    """Finite latitude and longitude within their ranges, or BadAnswer."""
    try:
        if isinstance(lat, bool) or isinstance(lon, bool):
            raise TypeError
        point = float(lat), float(lon)
    except (TypeError, ValueError):
        raise BadAnswer(f"coordonnées illisibles ({_shown(lat)}, {_shown(lon)})") from None
    if not all(math.isfinite(x) for x in point):
        raise BadAnswer(f"coordonnées non finies ({_shown(lat)}, {_shown(lon)})")
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        raise BadAnswer(f"coordonnées impossibles ({point[0]:g}, {point[1]:g})")
    return point


def _score(value: Any, required: bool = True) -> float | None:
    """A score between 0 and 1, or BadAnswer (``None`` when absent and not required)."""
    if value is None or value == "":
        if required:
            raise BadAnswer("score absent")
        return None
    try:
        if isinstance(value, bool):
            raise TypeError
        score = float(value)
    except (TypeError, ValueError):
        raise BadAnswer(f"score « {_shown(value)} » non numérique") from None
    if not (math.isfinite(score) and 0 <= score <= 1):
        raise BadAnswer(f"score {_shown(value)} hors de [0, 1]")
    return score


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def read_ban(answer: Any, required_score: bool = True) -> Found | None:
    """The first feature of a BAN answer (search or reverse); ``None`` when it has none; BadAnswer otherwise."""
    if not isinstance(answer, dict) or not isinstance(answer.get("features"), list):
        raise BadAnswer("pas de liste « features »")
    if not answer["features"]:
        return None
    feature = answer["features"][0]
    if not isinstance(feature, dict):
        raise BadAnswer("résultat illisible")
    geometry = feature.get("geometry")
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if not isinstance(coordinates, list) or len(coordinates) < 2:
        raise BadAnswer("résultat sans géométrie")
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        raise BadAnswer("résultat sans propriétés")
    lat, lon = _coordinates(coordinates[1], coordinates[0])
    return Found("ban", lat, lon, _score(properties.get("score"), required_score), _text(properties.get("label")),
                 _text(properties.get("postcode")), _text(properties.get("citycode")))


def read_nominatim(answer: Any) -> Found | None:
    """The first place of a Nominatim answer; ``None`` when it has none; BadAnswer otherwise."""
    if not isinstance(answer, list):
        raise BadAnswer("pas de liste de résultats")
    if not answer:
        return None
    place = answer[0]
    if not isinstance(place, dict):
        raise BadAnswer("résultat illisible")
    lat, lon = _coordinates(place.get("lat"), place.get("lon"))
    address = place.get("address") if isinstance(place.get("address"), dict) else {}
    return Found("nominatim", lat, lon, None, _text(place.get("display_name")), _text(address.get("postcode")), "")


class _RawBAN(BANFrance):
    """geopy's BAN client, handing back the decoded JSON: ``read_ban`` checks it (geopy's parser
    would turn ``coordinates: [null, null]`` into (0, 0) and crash on ``geometry: null``)."""

    def _parse_json(self, response: Any, exactly_one: bool) -> Any:
        return response


class _RawNominatim(Nominatim):
    """geopy's Nominatim client, handing back the decoded JSON for ``read_nominatim``."""

    def _parse_json(self, places: Any, exactly_one: bool) -> Any:
        if isinstance(places, dict) and "error" in places:
            raise GeocoderQueryError(_text(places["error"]))
        return places


def _split_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme or "https", (parts.netloc + parts.path).rstrip("/")


class Geocoder:
    """The providers, rate-limited, with retries, one deadline, and a count of the requests sent."""

    def __init__(self, options: Options, sleep: Callable[[float], None] = time.sleep) -> None:
        self.options = options
        self.sleep = sleep
        self.requests = 0
        self.start()

        # geopy's default adapter lets urllib3 retry (and sleep on Retry-After) behind our
        # back: retries are ours alone, so that each one is counted, bounded and honoured.
        def adapter(proxies: Any, ssl_context: Any) -> RequestsAdapter:
            return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)

        common = {"timeout": options.timeout, "user_agent": options.user_agent, "adapter_factory": adapter}
        scheme, domain = _split_url(options.ban_url)
        self.ban = _RawBAN(domain=domain, scheme=scheme, **common)
        scheme, domain = _split_url(options.nominatim_url)
        self.nominatim = _RawNominatim(domain=domain, scheme=scheme, **common)
        # swallow_exceptions=False: by default RateLimiter turns a failure into a silent None.
        self.ban_search = RateLimiter(
            self.ban.geocode, min_delay_seconds=options.ban_delay, max_retries=0, swallow_exceptions=False
        )
        self.ban_reverse = RateLimiter(
            self.ban.reverse, min_delay_seconds=options.ban_delay, max_retries=0, swallow_exceptions=False
        )
        self.osm_search = RateLimiter(
            self.nominatim.geocode,
            min_delay_seconds=options.nominatim_delay,
            max_retries=0,
            swallow_exceptions=False,
        )

    def start(self) -> None:
        """Start the run's clock: ``options.deadline`` seconds from now."""
        self.deadline_at = time.monotonic() + self.options.deadline

    def time_left(self) -> float:
        return self.deadline_at - time.monotonic()

    def call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call the service, retrying timeouts, refusals, 429 and 5xx with backoff, within the deadline.

        ``function`` takes a ``timeout`` keyword: each request gets the shorter of the
        per-request timeout and the time left.
        """
        reason = ""
        for attempt in range(self.options.retries + 1):
            left = self.time_left()
            if left <= 0:
                raise DeadlinePassed(LATE + (f" ({reason})" if reason else ""))
            self.requests += 1
            wait = self.options.backoff * 2**attempt
            try:
                return function(*args, timeout=min(self.options.timeout, left), **kwargs)
            except GeocoderRateLimited as exc:
                reason = "trop de requêtes (HTTP 429)"
                if exc.retry_after is not None:
                    wait = exc.retry_after
            except GeocoderTimedOut:
                reason = "délai de réponse dépassé"
            except GeocoderUnavailable as exc:
                reason = f"service indisponible ({exc})"
            except GeocoderQueryError as exc:
                raise GeocodingFailed(f"requête refusée par le service ({exc})") from exc
            except GeocoderParseError as exc:  # geopy's message quotes the whole body, in English
                reason = f"réponse illisible ({exc if isinstance(exc, _Unreadable) else 'pas du JSON'})"
            except GeocoderServiceError as exc:
                reason = f"erreur du service ({exc})"
            except MALFORMED as exc:
                reason = f"réponse illisible ({exc.__class__.__name__})"
            if attempt < self.options.retries:
                wait = min(wait, self.options.max_wait)
                if wait >= self.time_left():
                    raise DeadlinePassed(f"{LATE} ({reason})")
                self.sleep(wait)
        raise GeocodingFailed(f"{reason}, après {self.options.retries + 1} tentative(s)")

    # --- one address ------------------------------------------------------------

    def search(self, target: Target) -> CacheEntry:
        """Geocode one address; GeocodingFailed when the service never answered or answered nonsense."""
        text = f"{target.adresse} {target.code_postal} {target.commune}"
        if self.options.provider != "nominatim":
            found = read_ban(self.call(self.ban_search, text, limit=1))
            if found is not None:
                return self.judge(target, found)
        found = read_nominatim(self.call(self.osm_search, text, addressdetails=True, country_codes="fr"))
        if found is None:
            return CacheEntry(target.query, "not-found", None, None, "", None, "", "", "", self.options.today)
        return self.judge(target, found)

    def judge(self, target: Target, found: Found) -> CacheEntry:
        """An accepted result, or a low-confidence one kept for review."""
        entry = CacheEntry(
            target.query, "ok", found.latitude, found.longitude, found.provider, found.score, found.label,
            found.postcode, found.citycode, self.options.today,
        )
        if doubts(entry, target, self.options.min_score, self.options.bounds):
            entry = replace(entry, status="low-confidence")
        return entry

    # --- many addresses: the BAN batch endpoint -----------------------------------

    def batch(self, targets: list[Target]) -> list[CacheEntry | GeocodingFailed]:
        """Geocode ``targets`` with one upload to /search/csv/ (one chunk): a result, or the failure, for each."""
        text = csv_text(["query", "adresse", "code_postal", "commune"],
                        ([t.query, t.adresse, t.code_postal, t.commune] for t in targets))
        url = self.options.ban_url.rstrip("/") + "/search/csv/"

        def upload(timeout: float) -> dict[str, dict[str, str]]:
            # one upload may take six times a single request, within the time left
            try:
                response = requests.post(
                    url,
                    files={"data": ("adresses.csv", text.encode("utf-8"), "text/csv")},
                    data=[("columns", "adresse"), ("columns", "commune"), ("postcode", "code_postal")],
                    headers={"User-Agent": self.options.user_agent},
                    timeout=min(timeout * 6, self.time_left()),
                )
            except requests.Timeout as exc:
                raise GeocoderTimedOut(str(exc)) from exc
            except requests.ConnectionError as exc:
                raise GeocoderUnavailable(str(exc)) from exc
            if response.status_code == 429:
                retry = response.headers.get("Retry-After", "")
                raise GeocoderRateLimited("HTTP 429", retry_after=int(retry) if retry.isdigit() else None)
            if response.status_code >= 500:
                raise GeocoderServiceError(f"HTTP {response.status_code}")
            if response.status_code != 200:
                raise GeocoderQueryError(f"HTTP {response.status_code}")
            try:
                rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
            except (UnicodeDecodeError, csv.Error) as exc:
                raise _Unreadable(f"CSV illisible ({exc})") from exc
            by_query = {row.get("query", ""): row for row in rows}
            if not {"latitude", "longitude", "result_score"} <= set(rows[0] if rows else {}) or any(
                t.query not in by_query for t in targets
            ):
                raise _Unreadable("colonnes ou lignes manquantes dans la réponse par lot")
            return by_query

        by_query = self.call(upload)
        outcomes: list[CacheEntry | GeocodingFailed] = []
        for target in targets:
            row = by_query[target.query]
            if not row.get("latitude") and not row.get("longitude"):
                outcomes.append(
                    CacheEntry(target.query, "not-found", None, None, "ban", None, "", "", "", self.options.today)
                )
                continue
            try:
                lat, lon = _coordinates(row.get("latitude"), row.get("longitude"))
                found = Found("ban", lat, lon, _score(row.get("result_score")), _text(row.get("result_label")),
                              _text(row.get("result_postcode")), _text(row.get("result_citycode")))
            except BadAnswer as exc:
                outcomes.append(exc)
                continue
            outcomes.append(self.judge(target, found))
        return outcomes

    # --- coordinates to address -----------------------------------------------------

    def reverse(self, record: Record) -> Review:
        found = read_ban(self.call(self.ban_reverse, (record["latitude"], record["longitude"])),
                         required_score=False)
        if found is None:
            return Review(record.line, record["id"], "adresse inverse : aucune adresse trouvée")
        return Review(
            record.line, record["id"], "adresse proposée (géocodage inverse), à recopier après vérification",
            "", found.label, found.latitude, found.longitude, found.score, found.postcode, found.citycode,
        )


def resolve(
    geocoder: Geocoder,
    targets: list[Target],
    progress: Callable[[Iterable[Any], int], Iterable[Any]] | None = None,
) -> Iterator[tuple[list[Target], list[CacheEntry | GeocodingFailed]]]:
    """Geocode ``targets`` (by batch upload or one by one), yielding each step's targets and outcomes.

    Once the deadline has passed, every target left fails with DeadlinePassed, without a request.
    """
    options = geocoder.options
    use_batch = options.provider == "ban" and (
        options.mode == "batch" or (options.mode == "auto" and len(targets) >= options.batch_threshold)
    )
    steps: list[list[Target]] = (
        [targets[i : i + options.batch_size] for i in range(0, len(targets), options.batch_size)]
        if use_batch
        else [[t] for t in targets]
    )
    late: DeadlinePassed | None = None
    for chunk in (progress or (lambda items, total: items))(steps, len(steps)):
        outcomes: list[CacheEntry | GeocodingFailed]
        if late is not None:
            outcomes = [late] * len(chunk)
        else:
            try:
                outcomes = geocoder.batch(chunk) if use_batch else [geocoder.search(chunk[0])]
            except DeadlinePassed as exc:
                late = DeadlinePassed(LATE)
                outcomes = [exc] * len(chunk)
            except GeocodingFailed as exc:
                outcomes = [exc] * len(chunk)
        yield chunk, outcomes


class CacheLock:
    """An exclusive lock on the cache for a whole run: ``flock`` on ``<cache>.lock``, never waiting.

    The lock file is removed on release; a run killed with it leaves the file, but no lock
    (the system drops it with the process), so the next run goes ahead.
    """

    def __init__(self, cache_path: str | os.PathLike[str]) -> None:
        self.cache = Path(cache_path)
        self.path = self.cache.with_name(self.cache.name + ".lock")
        self.fd: int | None = None

    def __enter__(self) -> CacheLock:
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise ValueError(f"{self.path} : verrou du cache impossible à créer : {exc.strerror}") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise CacheBusy(
                        f"{self.cache} : un autre géocodage utilise déjà ce cache ; attendez qu'il se termine "
                        f"(verrou {self.path})"
                    ) from None
                raise
            try:  # the file locked must still be the one at the path (a releasing run may have removed it)
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                self.fd = fd
                return self
            os.close(fd)

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            self.path.unlink(missing_ok=True)
            os.close(self.fd)
            self.fd = None


class CacheAppender:
    """Appends each result to the cache file at once, so an interruption loses nothing."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        new = not self.path.exists() or self.path.stat().st_size == 0
        self.handle = self.path.open("a", encoding="utf-8", newline="")
        if new:
            self.handle.write(csv_rows([CACHE_COLUMNS]))
        elif not self.path.read_bytes().endswith(b"\n"):
            self.handle.write("\n")

    def add(self, entries: list[CacheEntry]) -> None:
        """Write the results that arrived together (one address, or one batch), then sync once."""
        self.handle.write(csv_rows(entry.as_row() for entry in entries))
        self.handle.flush()
        os.fsync(self.handle.fileno())

    def close(self) -> None:
        self.handle.close()


def doubts(entry: CacheEntry, target: Target, min_score: float, bounds: Bounds | None = None) -> list[str]:
    """Why a result must not be applied without review (empty when it may)."""
    why = []
    if entry.point is not None and bounds is not None and not bounds.contains(*entry.point):
        why.append(f"{OUTSIDE} ({entry.latitude:g}, {entry.longitude:g})")
    if entry.score is not None and entry.score < min_score:
        why.append(f"score {entry.score:.2f} < {min_score:g}")
    if entry.postcode and target.code_postal and entry.postcode != target.code_postal:
        why.append(f"code postal du résultat {entry.postcode} ≠ {target.code_postal}")
    return why


def _reviews(target: Target, reason: str, entry: CacheEntry | None = None) -> list[Review]:
    if entry is None:
        return [Review(line, pid, reason, target.query) for line, pid in zip(target.lines, target.ids, strict=True)]
    return [
        Review(line, pid, reason, target.query, entry.label, entry.latitude, entry.longitude, entry.score,
               entry.postcode, entry.citycode)
        for line, pid in zip(target.lines, target.ids, strict=True)
    ]


def _record(summary: Summary, target: Target, entry: CacheEntry, options: Options) -> None:
    if entry.status == "ok":
        summary.found += 1
    elif entry.status == "not-found":
        summary.not_found += 1
        summary.reviews += _reviews(target, "adresse introuvable")
    else:
        summary.low_confidence += 1
        why = doubts(entry, target, options.min_score, options.bounds)
        summary.reviews += _reviews(target, "faible confiance, non appliqué : " + ", ".join(why), entry)


def geocode_places(
    records: list[Record],
    cache_path: str | os.PathLike[str],
    options: Options,
    *,
    reverse: bool = False,
    geocoder: Geocoder | None = None,
    progress: Callable[[Iterable[Any], int], Iterable[Any]] | None = None,
    on_result: Callable[[CacheEntry], None] | None = None,
) -> Summary:
    """Geocode every address missing from the cache; append each result as it comes.

    Raises CacheBusy when another run holds the cache, ValueError when the cache has a bad row.
    """
    with CacheLock(cache_path):
        cache, problems = read_cache(cache_path)
        if problems:
            raise ValueError("; ".join(str(p) for p in problems))
        geocoder = geocoder or Geocoder(options)
        geocoder.start()
        targets = targets_to_geocode(records, cache)
        summary = Summary()
        new: dict[str, CacheEntry] = {}
        appender = CacheAppender(cache_path) if targets else None
        try:
            for chunk, outcomes in resolve(geocoder, targets, progress):
                entries = [o for o in outcomes if isinstance(o, CacheEntry)]
                if entries:
                    appender.add(entries)
                for target, outcome in zip(chunk, outcomes, strict=True):
                    if isinstance(outcome, GeocodingFailed):
                        summary.failed += 1
                        summary.reviews += _reviews(target, f"échec : {outcome}")
                        continue
                    new[outcome.query] = outcome
                    _record(summary, target, outcome, options)
                    if on_result:
                        on_result(outcome)
            if reverse:
                for record in records:
                    if record["latitude"] is not None and not record["adresse"]:
                        try:
                            summary.reviews.append(geocoder.reverse(record))
                        except GeocodingFailed as exc:
                            summary.failed += 1
                            summary.reviews.append(
                                Review(record.line, record["id"], f"échec du géocodage inverse : {exc}"))
        finally:
            if appender:
                appender.close()
                left = merge_cache(cache_path, new)
                if left:
                    summary.warnings.append(
                        f"{cache_path} : non trié à la fin, car une ligne écrite pendant le géocodage est invalide "
                        f"({left[0]}) ; les résultats y ont bien été ajoutés")
            summary.requests = geocoder.requests
    summary.reviews.sort(key=lambda r: (r.line, r.reason))
    return summary


REVIEW_COLUMNS = ("ligne", "id", "motif", "requete", "proposition", "latitude", "longitude", "score",
                  "code_postal", "code_insee")


def write_review(path: str | os.PathLike[str], reviews: list[Review]) -> None:
    """The results a person must check, one per row, with the line of the place."""
    atomic_write(path, csv_text(REVIEW_COLUMNS, (
        [str(r.line), r.place_id, r.reason, r.query, r.label,
         "" if r.latitude is None else f"{r.latitude:.6f}",
         "" if r.longitude is None else f"{r.longitude:.6f}",
         "" if r.score is None else f"{r.score:.2f}", r.postcode, r.citycode]
        for r in reviews
    )))
