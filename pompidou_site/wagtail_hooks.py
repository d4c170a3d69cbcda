from django.contrib import messages
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import editing
from .models import Country, FooterText, Partner
from .page_cache import content_changed
from .reports import DocumentDownloadsMenuItem, DocumentDownloadsReportView
from .scheduling import NO_WORKER_WARNING, schedule_is_pending, worker_is_running
from .seed import SEED_LOG_ACTION

# Short lists searched by name: plain database filtering, which behaves the same on SQLite and
# PostgreSQL (the SQLite full-text backend cannot restrict a search to some fields).
TAXONOMY_SEARCH_BACKEND = None


class CountryViewSet(SnippetViewSet):
    model = Country
    search_backend_name = TAXONOMY_SEARCH_BACKEND
    icon = "globe"
    menu_label = _("Countries")
    list_display = ["name", "iso_code", "region", "locale"]
    list_filter = ["region", "locale"]
    search_fields = ["name", "iso_code"]
    ordering = ["name"]


class PartnerViewSet(SnippetViewSet):
    model = Partner
    search_backend_name = TAXONOMY_SEARCH_BACKEND
    icon = "group"
    menu_label = _("Partners")
    list_display = ["name", "kind", "website", "locale"]
    list_filter = ["kind", "locale"]
    search_fields = ["name"]
    ordering = ["name"]


class FooterTextViewSet(SnippetViewSet):
    model = FooterText
    icon = "doc-full"
    menu_label = _("Footer text")
    list_display = ["__str__", "locale"]


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = _("Taxonomy")
    menu_icon = "tag"
    menu_order = 300
    items = (CountryViewSet, PartnerViewSet, FooterTextViewSet)


register_snippet(TaxonomyGroup)


# ---- Download statistics: the document downloads report, under Reports ----


@hooks.register("register_admin_urls")
def register_document_downloads_report_urls():
    return [
        path("reports/document-downloads/", DocumentDownloadsReportView.as_view(), name="document_downloads_report"),
        path(
            "reports/document-downloads/results/",
            DocumentDownloadsReportView.as_view(results_only=True),
            name="document_downloads_report_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_document_downloads_report_menu_item():
    return DocumentDownloadsMenuItem(
        _("Document downloads"),
        reverse("document_downloads_report"),
        name="document-downloads",
        icon_name="download",
        order=1200,
    )


# Editing comfort: moderation that never ends in a server error, the moderator's request shown to
# the editor, and the pages that may be out of date on the dashboard.
hooks.register("before_edit_page", editing.refuse_unavailable_workflow_action)
hooks.register("before_edit_page", editing.show_requested_changes)


@hooks.register("construct_homepage_panels")
def add_pages_due_for_review_panel(request, panels):
    panels.append(editing.PagesDueForReviewPanel())


# A schedule without a worker would silently never happen: the editor is told, on the edit screen
# of a page that waits for one, and right after scheduling it.
def warn_when_no_worker_keeps_the_schedule(request, page):
    if schedule_is_pending(page) and not worker_is_running() and not warning_already_queued(request):
        messages.warning(request, NO_WORKER_WARNING)


def warning_already_queued(request):
    """Saving a draft redirects to the edit screen: its warning is not repeated there."""
    queued = messages.get_messages(request)
    found = any(str(message.message) == str(NO_WORKER_WARNING) for message in queued)
    queued.used = False  # looking is not showing: the messages stay for the next page
    return found


@hooks.register("before_edit_page")
def warn_on_the_edit_screen(request, page):
    # On a POST the page is about to change; after_edit_page looks at it once saved.
    if request.method == "GET":
        warn_when_no_worker_keeps_the_schedule(request, page)


hooks.register("after_edit_page", warn_when_no_worker_keeps_the_schedule)
hooks.register("after_create_page", warn_when_no_worker_keeps_the_schedule)


# The seed content loader's record, in each object's history: what it created, or found and left as it was.
@hooks.register("register_log_actions")
def register_seed_content_log_action(actions):
    @actions.register_action(SEED_LOG_ACTION)
    class SeedContentFormatter(LogFormatter):
        label = _("Seed content")

        def format_message(self, log_entry):
            if log_entry.data.get("created"):
                return _("Created by the seed content loader")
            return _("Recorded by the seed content loader as seed content, and left as it was")


@hooks.register("after_bulk_action")
def bulk_action_changes_the_content(request, action_type, objects, action_class_instance):
    """Some of Wagtail's bulk actions write with `QuerySet.update()`, which sends no signal (moving
    documents or images to another collection, a private one among them): a new generation, so
    that no kept listing or document offers them where they no longer belong."""
    content_changed()
