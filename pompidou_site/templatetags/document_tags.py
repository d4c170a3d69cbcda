"""Template tags for documents offered to download."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language_info, npgettext, pgettext
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


# A file's size, in the units readers of each language know: "12 KB", « 12 Ko » (Django's
# `filesizeformat` says « Kio » in French). Multiples of 1,024, as Django and file managers count.
FILE_SIZE_UNITS = [
    (1024**3, lambda size: pgettext("file size", "%(size)s GB") % {"size": size}),
    (1024**2, lambda size: pgettext("file size", "%(size)s MB") % {"size": size}),
    (1024, lambda size: pgettext("file size", "%(size)s KB") % {"size": size}),
]


@register.filter
def file_size(size):
    """ "2.8 KB", « 2,8 Ko », "512 bytes": a size in bytes, with a no-break space before the unit."""
    try:
        size = int(size)
    except (TypeError, ValueError):
        return ""
    for unit, text in FILE_SIZE_UNITS:
        if size >= unit:
            return text(number_format(round(size / unit, 1), 1)).replace(" ", "\u00a0")
    return (npgettext("file size", "%(size)s byte", "%(size)s bytes", size) % {"size": size}).replace(" ", "\u00a0")
