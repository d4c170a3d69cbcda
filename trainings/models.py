from rest_framework import serializers

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import date as format_date
from django.utils.html import format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.documents import get_document_model
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from pompidou_site.api import StreamDocumentsField, TaxonomyField, by_country, by_parent, by_year
from pompidou_site.blocks import RICH_TEXT_FEATURES, DocumentBlock
from pompidou_site.documents import public_documents
from pompidou_site.models import BasePage
from pompidou_site.structured_data import home_page_url, organization_id
from pompidou_site.taxonomy import IN_DEFAULT_LOCALE, in_locale, names_in_locale, synchronized_taxonomy_fields

from .blocks import SessionBlock


class TrainingOutlinePage(BasePage):
    """One edition of a training: when and where, for whom, what it covered, and its outline."""

    class ParticipantsQualifier(models.TextChoices):
        EXACT = "exact", _("exactly")
        ABOUT = "about", _("about")
        MORE_THAN = "more_than", _("more than")

    type_label = _("Training outline")
    page_description = _("One edition of a training, with its dates, place, audience, sessions and outline.")

    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The year the training took place, such as 2012."))
    start_date = models.DateField(
        _("start date"), null=True, blank=True, help_text=_("Optional. The first day, if known.")
    )
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Optional. The last day; blank for a one-day training.")
    )
    date_precision = models.CharField(
        _("dates known to"),
        max_length=8,
        choices=[("day", _("the day")), ("month", _("the month")), ("year", _("the year"))],
        default="day",
        help_text=_("When only the month is known, enter its first day and choose “the month”."),
    )
    city = models.CharField(_("city"), max_length=100, blank=True, help_text=_("Optional. Where it took place."))
    country = models.ForeignKey(
        "pompidou_site.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_outlines",
        limit_choices_to=IN_DEFAULT_LOCALE,
        help_text=_("Optional. The country where it took place."),
    )
    organisers = ParentalManyToManyField(
        "pompidou_site.Partner",
        verbose_name=_("organisers"),
        blank=True,
        related_name="organised_trainings",
        limit_choices_to=IN_DEFAULT_LOCALE,
        help_text=_("Tick the organisations that ran the training. Missing one? Add it under Taxonomy › Partners."),
    )
    partners = ParentalManyToManyField(
        "pompidou_site.Partner",
        verbose_name=_("partners"),
        blank=True,
        related_name="partnered_trainings",
        limit_choices_to=IN_DEFAULT_LOCALE,
        help_text=_("Tick the organisations that supported it without running it."),
    )
    audience = models.TextField(
        _("audience"),
        blank=True,
        help_text=_("Optional. Who the training was for, such as “prison doctors and nurses from Moldova”."),
    )
    participants = models.PositiveIntegerField(
        _("number of participants"), null=True, blank=True, help_text=_("Optional. How many people took part.")
    )
    participants_qualifier = models.CharField(
        _("the number is"),
        max_length=16,
        choices=ParticipantsQualifier.choices,
        default=ParticipantsQualifier.EXACT,
        help_text=_("Whether the number is exact, approximate or a minimum."),
    )
    objectives = RichTextField(
        _("objectives"),
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text=_("Optional. What participants were to learn, for example as a bulleted list."),
    )
    sessions = StreamField(
        [("session", SessionBlock())],
        blank=True,
        verbose_name=_("sessions or modules"),
        help_text=_("Optional. One entry per session or module, in the order they took place."),
    )
    outline_documents = StreamField(
        [("document", DocumentBlock())],
        blank=True,
        verbose_name=_("outline documents"),
        help_text=_("The training outline and other documents to download, such as the programme or the report."),
    )

    content_panels = [
        *BasePage.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("year"),
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                FieldPanel("date_precision"),
                FieldRowPanel([FieldPanel("city"), FieldPanel("country")]),
            ],
            heading=_("When and where"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("organisers", widget=forms.CheckboxSelectMultiple),
                FieldPanel("partners", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Organisers and partners"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldRowPanel([FieldPanel("participants_qualifier"), FieldPanel("participants")]),
            ],
            heading=_("Participants"),
        ),
        FieldPanel("objectives"),
        FieldPanel("sessions"),
        FieldPanel("outline_documents"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("city"),
        index.SearchField("audience"),
        index.SearchField("objectives"),
        index.SearchField("sessions"),
        index.FilterField("year"),
        index.RelatedFields("country", [index.SearchField("name")]),
    ]
    override_translatable_fields = synchronized_taxonomy_fields("country", "organisers", "partners")

    # Referred to by name: trainings never imports programmes.
    parent_page_types = ["programmes.ProgrammePage"]
    subpage_types = []

    # What the open data API shows (pompidou_site/api.py). The dates as precisely as they are
    # known, never the invented first day of a month; the stored start and end dates are not shown.
    api_fields = [
        APIField("introduction"),
        APIField("listing_summary"),
        APIField("year"),
        APIField("dates", serializer=serializers.DictField(source="iso_dates", read_only=True)),
        APIField("city"),
        APIField("country", serializer=TaxonomyField(("iso_code", "name"), many=False)),
        APIField("organisers", serializer=TaxonomyField(("name", "website", "kind"))),
        APIField("partners", serializer=TaxonomyField(("name", "website", "kind"))),
        APIField("audience"),
        APIField("participants"),
        APIField("participants_qualifier"),
        APIField("documents", serializer=StreamDocumentsField(source="outline_documents")),
    ]
    api_filters = {"programme": by_parent, "country": by_country("country"), "year": by_year("year")}

    class Meta:
        verbose_name = _("training outline page")

    def _dates(self):
        """When the training took place, as precisely as it is known: ([(datetime, text)...], separator).

        One formatting for the page (`dates_html`) and for its generated documents (`dates_text`).
        """
        start, end = self.start_date, self.end_date
        precision = self.date_precision
        if not start or precision == "year":
            year = start.year if start else self.year
            if end and end.year != year:
                return [(year, year), (end.year, end.year)], "–"
            return [(year, year)], ""
        if precision == "month":
            if end and (end.year, end.month) != (start.year, start.month):
                start_format = "F" if end.year == start.year else "F Y"
                return [
                    (format_date(start, "Y-m"), format_date(start, start_format)),
                    (format_date(end, "Y-m"), format_date(end, "F Y")),
                ], " – "
            return [(format_date(start, "Y-m"), format_date(start, "F Y"))], ""
        if not end or end == start:
            return [(start.isoformat(), format_date(start, "j F Y"))], ""
        if (start.year, start.month) == (end.year, end.month):
            # Days of one month: no spaces around the dash between two numbers.
            return [(start.isoformat(), format_date(start, "j")), (end.isoformat(), format_date(end, "j F Y"))], "–"
        start_format = "j F" if start.year == end.year else "j F Y"
        return [
            (start.isoformat(), format_date(start, start_format)),
            (end.isoformat(), format_date(end, "j F Y")),
        ], " – "

    @property
    def iso_dates(self):
        """The start and end as ISO 8601 dates to the precision known: {"start": "2010-05", "end":
        None, "precision": "month"}; "2010" for a year, "2010-05-03" for a day. The open data API and
        the schema.org data give them (partial dates are valid ISO 8601 and schema.org Date text)."""
        parts, _separator = self._dates()
        precision = self.date_precision if self.start_date else "year"
        return {
            "start": str(parts[0][0]),
            "end": str(parts[1][0]) if len(parts) > 1 else None,
            "precision": precision,
        }

    @property
    def dates_html(self):
        """When a training took place, as precisely as it is known, in <time> elements.

        "3–7 May 2010", "28 April – 2 May 2010", "3 May 2010"; "May 2010" when only the month is
        known; "2010" or "2007–2008" when only the years are.
        """
        parts, separator = self._dates()
        return format_html_join(separator, '<time datetime="{}">{}</time>', parts)

    @property
    def dates_text(self):
        """The same dates as `dates_html`, as plain text."""
        parts, separator = self._dates()
        return separator.join(str(text) for _datetime, text in parts)

    @property
    def participants_text(self):
        """ "about 30 participants": the number, qualified, in the active language ("" if unknown)."""
        if not self.participants:
            return ""
        templates = {
            self.ParticipantsQualifier.ABOUT: ngettext(
                "about %(counter)s participant", "about %(counter)s participants", self.participants
            ),
            self.ParticipantsQualifier.MORE_THAN: ngettext(
                "more than %(counter)s participant", "more than %(counter)s participants", self.participants
            ),
        }
        default = ngettext("%(counter)s participant", "%(counter)s participants", self.participants)
        return templates.get(self.participants_qualifier, default) % {"counter": self.participants}

    @property
    def programme(self):
        return self.get_parent().specific

    @property
    def standalone_title(self):
        # "2011 edition — Executive Training for drug policy managers".
        return f"{self.title} — {self.programme.title}"

    def structured_data(self, request):
        """The page's breadcrumbs, then the training as a schema.org Course with one CourseInstance:
        its dates as precisely as they are known (a month is "2010-05", never an invented day),
        place, organisers and audience, in the page's language."""
        dates = self.iso_dates
        end = dates["end"] or (dates["start"] if dates["precision"] == "day" else None)
        instance = {"@type": "CourseInstance", "startDate": dates["start"]}
        if end:
            instance["endDate"] = end
        country = in_locale(self.country, holder=request)[0] if self.country else None
        if self.city or country:
            address = {"@type": "PostalAddress"}
            if self.city:
                address["addressLocality"] = self.city
            if country:
                address["addressCountry"] = country.iso_code
            instance["location"] = {
                "@type": "Place",
                "name": ", ".join(part for part in (self.city, country.name if country else "") if part),
                "address": address,
            }
        organisers = [
            {"@type": "Organization", "name": partner.name, **({"url": partner.website} if partner.website else {})}
            for partner in in_locale(self.organisers.all(), holder=request)
        ]
        if organisers:
            instance["organizer"] = organisers
        course = {
            "@context": "https://schema.org",
            "@type": "Course",
            "name": self.standalone_title,
            "description": self.meta_description or self.standalone_title,
            "url": self.get_full_url(request),
            "inLanguage": self.locale.language_code,
            "provider": {"@id": organization_id(home_page_url(self, request))},
            "hasCourseInstance": [instance],
        }
        if self.audience:
            course["audience"] = {"@type": "Audience", "audienceType": self.audience}
        return [*super().structured_data(request), course]

    def document_facts(self):
        """Dates, place, organisers, partners, audience and participants, as the page shows them."""
        country = in_locale(self.country)[0].name if self.country else ""
        facts = [
            (gettext("Dates"), self.dates_text),
            (gettext("Place"), ", ".join(part for part in (self.city, country) if part)),
            (gettext("Organisers"), ", ".join(names_in_locale(self.organisers.all()))),
            (gettext("Partners"), ", ".join(names_in_locale(self.partners.all()))),
            (gettext("Audience"), self.audience),
            (gettext("Participants"), self.participants_text),
        ]
        return [(label, text) for label, text in facts if text]

    @classmethod
    def with_outline_documents(cls, trainings):
        """Each training with the documents its outline offers, for a listing.

        Two queries for the whole list, whatever its length: the trainings (whose queryset may defer
        every stream but `outline_documents`) and their documents, fetched together.
        """
        trainings = list(trainings)
        raw_blocks = {
            training.pk: [
                block["value"] for block in training.outline_documents.raw_data if block["type"] == "document"
            ]
            for training in trainings
        }
        document_ids = {value.get("document") for values in raw_blocks.values() for value in values} - {None}
        # Documents of the private collection are never offered to the public.
        documents = public_documents(get_document_model().objects.all()).in_bulk(document_ids) if document_ids else {}
        return [
            {
                "page": training,
                "documents": [
                    {"document": documents[value["document"]], "title": value.get("title") or ""}
                    for value in raw_blocks[training.pk]
                    if value.get("document") in documents
                ],
            }
            for training in trainings
        ]

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The training cannot end before it starts.")})
        if self.start_date and self.start_date.year != self.year:
            raise ValidationError({"year": _("The year must be the year of the start date.")})
