from django import forms
from django.apps import apps
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.search import index

from pompidou_site.api import StreamDocumentsField, TaxonomyField, by_country, by_parent, by_period_year
from pompidou_site.blocks import body_blocks, related_blocks
from pompidou_site.feeds import PageTreeFeed
from pompidou_site.models import BODY_HELP, BasePage, PeriodMixin
from pompidou_site.page_cache import cached_until_content_changes
from pompidou_site.pagination import listing_page
from pompidou_site.taxonomy import IN_DEFAULT_LOCALE, names_in_locale, of_page, synchronized_taxonomy_fields

# What the open data API shows of programmes and country projects (pompidou_site/api.py).
COUNTRY_API_FIELD = APIField("countries", serializer=TaxonomyField(("iso_code", "name")))
PARTNER_API_FIELD = APIField("partners", serializer=TaxonomyField(("name", "website", "kind")))
PERIOD_API_FIELDS = [APIField("start_year"), APIField("end_year")]

PARTNERS_HELP = _("Tick every partner organisation. Missing one? Add it under Taxonomy › Partners.")


def period_country_partner_facts(page):
    """The period, countries and partners of a programme or country project, as
    `components/page_facts.html` shows them (see `BasePage.document_facts`)."""
    facts = [
        (str(page.period_label), page.period),
        (gettext("Countries"), ", ".join(names_in_locale(page.countries.all()))),
        (gettext("Partners"), ", ".join(names_in_locale(page.partners.all()))),
    ]
    return [(label, text) for label, text in facts if text]


class ProgrammeIndexPage(BasePage):
    type_label = _("Programmes")
    page_description = _("Lists every programme with its summary, countries and period.")

    parent_page_types = ["pompidou_site.HomePage"]
    subpage_types = ["programmes.ProgrammePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("programme index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        programmes = _programmes_listed_below(request, self.pk, index=self)
        context["programmes"] = BasePage.with_current_renditions(programmes)
        return context


@cached_until_content_changes
def _programmes_listed_below(request, index_pk, *, index):
    """The programmes an index lists, with their taxonomy, looked up once per change of content."""
    return list(ProgrammePage.listed_below(index))


class ProgrammePage(RoutablePageMixin, PeriodMixin, BasePage):
    type_label = _("Programme")
    announced_in_feeds = True
    page_description = _("A training or co-operation programme, with its country projects and training outlines.")

    body = StreamField(body_blocks(), blank=True, verbose_name=_("body"), help_text=BODY_HELP)
    countries = ParentalManyToManyField(
        "pompidou_site.Country",
        verbose_name=_("countries"),
        blank=True,
        related_name="programmes",
        limit_choices_to=IN_DEFAULT_LOCALE,
        help_text=_("Tick every country taking part. Missing one? Add it under Taxonomy › Countries."),
    )
    partners = ParentalManyToManyField(
        "pompidou_site.Partner",
        verbose_name=_("partners"),
        blank=True,
        related_name="programmes",
        limit_choices_to=IN_DEFAULT_LOCALE,
        help_text=PARTNERS_HELP,
    )
    related = StreamField(
        related_blocks(),
        blank=True,
        verbose_name=_("related documents and links"),
        help_text=_("Optional. Reports, outlines and websites listed at the end of the page."),
    )
    contact_name = models.CharField(
        _("contact name"),
        max_length=255,
        blank=True,
        help_text=_("Optional. The person readers may write to about this programme."),
    )
    contact_email = models.EmailField(
        _("contact e-mail"), blank=True, help_text=_("Optional. Their e-mail address, shown on the page.")
    )

    content_panels = [
        *BasePage.content_panels,
        PeriodMixin.period_panel,
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("countries", widget=forms.CheckboxSelectMultiple),
                FieldPanel("partners", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Countries and partners"),
        ),
        FieldPanel("related"),
        MultiFieldPanel([FieldPanel("contact_name"), FieldPanel("contact_email")], heading=_("Contact")),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("body"),
        index.RelatedFields("countries", [index.SearchField("name")]),
        index.RelatedFields("partners", [index.SearchField("name")]),
    ]
    override_translatable_fields = synchronized_taxonomy_fields("countries", "partners")

    parent_page_types = ["programmes.ProgrammeIndexPage"]
    subpage_types = ["programmes.CountryProjectPage", "trainings.TrainingOutlinePage"]

    api_fields = [
        APIField("introduction"),
        APIField("listing_summary"),
        *PERIOD_API_FIELDS,
        COUNTRY_API_FIELD,
        PARTNER_API_FIELD,
        APIField("contact_name"),
        APIField("contact_email"),
        APIField("documents", serializer=StreamDocumentsField(source="related")),
    ]
    api_filters = {"country": by_country("countries"), "year": by_period_year}

    class Meta:
        verbose_name = _("programme page")

    document_facts = period_country_partner_facts

    @property
    def programme(self):
        return self

    # The programme's own feeds: it, its country projects and its trainings, lately published or updated.
    @path("feed/", name="rss_feed")
    def rss_feed(self, request):
        return PageTreeFeed("rss")(request, root=self)

    @path("feed/atom/", name="atom_feed")
    def atom_feed(self, request):
        return PageTreeFeed("atom")(request, root=self)

    @classmethod
    def listed_below(cls, ancestor):
        """The live, public programmes below `ancestor`, in tree order, with their taxonomy."""
        return cls.listing("countries", "partners").descendant_of(ancestor).order_by("path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Referred to by name: programmes and trainings never import each other.
        training_outline_model = apps.get_model("trainings", "TrainingOutlinePage")
        # Both listings a page at a time (?projects=, ?trainings=), each in one query with its count.
        projects = CountryProjectPage.listing("countries").child_of(self).order_by("path")
        context["country_projects_page"] = listing_page(
            request,
            projects,
            "projects",
            kept_as=f"programme {self.pk} projects",
            refreshed=CountryProjectPage.with_current_renditions,
        )
        context["country_projects"] = country_projects = context["country_projects_page"].object_list
        # The map: the programme's countries and its (live, public) country projects' countries.
        context["map_countries"] = [
            *of_page(self, "countries"),
            *(country for project in country_projects for country in of_page(project, "countries")),
        ]
        training_outlines = (
            training_outline_model.objects.child_of(self)
            .live()
            .public()
            .defer("sessions", "objectives")
            .select_related("country")
            .order_by("-year", "-start_date", "path")
        )
        context["training_outlines_page"] = listing_page(
            request,
            training_outlines,
            "trainings",
            kept_as=f"programme {self.pk} trainings",
            shown=training_outline_model.with_outline_documents,
        )
        rows = context["training_outlines_page"].object_list
        context["training_groups"] = self.trainings_by_edition(rows)
        context["related_blocks"] = self.related_not_shown_above(rows)
        return context

    @staticmethod
    def trainings_by_edition(rows):
        """The trainings (rows of `with_outline_documents`) grouped under the years they span, in
        the order given: [{"years": "2007–2008", "heading": ..., "rows": [...]}, ...].

        The year is said once: a group of several trainings has the years as its heading; a
        training alone in its years needs none, its title or its dates say them. Each row's
        `show_dates` tells whether its dates add to that (a month or a day, or years its title
        does not give).
        """
        groups = []
        for row in rows:
            years = row["page"].years_text
            if groups and groups[-1]["years"] == years:
                groups[-1]["rows"].append(row)
            else:
                groups.append({"years": years, "rows": [row]})
        for group in groups:
            group["heading"] = group["years"] if len(group["rows"]) > 1 else ""
            for row in group["rows"]:
                training = row["page"]
                says_years = group["heading"] or group["years"] in training.title
                row["show_dates"] = training.dates_beyond_years or not says_years
        return groups

    def related_not_shown_above(self, rows):
        """The blocks of "Related documents and links", but those the training list already offers:
        a training's outline, or a link to a training's own page, is listed once, with its training."""
        shown_documents = {offered["document"].pk for row in rows for offered in row["documents"]}
        shown_pages = {row["page"].pk for row in rows}
        kept = []
        for block, raw in zip(self.related, self.related.raw_data, strict=True):
            value = raw.get("value") or {}
            if raw.get("type") == "document" and value.get("document") in shown_documents:
                continue
            if raw.get("type") == "link" and value.get("page") in shown_pages:
                continue
            if raw.get("type") == "link" and value.get("document") in shown_documents:
                continue
            kept.append(block)
        return kept


class CountryProjectPage(PeriodMixin, BasePage):
    class Status(models.TextChoices):
        PLANNED = "planned", _("To come")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")

    type_label = _("Country project")
    announced_in_feeds = True
    card_badge_template = "programmes/status_badge.html"
    page_description = _("A programme’s project in one country, or in several for a regional project.")

    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        blank=True,
        default="",
        help_text=_(
            "Optional. “To come” before the project starts, “Ongoing” while it runs, “Completed” once it has "
            "ended. Readers see it as a label; leave it blank while it is not known."
        ),
    )
    countries = ParentalManyToManyField(
        "pompidou_site.Country",
        verbose_name=_("countries"),
        related_name="country_projects",
        limit_choices_to=IN_DEFAULT_LOCALE,
        help_text=_("The country of the project; tick several for a regional project."),
    )
    partners = ParentalManyToManyField(
        "pompidou_site.Partner",
        verbose_name=_("partners"),
        blank=True,
        related_name="country_projects",
        limit_choices_to=IN_DEFAULT_LOCALE,
        help_text=PARTNERS_HELP,
    )
    body = StreamField(body_blocks(), blank=True, verbose_name=_("body"), help_text=BODY_HELP)
    documents = StreamField(
        related_blocks(),
        blank=True,
        verbose_name=_("documents and links"),
        help_text=_("Optional. The project’s reports and links, listed at the end of the page."),
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("status"),
        PeriodMixin.period_panel,
        MultiFieldPanel(
            [
                FieldPanel("countries", widget=forms.CheckboxSelectMultiple),
                FieldPanel("partners", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Countries and partners"),
        ),
        FieldPanel("body"),
        FieldPanel("documents"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("body"),
        index.FilterField("status"),
        index.RelatedFields("countries", [index.SearchField("name")]),
    ]
    override_translatable_fields = synchronized_taxonomy_fields("countries", "partners")

    parent_page_types = ["programmes.ProgrammePage"]
    subpage_types = []

    api_fields = [
        APIField("introduction"),
        APIField("listing_summary"),
        APIField("status"),
        *PERIOD_API_FIELDS,
        COUNTRY_API_FIELD,
        PARTNER_API_FIELD,
        APIField("documents", serializer=StreamDocumentsField()),
    ]
    api_filters = {"programme": by_parent, "country": by_country("countries"), "year": by_period_year}

    class Meta:
        verbose_name = _("country project page")

    document_facts = period_country_partner_facts

    @cached_property
    def programme(self):
        """The programme above (`parent_page`): the page's heading, its aims and its link all use it."""
        parent = self.parent_page
        return parent if isinstance(parent, ProgrammePage) else None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["programme"] = self.programme
        return context

    @property
    def card_pattern_path(self):
        # A project's card wears its programme's pattern.
        return self.path[: -self.steplen]

    @property
    def standalone_title(self):
        # "Ukraine — Drugs in Prisons": a country alone does not say which programme's project it is.
        return f"{self.title} — {self.programme.title}"

    @property
    def is_planned(self):
        return self.status == self.Status.PLANNED
