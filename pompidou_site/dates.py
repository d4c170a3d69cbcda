"""How the site writes a date, in the active language: the one place pages, feeds and PDFs call.

Django's `date` filter writes "1 décembre 2026"; French writes the first of the month as an
ordinal, « 1er décembre 2026 » (plain « er »: the same text in a page, an e-mail and a PDF).
"""

from django.template.defaultfilters import date as format_date
from django.utils.translation import get_language

# The day of a Django date format, and what French writes for the first of the month instead
# (escaped, so that the format does not read the letters as format characters).
DAY = "j"
FRENCH_FIRST_DAY = r"\1\e\r"


def _is_french():
    return (get_language() or "").split("-")[0] == "fr"


def format_day(value, date_format="j F Y"):
    """`value` (a date or datetime) with a Django date format, the day written as the language does.

    "1 December 2026", « 1er décembre 2026 »; "7 May", « 7 mai » with "j F".
    """
    if value is None:
        return ""
    if getattr(value, "day", None) == 1 and _is_french():
        date_format = date_format.replace(DAY, FRENCH_FIRST_DAY)
    return format_date(value, date_format)
