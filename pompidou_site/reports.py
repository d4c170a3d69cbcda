"""The admin's document downloads report: downloads per document and month, by language, exportable.

Filters: collection, period and, for each page type a domain app registers with the
`register_download_report_section` hook (the programmes register theirs), the documents used on
such a page, its translations and the pages below them.
"""

import django_filters

from django.conf import settings
from django.db.models import Q, Sum
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.filters import CollectionFilter, DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Collection
from wagtail.permissions import ModelPermissionPolicy

from .download_statistics import documents_used_below, language_codes
from .models import DocumentDownloadCount

SECTION_HOOK = "register_download_report_section"

permission_policy = ModelPermissionPolicy(DocumentDownloadCount)


class MonthColumn(Column):
    def get_value(self, instance):
        return date_format(super().get_value(instance), "YEAR_MONTH_FORMAT")


class PeriodFilter(django_filters.DateFromToRangeFilter):
    """Months from the one of the first date to the one of the last, both included."""

    def filter(self, qs, value):
        if value and value.start:
            qs = qs.filter(month__gte=value.start.replace(day=1))
        if value and value.stop:
            qs = qs.filter(month__lte=value.stop)
        return qs


class SectionFilter(django_filters.ModelChoiceFilter):
    """Downloads of the documents used on a page (in any language) or below it."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(document_id__in=documents_used_below(value))


def section_filters():
    """One filter per page type registered by the domain apps, as {name: filter}."""
    filters = {}
    for register in hooks.get_hooks(SECTION_HOOK):
        name, label, page_model = register()
        filters[name] = SectionFilter(
            label=label,
            queryset=page_model.objects.filter(locale__language_code=settings.LANGUAGE_CODE).order_by("path"),
        )
    return filters


class DocumentDownloadsFilterSet(WagtailFilterSet):
    collection = CollectionFilter(
        field_name="document__collection", label=_("Collection"), queryset=Collection.objects.all()
    )
    period = PeriodFilter(label=_("Period"), widget=DateRangePickerWidget)

    class Meta:
        model = DocumentDownloadCount
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, section_filter in section_filters().items():
            section_filter.model = self._meta.model
            section_filter.parent = self
            self.filters[name] = section_filter


def language_column(code):
    return f"downloads_{code}"


class DocumentDownloadsReportView(ReportView):
    page_title = _("Document downloads")
    header_icon = "download"
    index_url_name = "document_downloads_report"
    index_results_url_name = "document_downloads_report_results"
    filterset_class = DocumentDownloadsFilterSet
    permission_policy = permission_policy
    permission_required = "view"
    is_searchable = True
    search_backend_name = None
    search_fields = ["document__title"]
    export_filename = "document-downloads"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # In the admin's language: "French" in English, "français" in French.
        languages = [(code, capfirst(get_language_info(code)["name_translated"])) for code in language_codes()]
        self.columns = [
            TitleColumn("document__title", label=_("Document"), url_name="wagtaildocs:edit", id_accessor="document"),
            Column("document__collection__name", label=_("Collection")),
            MonthColumn("month", label=_("Month")),
            *[Column(language_column(code), label=name) for code, name in languages],
            Column("downloads_other", label=_("Other or unknown language")),
            Column("downloads_total", label=_("Total")),
        ]
        self.list_export = [column.name for column in self.columns]
        self.export_headings = {column.name: column.label for column in self.columns}

    def get_queryset(self):
        counts = self.filter_queryset(DocumentDownloadCount.objects.all())
        codes = language_codes()
        per_language = {language_column(code): Sum("downloads", filter=Q(language=code), default=0) for code in codes}
        counts = (
            counts.values("document", "document__title", "document__collection__name", "month")
            .annotate(
                **per_language,
                downloads_other=Sum("downloads", filter=~Q(language__in=codes), default=0),
                downloads_total=Sum("downloads", default=0),
            )
            .order_by("-month", "document__title", "document")
        )
        return self.search_queryset(counts)

    def get_filtered_queryset(self):
        # get_queryset filters before grouping the counts; filtering again would change nothing.
        return self.get_queryset()


class DocumentDownloadsMenuItem(MenuItem):
    def is_shown(self, request):
        return permission_policy.user_has_permission(request.user, "view")
