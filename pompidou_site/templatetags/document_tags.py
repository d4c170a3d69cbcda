"""Template tags for documents offered to download."""

from django import template
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

register = template.Library()

# Shown beside a download that is not in the reader's language. Whole phrases, not
# "in" + a language name, because languages decline differently ("en anglais").
DOCUMENT_LANGUAGE_NOTES = {
    "en": _("in English"),
    "fr": _("in French"),
}


@register.filter
def document_language_note(document_language):
    """ "in English" for a document in English, in the reader's language."""
    if document_language in DOCUMENT_LANGUAGE_NOTES:
        return DOCUMENT_LANGUAGE_NOTES[document_language]
    try:
        return get_language_info(document_language)["name_translated"]
    except KeyError:
        return document_language
