from django.template.defaultfilters import time as format_time
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from wagtail import blocks

from pompidou_site.blocks import RICH_TEXT_FEATURES
from pompidou_site.dates import format_day


def session_when(value):
    """When a session took place, as (separator, datetime attribute, text) parts: "3 May 2010, 09:30–12:30".

    One formatting for the page (`when_html`, in the block's template) and its outline PDF (`when_text`).
    """
    parts = []
    if value.get("date"):
        parts.append(("", value["date"].isoformat(), format_day(value["date"])))
    if value.get("start_time"):
        start = format_time(value["start_time"], "H:i")
        parts.append((", " if parts else "", start, start))
        if value.get("end_time"):
            end = format_time(value["end_time"], "H:i")
            parts.append(("–", end, end))
    return parts


def when_html(value):
    return format_html_join("", '{}<time datetime="{}">{}</time>', session_when(value))


def when_text(value):
    return "".join(separator + text for separator, _datetime, text in session_when(value))


class SessionBlock(blocks.StructBlock):
    """One session or module of a training, as the outline lists it."""

    title = blocks.CharBlock(
        max_length=255, label=_("Title"), help_text=_("The name of the session, as in the programme of the day.")
    )
    date = blocks.DateBlock(required=False, label=_("Date"), help_text=_("Optional. The day of the session."))
    start_time = blocks.TimeBlock(required=False, label=_("Start time"), help_text=_("Optional, such as 09:30."))
    end_time = blocks.TimeBlock(required=False, label=_("End time"), help_text=_("Optional, such as 12:30."))
    description = blocks.RichTextBlock(
        required=False,
        features=RICH_TEXT_FEATURES,
        label=_("Description"),
        help_text=_("Optional. What the session covered."),
    )
    speakers = blocks.CharBlock(
        required=False,
        max_length=255,
        label=_("Speakers or trainers"),
        help_text=_("Optional. Names and roles, separated by commas."),
    )

    class Meta:
        icon = "date"
        template = "components/streamfield/session_block.html"
        label = _("Session")
        description = _("A session or module of the training, with its date, time and content.")
        preview_value = {"title": "Drug policy evaluation", "description": "<p>Methods and indicators.</p>"}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["when"] = when_html(value)
        return context
