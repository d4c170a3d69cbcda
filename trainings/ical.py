"""Trainings as iCalendar (RFC 5545), for calendar programs: a feed of the calendar and one file per training.

The rule for dates: a training is an all-day event from its first day to the day after its last
(DTEND is exclusive), and only a training known to the day is one. A training known only to its
month or year has no event at all: the calendar page lists it, but days nobody gave (the 1st of
the month, the whole month) are never made up for calendar programs, which cannot show "May 2010".
"""

from datetime import timedelta

import icalendar

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from wagtail.models import Site

PRODUCT_ID = "-//Pompidou Group//Training calendar//EN"
# How often a calendar program that subscribed should fetch the feed again (RFC 7986).
REFRESH_INTERVAL = timedelta(days=1)


def _event(training, request, hostname):
    first_day, day_after_last = training.calendar_days
    changed = training.last_published_at or timezone.now()
    event = icalendar.Event()
    # Stable for the page whatever is edited, so a calendar that subscribed updates the event.
    event.add("uid", f"training-outline-{training.pk}@{hostname}")
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    event.add("dtstart", first_day)
    event.add("dtend", day_after_last)
    event.add("summary", training.standalone_title)
    event.add("url", training.get_full_url(request))
    place = training.place_in(request)
    if place:
        event.add("location", place)
    if training.listing_text:
        event.add("description", training.listing_text)
    event.add("transp", "TRANSPARENT")  # An all-day event to know about, not time the reader is busy.
    return event


def build_calendar(request, trainings, title):
    """A VCALENDAR of the `trainings` whose days are known; the others are left out (see above)."""
    site = Site.find_for_request(request)
    hostname = site.hostname if site else request.get_host().split(":")[0]
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", title)
    calendar.add("x-wr-calname", title)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH_INTERVAL))
    for training in trainings:
        if training.calendar_days is not None:
            calendar.add_component(_event(training, request, hostname))
    return calendar


def calendar_response(request, trainings, title, filename):
    response = HttpResponse(
        build_calendar(request, trainings, title).to_ical(), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{filename}.ics")
    return response
