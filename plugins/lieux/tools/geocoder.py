"""Geocode the addresses that have no coordinates yet, into the committed cache.

Run by ``invoke geocode`` (never by a normal build). Providers go through geopy:
the Base Adresse Nationale (``BANFrance``, now served by the IGN Géoplateforme)
first, OpenStreetMap's Nominatim as the fallback, each behind geopy's
``RateLimiter``. Many missing addresses go to the BAN batch endpoint
``/search/csv/`` in one upload per chunk instead of one request each.

Every result is appended to the cache as soon as it is known (flushed and
synced), so an interrupted run keeps what it found; the file is rewritten sorted,
atomically, at the end. Failures are retried with backoff, then reported.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import time
from collections.abc import Callable, Iterable
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
from ..core.csvfile import csv_rows
from ..core.geocache import CACHE_COLUMNS, CacheEntry, address_query, read_cache, write_cache
from ..core.problems import Record

logger = logging.getLogger(__name__)

SETTINGS = DEFAULTS["GEOCODER"]  # the defaults, written once in core.config
MALFORMED = (KeyError, IndexError, TypeError, ValueError)


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

    def line(self) -> str:
        return (
            f"géocodage : {self.found} trouvé(s), {self.low_confidence} de faible confiance, "
            f"{self.not_found} introuvable(s), {self.failed} en échec, {self.requests} requête(s)"
        )


class GeocodingFailed(Exception):
    """The service could not answer after every retry."""


def targets_to_geocode(records: Iterable[Record], cache: dict[str, CacheEntry]) -> list[Target]:
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


def _split_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme or "https", (parts.netloc + parts.path).rstrip("/")


class Geocoder:
    """The providers, rate-limited, with retries and a count of the requests sent."""

    def __init__(self, options: Options, sleep: Callable[[float], None] = time.sleep) -> None:
        self.options = options
        self.sleep = sleep
        self.requests = 0
        # geopy's default adapter lets urllib3 retry (and sleep on Retry-After) behind our
        # back: retries are ours alone, so that each one is counted, bounded and honoured.
        def adapter(proxies: Any, ssl_context: Any) -> RequestsAdapter:
            return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)

        common = {"timeout": options.timeout, "user_agent": options.user_agent, "adapter_factory": adapter}
        scheme, domain = _split_url(options.ban_url)
        self.ban = BANFrance(domain=domain, scheme=scheme, **common)
        scheme, domain = _split_url(options.nominatim_url)
        self.nominatim = Nominatim(domain=domain, scheme=scheme, **common)
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

    def call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call the service, retrying timeouts, refusals, 429 and 5xx with backoff."""
        reason = ""
        for attempt in range(self.options.retries + 1):
            self.requests += 1
            wait = self.options.backoff * 2**attempt
            try:
                return function(*args, **kwargs)
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
            except GeocoderServiceError as exc:
                reason = f"erreur du service ({exc})"
            except MALFORMED as exc:
                reason = f"réponse illisible ({exc.__class__.__name__})"
            if attempt < self.options.retries:
                self.sleep(min(wait, self.options.max_wait))
        raise GeocodingFailed(f"{reason}, après {self.options.retries + 1} tentative(s)")

    # --- one address ------------------------------------------------------------

    def search(self, target: Target) -> CacheEntry:
        """Geocode one address; raise GeocodingFailed when the service never answered."""
        text = f"{target.adresse} {target.code_postal} {target.commune}"
        if self.options.provider != "nominatim":
            found = self.call(self.ban_search, text, limit=1)
            if found is not None:
                props = found.raw.get("properties", {})
                return self.judge(
                    target, "ban", found.latitude, found.longitude, props.get("score"),
                    props.get("label", found.address), props.get("postcode", ""), props.get("citycode", ""),
                )
        found = self.call(self.osm_search, text, addressdetails=True, country_codes="fr")
        if found is None:
            return CacheEntry(target.query, "not-found", None, None, "", None, "", "", "", self.options.today)
        address = found.raw.get("address", {})
        return self.judge(
            target, "nominatim", found.latitude, found.longitude, None,
            found.raw.get("display_name", found.address), address.get("postcode", ""), "",
        )

    def judge(
        self, target: Target, provider: str, lat: float, lon: float, score: Any,
        label: str, postcode: str, citycode: str,
    ) -> CacheEntry:
        """An accepted result, or a low-confidence one kept for review."""
        score = float(score) if score not in (None, "") else None
        entry = CacheEntry(
            target.query, "ok", float(lat), float(lon), provider, score, label or "", postcode or "",
            citycode or "", self.options.today,
        )
        if doubts(entry, target, self.options.min_score):
            entry = replace(entry, status="low-confidence")
        return entry

    # --- many addresses: the BAN batch endpoint -----------------------------------

    def batch(self, targets: list[Target]) -> list[CacheEntry]:
        """Geocode ``targets`` with one upload to /search/csv/ (one chunk)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["query", "adresse", "code_postal", "commune"])
        for target in targets:
            writer.writerow([target.query, target.adresse, target.code_postal, target.commune])
        url = self.options.ban_url.rstrip("/") + "/search/csv/"

        def upload() -> dict[str, dict[str, str]]:
            try:
                response = requests.post(
                    url,
                    files={"data": ("adresses.csv", out.getvalue().encode("utf-8"), "text/csv")},
                    data=[("columns", "adresse"), ("columns", "commune"), ("postcode", "code_postal")],
                    headers={"User-Agent": self.options.user_agent},
                    timeout=self.options.timeout * 6,
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
                raise GeocoderParseError(f"CSV illisible ({exc})") from exc
            by_query = {row.get("query", ""): row for row in rows}
            if not {"latitude", "longitude", "result_score"} <= set(rows[0] if rows else {}) or any(
                t.query not in by_query for t in targets
            ):
                raise GeocoderParseError("réponse par lot illisible (colonnes ou lignes manquantes)")
            return by_query

        by_query = self.call(upload)
        entries = []
        for target in targets:
            row = by_query[target.query]
            if not row.get("latitude") or not row.get("longitude"):
                entries.append(
                    CacheEntry(target.query, "not-found", None, None, "ban", None, "", "", "", self.options.today)
                )
                continue
            try:
                lat, lon = float(row["latitude"]), float(row["longitude"])
            except ValueError as exc:
                raise GeocodingFailed("coordonnées illisibles dans la réponse par lot") from exc
            entries.append(
                self.judge(
                    target, "ban", lat, lon, row.get("result_score"), row.get("result_label", ""),
                    row.get("result_postcode", ""), row.get("result_citycode", ""),
                )
            )
        return entries

    # --- coordinates to address -----------------------------------------------------

    def reverse(self, record: Record) -> Review:
        found = self.call(self.ban_reverse, (record["latitude"], record["longitude"]))
        if found is None:
            return Review(record.line, record["id"], "adresse inverse : aucune adresse trouvée")
        props = found.raw.get("properties", {})
        return Review(
            record.line, record["id"], "adresse proposée (géocodage inverse), à recopier après vérification",
            "", props.get("label", found.address), found.latitude, found.longitude,
            float(props["score"]) if props.get("score") not in (None, "") else None,
            props.get("postcode", ""), props.get("citycode", ""),
        )


class CacheAppender:
    """Appends each result to the cache file at once, so an interruption loses nothing."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        new = not self.path.exists() or self.path.stat().st_size == 0
        self.handle = self.path.open("a", encoding="utf-8", newline="")
        if new:
            self.handle.write(",".join(CACHE_COLUMNS) + "\n")
        elif not self.path.read_bytes().endswith(b"\n"):
            self.handle.write("\n")

    def add(self, entries: list[CacheEntry]) -> None:
        """Write the results that arrived together (one address, or one batch), then sync once."""
        self.handle.write(csv_rows(entry.as_row() for entry in entries))
        self.handle.flush()
        os.fsync(self.handle.fileno())

    def close(self) -> None:
        self.handle.close()


def doubts(entry: CacheEntry, target: Target, min_score: float) -> list[str]:
    """Why a result must not be applied without review (empty when it may)."""
    why = []
    if entry.score is not None and entry.score < min_score:
        why.append(f"score {entry.score:.2f} < {min_score:g}")
    if entry.postcode and target.code_postal and entry.postcode != target.code_postal:
        why.append(f"code postal du résultat {entry.postcode} ≠ {target.code_postal}")
    return why


def _record(summary: Summary, target: Target, entry: CacheEntry, min_score: float) -> None:
    if entry.status == "ok":
        summary.found += 1
    elif entry.status == "not-found":
        summary.not_found += 1
        summary.reviews += [Review(line, pid, "adresse introuvable", target.query)
                            for line, pid in zip(target.lines, target.ids, strict=True)]
    else:
        summary.low_confidence += 1
        why = doubts(entry, target, min_score)
        summary.reviews += [
            Review(line, pid, "faible confiance, non appliqué : " + ", ".join(why), target.query, entry.label,
                   entry.latitude, entry.longitude, entry.score, entry.postcode, entry.citycode)
            for line, pid in zip(target.lines, target.ids, strict=True)
        ]


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
    """Geocode every address missing from the cache; append each result as it comes."""
    cache, problems = read_cache(cache_path)
    if problems:
        raise ValueError("; ".join(str(p) for p in problems))
    geocoder = geocoder or Geocoder(options)
    targets = targets_to_geocode(records, cache)
    summary = Summary()
    use_batch = options.provider == "ban" and (
        options.mode == "batch" or (options.mode == "auto" and len(targets) >= options.batch_threshold)
    )
    steps: list[list[Target]] = (
        [targets[i : i + options.batch_size] for i in range(0, len(targets), options.batch_size)]
        if use_batch
        else [[t] for t in targets]
    )
    appender = CacheAppender(cache_path) if targets else None
    track = progress or (lambda items, total: items)
    try:
        for chunk in track(steps, len(steps)):
            try:
                entries = geocoder.batch(chunk) if use_batch else [geocoder.search(chunk[0])]
            except GeocodingFailed as exc:
                summary.failed += len(chunk)
                for target in chunk:
                    summary.reviews += [Review(line, pid, f"échec : {exc}", target.query)
                                        for line, pid in zip(target.lines, target.ids, strict=True)]
                continue
            appender.add(entries)
            for target, entry in zip(chunk, entries, strict=True):
                cache[entry.query] = entry
                _record(summary, target, entry, options.min_score)
                if on_result:
                    on_result(entry)
        if reverse:
            for record in records:
                if record["latitude"] is not None and not record["adresse"]:
                    try:
                        summary.reviews.append(geocoder.reverse(record))
                    except GeocodingFailed as exc:
                        summary.failed += 1
                        summary.reviews.append(Review(record.line, record["id"], f"échec du géocodage inverse : {exc}"))
    finally:
        if appender:
            appender.close()
            write_cache(cache_path, cache.values())
        summary.requests = geocoder.requests
    summary.reviews.sort(key=lambda r: (r.line, r.reason))
    return summary


REVIEW_COLUMNS = ("ligne", "id", "motif", "requete", "proposition", "latitude", "longitude", "score",
                  "code_postal", "code_insee")


def write_review(path: str | os.PathLike[str], reviews: list[Review]) -> None:
    """The results a person must check, one per row, with the line of the place."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(REVIEW_COLUMNS)
        for r in reviews:
            writer.writerow([
                r.line, r.place_id, r.reason, r.query, r.label,
                "" if r.latitude is None else f"{r.latitude:.6f}",
                "" if r.longitude is None else f"{r.longitude:.6f}",
                "" if r.score is None else f"{r.score:.2f}", r.postcode, r.citycode,
            ])
