"""Download statistics: every download of a public document is counted, and nothing about who made it.

Documents are served by Wagtail's view (WAGTAILDOCS_SERVE_METHOD = "serve_view"); `serve_document`
wraps it and adds one to the month's count for that document and language once the file is on
its way. Counted: a GET answered with the file (200) of a document whose collection has no view
restriction. Not counted: HEAD, 304 Not Modified, refusals (password or login form, redirects),
documents in restricted collections, and robots that say so in their User-Agent.

The language is the one of the site's pages the visitor came from: a `lang` query parameter
(for links from outside the site, such as a newsletter: /documents/1/outline.pdf?lang=fr), else
the path prefix of the Referer when it is one of this site's pages (/en/..., /fr/...; the
site's Referrer-Policy sends the path on same-origin requests). Otherwise it is blank ("other").

Counting is one UPDATE ... SET downloads = downloads + 1, with an INSERT the first time in a month,
inside a savepoint: if it fails, the error is logged and the file is served all the same.
"""

import logging
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language_from_path

from wagtail.documents import get_document_model
from wagtail.documents.models import document_served
from wagtail.documents.views.serve import serve
from wagtail.models import Page, ReferenceIndex

from .models import DocumentDownloadCount

logger = logging.getLogger(__name__)

# Crawlers that name themselves; anything subtler is counted. Kept simple on purpose.
ROBOT_USER_AGENT = re.compile(r"bot|crawl|spider|slurp", re.IGNORECASE)

# Set on the request by Wagtail's document_served signal, sent only once its access checks passed.
SERVED_ATTRIBUTE = "_pompidou_served_document"


def _remember_served_document(sender, instance, request, **kwargs):
    setattr(request, SERVED_ATTRIBUTE, instance)


document_served.connect(_remember_served_document, dispatch_uid="pompidou_download_statistics")


def serve_document(request, document_id, document_filename):
    """Wagtail's document view, counting the downloads it serves."""
    response = serve(request, document_id, document_filename)
    if response.get("Content-Encoding") == "None":
        # Wagtail's sendfile writes the guessed encoding even when there is none (a PDF's): a
        # literal "None" that a client or CDN could take for an encoding it does not know.
        del response["Content-Encoding"]
    document = getattr(request, SERVED_ATTRIBUTE, None)
    if document is None:
        return response
    # One question for both uses: whether the document's collection is restricted.
    private = document.collection.get_view_restrictions().exists()
    if response.status_code in (200, 304) and not response.has_header("Cache-Control"):
        # Revalidated on every download (the ETag is the file's hash, Last-Modified its date), so a
        # replaced file is never served stale; a restricted collection's files are never kept by a
        # shared cache (proxy, CDN).
        response["Cache-Control"] = "private, no-cache" if private else "public, no-cache"
    if request.method == "GET" and response.status_code == 200:
        try:
            if is_countable(document, request, private):
                count_download(document, visitor_language(request))
        except Exception:
            # The visitor asked for the file, not for a statistic: never fail the download.
            logger.exception("Could not count a download of document %s", document.pk)
    return response


def is_countable(document, request, private):
    if ROBOT_USER_AGENT.search(request.headers.get("user-agent", "")):
        return False
    # Only public documents: a restricted collection's downloads are the secretariat's own.
    return not private


def language_codes():
    return [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]


def visitor_language(request):
    """The language of the site's pages the visitor came from, or "" when it is not known."""
    requested = request.GET.get("lang", "")
    if requested in language_codes():
        return requested
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc == request.get_host():
        language = get_language_from_path(referer.path)
        if language in language_codes():
            return language
    return ""


def current_month():
    return timezone.localdate().replace(day=1)


def count_download(document, language, month=None):
    """Add one download to the (document, month, language) count, creating it the first time.

    Race-safe on SQLite and PostgreSQL: the UPDATE is atomic, and when two first downloads of a
    month both insert, the unique constraint refuses the second, which then updates.
    """
    month = month or current_month()
    counts = DocumentDownloadCount.objects.filter(document=document, month=month, language=language)
    # A savepoint: a failed write never spoils a transaction the request may be in.
    with transaction.atomic():
        if counts.update(downloads=F("downloads") + 1):
            return
        try:
            with transaction.atomic():
                DocumentDownloadCount.objects.create(document=document, month=month, language=language, downloads=1)
        except IntegrityError:
            counts.update(downloads=F("downloads") + 1)


def total_downloads(document):
    return document.download_counts.aggregate(total=Sum("downloads", default=0))["total"]


def documents_used_below(page):
    """The ids of the documents that `page`, its translations or the pages below them refer to.

    Read from Wagtail's reference index, which records document choosers in StreamFields and
    foreign keys alike, so this module needs to know no page type's fields.
    """
    subtrees = Q()
    for translation in page.get_translations(inclusive=True):
        subtrees |= Q(path__startswith=translation.path)
    page_ids = [str(pk) for pk in Page.objects.filter(subtrees).values_list("pk", flat=True)]
    references = ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=page_ids,
        to_content_type=ContentType.objects.get_for_model(get_document_model()),
    )
    return {int(pk) for pk in references.values_list("to_object_id", flat=True)}
