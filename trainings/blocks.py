from django.utils.translation import gettext_lazy as _

from wagtail import blocks

from pompidou_site.blocks import RICH_TEXT_FEATURES


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
