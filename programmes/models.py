from django import forms
from django.apps import apps
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from pompidou_site.blocks import body_blocks, related_blocks
from pompidou_site.models import BODY_HELP, BasePage, PeriodMixin
from pompidou_site.pagination import listing_page
from pompidou_site.taxonomy import IN_DEFAULT_LOCALE, names_in_locale, synchronized_taxonomy_fields

PARTNERS_HELP = _("Tick every partner organisation. Missing one? Add it under Taxonomy › Partners.")


def period_country_partner_facts(page):
    """The period, countries and partners of a programme or country project, as
    `components/page_facts.html` shows them (see `BasePage.document_facts`)."""
    facts = [
        (gettext("Period"), page.period),
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
        context["programmes"] = ProgrammePage.listed_below(self)
        return context


class ProgrammePage(PeriodMixin, BasePage):
    type_label = _("Programme")
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

    class Meta:
        verbose_name = _("programme page")

    document_facts = period_country_partner_facts

    @property
    def programme(self):
        return self

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
        context["country_projects_page"] = listing_page(request, projects, "projects")
        context["country_projects"] = context["country_projects_page"].object_list
        training_outlines = (
            training_outline_model.objects.child_of(self)
            .live()
            .public()
            .defer("sessions", "objectives")
            .select_related("country")
            .order_by("-year", "-start_date", "path")
        )
        context["training_outlines_page"] = listing_page(request, training_outlines, "trainings")
        context["training_outlines"] = training_outline_model.with_outline_documents(
            context["training_outlines_page"].object_list
        )
        return context


class CountryProjectPage(PeriodMixin, BasePage):
    class Status(models.TextChoices):
        PLANNED = "planned", _("To come")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")

    type_label = _("Country project")
    card_badge_template = "programmes/status_badge.html"
    page_description = _("A programme's project in one country, or in several for a regional project.")

    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.PLANNED,
        help_text=_(
            "“To come” before the project starts, “Ongoing” while it runs, “Completed” once it has ended. "
            "Readers see it as a label."
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
        help_text=_("Optional. The project's reports and links, listed at the end of the page."),
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

    class Meta:
        verbose_name = _("country project page")

    document_facts = period_country_partner_facts

    @property
    def programme(self):
        return self.get_parent().specific

    @property
    def standalone_title(self):
        # "Ukraine — Drugs in Prisons": a country alone does not say which programme's project it is.
        return f"{self.title} — {self.programme.title}"

    @property
    def is_planned(self):
        return self.status == self.Status.PLANNED
