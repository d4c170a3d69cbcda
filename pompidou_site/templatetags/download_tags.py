from django import template

from ..download_statistics import total_downloads

register = template.Library()


@register.filter
def document_total_downloads(document):
    """How many times the document has been downloaded, all months and languages together."""
    return total_downloads(document)
