"""An activity as an iCalendar file (RFC 5545): "Zet in mijn agenda", with its series and
skipped dates, in Amsterdam time so a 10:00 coffee morning stays at 10:00 when the clocks
change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from buurthulp.auth.models import Member
from buurthulp.errors import Conflict
from buurthulp.i18n import LOCAL_TZ
from buurthulp.i18n import gettext as _
from buurthulp.links import absolute_url
from buurthulp.listings.models import Listing
from buurthulp.listings.services import get_listing, not_found
from buurthulp.models_base import utcnow


def _ics_text(value: str) -> str:
    """RFC 5545 TEXT: backslash, ";" and "," escaped, and every line break (CRLF, a bare CR
    or LF) one escaped "\\n": a bare CR would end the line and let the rest be read as a
    property of its own."""
    flat = value.replace("\r\n", "\n").replace("\r", "\n")
    return flat.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545: lines of at most 75 octets, continued with a space."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 74:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


@dataclass(frozen=True)
class CalendarFile:
    filename: str
    text: str
    mimetype: str = "text/calendar"

    @property
    def disposition(self) -> str:
        return f'attachment; filename="{self.filename}"'


def calendar_file(listing_id: object, *, actor: Member) -> CalendarFile:
    """The .ics file of an activity the actor may see; any other listing has none (404)."""
    listing = get_listing(listing_id, actor)
    if listing.kind != "activity":
        raise not_found()
    return CalendarFile(filename=f"activiteit-{listing.id}.ics", text=ics(listing))


# RFC 5545 (3.2.19, 3.6.5): a TZID needs its VTIMEZONE in the same file. Local times, not
# UTC: a weekly coffee morning at 10:00 stays at 10:00 after the clocks change, which a
# series in UTC would not. The EU rule since 1996: summer time from the last Sunday of
# March 02:00 to the last Sunday of October 03:00.
AMSTERDAM_VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Amsterdam",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19810329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19961027T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)


def ics(listing: Listing) -> str:
    """ "Zet in mijn agenda": the activity (and its series) as an iCalendar file."""
    if listing.starts_at is None:
        raise Conflict(_("Only an activity can go in a calendar."))
    starts = listing.starts_at.astimezone(LOCAL_TZ)
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Buurthulp//NL",
        "CALSCALE:GREGORIAN",
        *AMSTERDAM_VTIMEZONE,
        "BEGIN:VEVENT",
        f"UID:listing-{listing.id}@buurthulp",
        f"DTSTAMP:{stamp}",
        f"DTSTART;TZID=Europe/Amsterdam:{starts.strftime('%Y%m%dT%H%M%S')}",
        f"DTEND;TZID=Europe/Amsterdam:{(starts + timedelta(hours=2)).strftime('%Y%m%dT%H%M%S')}",
        f"SUMMARY:{_ics_text(listing.title)}",
        f"LOCATION:{_ics_text(listing.place_label or '')}",
        f"DESCRIPTION:{_ics_text(listing.description[:500])}",
        f"URL:{absolute_url('listings.show', listing_id=listing.id)}",
    ]
    if listing.recurrence == "weekly":
        lines.append("RRULE:FREQ=WEEKLY")
    elif listing.recurrence == "monthly":
        lines.append("RRULE:FREQ=MONTHLY")
    for skipped in listing.skipped:
        moment = datetime.combine(skipped.day, starts.time())
        lines.append(f"EXDATE;TZID=Europe/Amsterdam:{moment.strftime('%Y%m%dT%H%M%S')}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
