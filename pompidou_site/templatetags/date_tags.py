"""Template filters for dates, written as the site writes them everywhere (`pompidou_site/dates.py`)."""

from django import template

from pompidou_site.dates import format_day

register = template.Library()


@register.filter
def long_date(value, date_format="j F Y"):
    """ "1 December 2026", « 1er décembre 2026 »: `{{ page.last_reviewed|long_date }}`."""
    return format_day(value, date_format)
