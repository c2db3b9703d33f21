"""iCalendar files (RFC 5545, with the ``icalendar`` package): one per event, and one for all.

Times are Europe/Paris; a month-only date (« date à confirmer ») spans the month and is
TENTATIVE. DTSTAMP is the build's « today » (SOURCE_DATE_EPOCH), so builds are reproducible.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..stages.site import Event
from .context import Context

if TYPE_CHECKING:  # icalendar is loaded by the process that writes the calendars, not by every build's parent
    from icalendar import Calendar
    from icalendar import Event as IcsEvent

PARIS = ZoneInfo("Europe/Paris")
HOURS = re.compile(r"(\d{1,2})h(\d{2})?")
ALL_EVENTS = "evenements/evenements.ics"
ONE_EVENT = "evenement.ics"  # beside each event's page


def _calendar() -> Calendar:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", "-//lieux-innovation-idf//carte des lieux d'innovation//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-timezone", "Europe/Paris")
    return calendar


def _span(event: Event) -> tuple[date | datetime, date | datetime]:
    parts = [int(p) for p in event.date.split("-")]
    if len(parts) == 2:  # a month, to be confirmed
        start = date(parts[0], parts[1], 1)
        return start, date(start.year + start.month // 12, start.month % 12 + 1, 1)
    start = date(*parts)
    end = date(*[int(p) for p in event.end.split("-")]) if event.end else start
    times = HOURS.findall(event.hours)
    if not times:
        return start, end + timedelta(days=1)
    begin = datetime.combine(start, time(int(times[0][0]), int(times[0][1] or 0)), PARIS)
    stop = datetime.combine(end, time(int(times[-1][0]), int(times[-1][1] or 0)), PARIS) if len(times) > 1 \
        else begin + timedelta(hours=2)
    return begin, stop


def _event(ctx: Context, event: Event) -> IcsEvent:
    from icalendar import Event as IcsEvent

    item = IcsEvent()
    start, end = _span(event)
    host = ctx.config.siteurl.split("//")[-1] or "lieux-innovation-idf"
    item.add("uid", f"{event.slug}@{host}")
    item.add("dtstamp", datetime.combine(ctx.config.today, time(0, 0), UTC))
    item.add("dtstart", start)
    item.add("dtend", end)
    item.add("summary", event.title)
    if event.where:
        item.add("location", event.where + (f", {event.place.full_address}" if event.place else ""))
    item.add("description", event.summary)
    item.add("url", f"{ctx.config.siteurl}/{event.url}")
    item.add("status", "TENTATIVE" if event.to_confirm else "CONFIRMED")
    return item


def all_events(ctx: Context) -> str:
    calendar = _calendar()
    calendar.add("x-wr-calname", "Événements des lieux d'innovation")
    for event in ctx.site.events:
        calendar.add_component(_event(ctx, event))
    return calendar.to_ical().decode("utf-8")


def each_event(ctx: Context) -> dict[str, str]:
    """``{path: calendar}``: one file beside each event's page."""
    files = {}
    for event in ctx.site.events:
        calendar = _calendar()
        calendar.add_component(_event(ctx, event))
        folder = event.save_as.rsplit("/", 1)[0]
        files[f"{folder}/{ONE_EVENT}"] = calendar.to_ical().decode("utf-8")
    return files
