from django.utils.translation import gettext_lazy as _

from wagtail import blocks

from pompidou_site.blocks import RICH_TEXT_FEATURES


class SessionBlock(blocks.StructBlock):
    """One session or module of a training, as the outline lists it."""

    title = blocks.CharBlock(max_length=255, label=_("Title"))
    date = blocks.DateBlock(required=False, label=_("Date"))
    start_time = blocks.TimeBlock(required=False, label=_("Start time"))
    end_time = blocks.TimeBlock(required=False, label=_("End time"))
    description = blocks.RichTextBlock(required=False, features=RICH_TEXT_FEATURES, label=_("Description"))
    speakers = blocks.CharBlock(required=False, max_length=255, label=_("Speakers or trainers"))

    class Meta:
        icon = "date"
        template = "components/streamfield/session_block.html"
        label = _("Session")
        description = _("A session or module of the training, with its date, time and content.")
        preview_value = {"title": "Drug policy evaluation", "description": "<p>Methods and indicators.</p>"}
