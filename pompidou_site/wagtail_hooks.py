from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import editing
from .models import Country, FooterText, Partner
from .reports import DocumentDownloadsMenuItem, DocumentDownloadsReportView

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
