"""A fake geocoding service on 127.0.0.1, for the tests and the geocoding benchmark.

It answers the formats of the BAN (``/search/``, ``/search/csv/``, ``/reverse/``)
and of Nominatim (``/search?format=json``) for a fixed set of addresses, looked up
by their ``fold``-ed text (case and accents ignored, as ``address_query`` does). It
can be told to add latency or to fail: 429 with Retry-After, 500, a slow answer, no
answer at all until it closes, a body that is not JSON, or a found result of the
wrong shape (``SHAPES``). It counts every request it receives.
"""

from __future__ import annotations

import csv
import io
import json
import math
import threading
import time
from collections import deque
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..core.text import fold as normalise

# Faults that spoil a found result: its shape, or its values.
SHAPES = (
    "null-geometry",  # BAN: "geometry": null; Nominatim: no lat/lon; batch: no longitude
    "no-properties",  # BAN: no "properties"; Nominatim: a bare string instead of a place; batch: no score
    "bad-score",  # BAN and batch: score "abc"; Nominatim: lat "abc"
    "nan",  # coordinates NaN
    "inf",  # coordinates Infinity
)


@dataclass
class Address:
    adresse: str
    code_postal: str
    commune: str
    lat: float
    lon: float
    score: float = 0.95
    citycode: str = ""
    result_postcode: str = ""  # the postcode the service answers, when it differs

    @property
    def query(self) -> str:
        return normalise(f"{self.adresse} {self.code_postal} {self.commune}")

    @property
    def postcode(self) -> str:
        return self.result_postcode or self.code_postal

    @property
    def label(self) -> str:
        return f"{self.adresse} {self.postcode} {self.commune}"

    def feature(self) -> dict:
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [self.lon, self.lat]},
            "properties": {"label": self.label, "score": self.score, "postcode": self.postcode,
                           "citycode": self.citycode, "name": self.adresse, "city": self.commune,
                           "type": "housenumber"},
        }

    def place(self) -> dict:
        return {"lat": str(self.lat), "lon": str(self.lon), "display_name": self.label + ", France",
                "importance": 0.5, "address": {"postcode": self.postcode, "city": self.commune}}


def _spoil_feature(feature: dict, shape: str) -> dict:
    if shape == "null-geometry":
        feature["geometry"] = None
    elif shape == "no-properties":
        del feature["properties"]
    elif shape == "bad-score":
        feature["properties"]["score"] = "abc"
    elif shape in ("nan", "inf"):
        feature["geometry"]["coordinates"] = [float(shape), float(shape)]
    return feature


def _spoil_place(place: dict, shape: str) -> Any:
    if shape == "null-geometry":
        del place["lat"], place["lon"]
    elif shape == "no-properties":
        return "not a place"
    elif shape == "bad-score":
        place["lat"] = "abc"
    elif shape in ("nan", "inf"):
        place["lat"] = place["lon"] = shape
    return place


class FakeGeocoder:
    """Start with ``with FakeGeocoder(addresses) as fake: fake.url``."""

    def __init__(self, addresses: list[Address], latency: float = 0.0) -> None:
        self.addresses = {a.query: a for a in addresses}
        self.latency = latency
        self.faults: deque[tuple[str, float]] = deque()  # consumed one per request
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.closing = threading.Event()  # releases the requests told to hang
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def fail(self, kind: str, times: int = 1, value: float = 0.0) -> None:
        """Make the next ``times`` requests fail: "429" (Retry-After=value), "500", "timeout" (answer after
        ``value`` seconds), "hang" (never answer while the server runs), "malformed" (not JSON), or one of
        ``SHAPES`` (a found result of the wrong shape; a request that finds nothing is unaffected)."""
        for _ in range(times):
            self.faults.append((kind, value))

    def count(self, path_start: str = "/") -> int:
        return sum(1 for _, path in self.requests if path.startswith(path_start))

    def __enter__(self) -> FakeGeocoder:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()

    # --- answers ------------------------------------------------------------------

    def ban_search(self, params: dict, shape: str = "") -> dict:
        found = self.addresses.get(normalise(params.get("q", [""])[0]))
        features = [_spoil_feature(found.feature(), shape)] if found else []
        return {"type": "FeatureCollection", "features": features}

    def reverse(self, params: dict, shape: str = "") -> dict:
        lat, lon = float(params["lat"][0]), float(params["lon"][0])
        near = [a for a in self.addresses.values() if math.hypot(a.lat - lat, a.lon - lon) < 0.01]
        near.sort(key=lambda a: math.hypot(a.lat - lat, a.lon - lon))
        return {"type": "FeatureCollection", "features": [_spoil_feature(near[0].feature(), shape)] if near else []}

    def nominatim(self, params: dict, shape: str = "") -> list:
        found = self.addresses.get(normalise(params.get("q", [""])[0]))
        return [_spoil_place(found.place(), shape)] if found else []

    def batch(self, content_type: str, body: bytes, shape: str = "") -> str:
        message = BytesParser(policy=email_policy).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        fields: dict[str, list] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            fields.setdefault(name, []).append(part.get_payload(decode=True))
        rows = list(csv.DictReader(io.StringIO(fields["data"][0].decode("utf-8"))))
        columns = [c.decode() for c in fields.get("columns", [])]
        postcode_column = fields.get("postcode", [b""])[0].decode()
        out = io.StringIO()
        extra = ["latitude", "longitude", "result_label", "result_score", "result_type", "result_postcode",
                 "result_citycode", "result_status"]
        writer = csv.DictWriter(out, fieldnames=[*(rows[0].keys() if rows else []), *extra], lineterminator="\n")
        writer.writeheader()
        index: dict[tuple[str, str], Address] = {}
        for a in self.addresses.values():
            index[(normalise(f"{a.adresse} {a.commune}"), a.code_postal if postcode_column else "")] = a
        for row in rows:
            wanted = normalise(" ".join(row[c] for c in columns))
            found = index.get((wanted, row[postcode_column] if postcode_column else ""))
            result = dict.fromkeys(extra, "")
            if found:
                result.update(latitude=found.lat, longitude=found.lon, result_label=found.label,
                              result_score=found.score, result_type="housenumber", result_postcode=found.postcode,
                              result_citycode=found.citycode, result_status="ok")
                if shape == "null-geometry":
                    result["longitude"] = ""
                elif shape == "no-properties":
                    result["result_score"] = ""
                elif shape == "bad-score":
                    result["result_score"] = "abc"
                elif shape in ("nan", "inf"):
                    result["latitude"] = shape
            else:
                result["result_status"] = "not-found"
            writer.writerow({**row, **result})
        return out.getvalue()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once, no 40 ms delayed ACK

            def log_message(self, *args: object) -> None:
                pass

            def send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def answer(self, method: str) -> None:
                parts = urlsplit(self.path)
                with fake.lock:
                    fake.requests.append((method, parts.path))
                    fault = fake.faults.popleft() if fake.faults else None
                if fake.latency:
                    time.sleep(fake.latency)
                shape = ""
                if fault:
                    kind, value = fault
                    if kind == "429":
                        return self.send(429, b"Too Many Requests", "text/plain", {"Retry-After": str(int(value))})
                    if kind == "500":
                        return self.send(500, b"Internal Server Error", "text/plain")
                    if kind == "timeout":
                        time.sleep(value or 2.0)
                    if kind == "hang":
                        fake.closing.wait()
                        return None
                    if kind == "malformed":
                        return self.send(200, b"{not json", "application/json")
                    if kind in SHAPES:
                        shape = kind
                params = parse_qs(parts.query)
                path = parts.path.rstrip("/")
                if method == "POST" and path == "/search/csv":
                    length = int(self.headers.get("Content-Length", 0))
                    text = fake.batch(self.headers["Content-Type"], self.rfile.read(length), shape)
                    return self.send(200, text.encode("utf-8"), "text/csv; charset=utf-8")
                if path == "/search" and params.get("format") == ["json"]:
                    return self.send(200, json.dumps(fake.nominatim(params, shape)).encode(), "application/json")
                if path == "/search":
                    return self.send(200, json.dumps(fake.ban_search(params, shape)).encode(), "application/json")
                if path == "/reverse":
                    return self.send(200, json.dumps(fake.reverse(params, shape)).encode(), "application/json")
                return self.send(404, b"not found", "text/plain")

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                try:
                    self.answer("GET")
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_POST(self) -> None:  # noqa: N802
                try:
                    self.answer("POST")
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler
