import calendar
import contextlib
import hashlib
from datetime import date, timedelta
from urllib.parse import urlencode

from rest_framework import serializers

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.template.defaultfilters import date as format_date
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.http import content_disposition_header, http_date
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents import get_document_model
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from pompidou_site.api import StreamDocumentsField, TaxonomyField, by_country, by_parent, by_year
from pompidou_site.blocks import RICH_TEXT_FEATURES, DocumentBlock
from pompidou_site.dates import format_day
from pompidou_site.documents import public_documents, with_file_sizes
from pompidou_site.models import BasePage
from pompidou_site.pdf import blocks_from_rich_text
from pompidou_site.structured_data import home_page_url, organization_id
from pompidou_site.taxonomy import IN_DEFAULT_LOCALE, in_locale, names_in_locale, of_page, synchronized_taxonomy_fields

from . import outline_pdf
from .blocks import SessionBlock, when_text
from .forms import TrainingFilterForm
from .ical import calendar_response


class TrainingOutlinePage(RoutablePageMixin, BasePage):
    """One edition of a training: when and where, for whom, what it covered, and its outline."""

    class ParticipantsQualifier(models.TextChoices):
        EXACT = "exact", _("exactly")
        ABOUT = "about", _("about")
        MORE_THAN = "more_than", _("more than")

    type_label = _("Training outline")
    announced_in_feeds = True
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
        verbose_name=_("country of the venue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_outlines",
        limit_choices_to=IN_DEFAULT_LOCALE,
        help_text=_(
            "Optional. The country where it was held: its venue, which is not always a country the programme works in."
        ),
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
            return [(start.isoformat(), format_day(start, "j F Y"))], ""
        if (start.year, start.month) == (end.year, end.month):
            # Days of one month: no spaces around the dash between two numbers ("1er–7 mai 2010").
            return [(start.isoformat(), format_day(start, "j")), (end.isoformat(), format_day(end, "j F Y"))], "–"
        start_format = "j F" if start.year == end.year else "j F Y"
        return [
            (start.isoformat(), format_day(start, start_format)),
            (end.isoformat(), format_day(end, "j F Y")),
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
    def year_span(self):
        """(first year, last year) the training took place in: (2007, 2008) for seminars over two years."""
        first = self.start_date.year if self.start_date else self.year
        last = self.end_date.year if self.end_date else first
        return first, max(first, last)

    @property
    def years_text(self):
        """ "2012", "2007–2008": the edition a training belongs to, as its programme page files it."""
        first, last = self.year_span
        return str(first) if first == last else f"{first}–{last}"

    @property
    def dates_beyond_years(self):
        """Whether the dates say more than `years_text` (a month or a day): a listing under the
        years shows them, and leaves out dates that would only repeat the years."""
        return bool(self.start_date) and self.date_precision != "year"

    @property
    def last_possible_day(self):
        """The last day the training may have lasted, as far as its dates are known: its last day,
        or the last day of the month or year its dates name. Until then it is not yet over."""
        start, end = self.start_date, self.end_date
        if not start or self.date_precision == "year":
            return date((end.year if end else start.year if start else self.year), 12, 31)
        last = end or start
        if self.date_precision == "month":
            return date(last.year, last.month, calendar.monthrange(last.year, last.month)[1])
        return last

    @property
    def calendar_years(self):
        """Every year the training may have taken place in, for the calendar's year filter."""
        return range(self.start_date.year if self.start_date else self.year, self.last_possible_day.year + 1)

    @property
    def sort_key(self):
        return (self.year, self.start_date or date(self.year, 1, 1), self.path)

    def is_upcoming(self, today):
        return self.last_possible_day >= today

    @property
    def calendar_days(self):
        """(first day, day after the last) for a calendar's all-day event, or None.

        Only trainings known to the day have days: one known to the month or the year is never
        turned into days nobody gave (the 1st of the month, a whole month), so it has no event.
        """
        if self.date_precision != "day" or not self.start_date:
            return None
        return self.start_date, (self.end_date or self.start_date) + timedelta(days=1)

    def place_in(self, holder=None):
        """ "Warsaw, Poland": the city and the country in the active language, as far as known.
        `holder` (the request) loads the country names once for the whole request."""
        country = in_locale(self.country, holder)[0].name if self.country else ""
        return ", ".join(part for part in (self.city, country) if part)

    @property
    def place_text(self):
        return self.place_in()

    @path("ics/", name="ics")
    def ics(self, request):
        """This training as an iCalendar file, when its days are known (404 otherwise)."""
        if self.calendar_days is None:
            raise Http404("The days of this training are not known.")
        return calendar_response(request, [self], title=self.standalone_title, filename=self.slug)

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

    @cached_property
    def programme(self):
        return self.parent_page

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
            for partner in in_locale(of_page(self, "organisers"), holder=request)
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
        facts = [
            (gettext("Dates"), self.dates_text),
            (gettext("Place"), self.place_text),
            (gettext("Organisers"), ", ".join(names_in_locale(self.organisers.all()))),
            (gettext("Partners"), ", ".join(names_in_locale(self.partners.all()))),
            (gettext("Audience"), self.audience),
            (gettext("Participants"), self.participants_text),
        ]
        return [(label, text) for label, text in facts if text]

    def objectives_document_blocks(self):
        """The objectives as a generated document gives them, under their heading (active language)."""
        if not self.objectives:
            return []
        return [{"type": "heading", "level": 2, "text": gettext("Objectives")}, *blocks_from_rich_text(self.objectives)]

    def sessions_document_blocks(self):
        """The sessions as a generated document gives them: title, when, speakers and description."""
        if not self.sessions:
            return []
        blocks = [{"type": "heading", "level": 2, "text": gettext("Sessions")}]
        for block in self.sessions:
            value = block.value
            blocks.append({"type": "heading", "level": 3, "text": value["title"]})
            if when := when_text(value):
                blocks.append({"type": "paragraph", "text": when})
            if value.get("speakers"):
                blocks.append({"type": "paragraph", "text": f"{gettext('Speakers:')} {value['speakers']}"})
            if value.get("description"):
                blocks.extend(blocks_from_rich_text(value["description"].source))
        return blocks

    @path("pdf/", name="outline_pdf")
    def serve_outline_pdf(self, request):
        """The outline as a PDF generated from the live page, behind the page's own view restrictions."""
        try:
            name = outline_pdf.ensure(self)
        except Exception:
            outline_pdf.logger.exception("Could not generate the outline PDF of page %s", self.pk)
            name = None
        if name is None:
            response = HttpResponse(
                gettext("The outline PDF of this page cannot be made just now. Please try again in a few minutes."),
                status=503,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = "120"
            return response
        with default_storage.open(name, "rb") as stored:
            content = stored.read()  # Some tens of KB: read whole, for its hash.
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=False, filename=outline_pdf.download_name(self)
        )
        if self.get_view_restrictions():
            # Never kept by a shared cache: the next reader may not be allowed to see it.
            response["Cache-Control"] = "private, no-store"
            return response
        # Like a document: kept, revalidated on every download, 304 while the file is the same.
        response["ETag"] = f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'
        with contextlib.suppress(NotImplementedError, OSError):
            response["Last-Modified"] = http_date(default_storage.get_modified_time(name).timestamp())
        patch_cache_control(response, **settings.PAGE_CACHE_CONTROL)
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Only a live page has a PDF to offer (a preview of a page never published has none).
        if self.live and self.url:
            context["generated_outline"] = outline_pdf.link(self, self.url + self.reverse_subpage("outline_pdf"))
        return context

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
        with_file_sizes(documents.values())
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

    HOME_PAGE_TRAININGS = 4

    @classmethod
    def _on_home_page(cls, home_page):
        return cls.listing("country").descendant_of(home_page).annotate(last_day=Coalesce("end_date", "start_date"))

    @classmethod
    def _with_programmes(cls, trainings):
        """The trainings, each with its programme (what `standalone_title` names) fetched for all
        of them at once rather than one query per training."""
        trainings = list(trainings)
        parents = Page.objects.filter(path__in={training.path[: -cls.steplen] for training in trainings}).specific()
        by_path = {parent.path: parent for parent in parents}
        for training in trainings:
            training.programme = by_path[training.path[: -cls.steplen]]
        return trainings

    @classmethod
    def upcoming_below(cls, home_page):
        """The trainings still to come or under way (their last known day is today or later; for a
        training known only by its year, a later year), soonest first."""
        today = timezone.localdate()
        return cls._with_programmes(
            cls._on_home_page(home_page)
            .filter(Q(last_day__gte=today) | Q(last_day__isnull=True, year__gt=today.year))
            .order_by("year", F("start_date").asc(nulls_last=True), "path")[: cls.HOME_PAGE_TRAININGS]
        )

    @classmethod
    def recent_below(cls, home_page):
        """The trainings that have taken place, the latest first, by their own dates."""
        today = timezone.localdate()
        return cls._with_programmes(
            cls._on_home_page(home_page)
            .filter(Q(last_day__lt=today) | Q(last_day__isnull=True, year__lte=today.year))
            .order_by("-year", F("start_date").desc(nulls_last=True), "-path")[: cls.HOME_PAGE_TRAININGS]
        )

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The training cannot end before it starts.")})
        if self.start_date and self.start_date.year != self.year:
            raise ValidationError({"year": _("The year must be the year of the start date.")})


class TrainingCalendarPage(RoutablePageMixin, BasePage):
    """Every training of the programmes in one language, upcoming and past, with its iCalendar feed."""

    type_label = _("Training calendar")
    page_description = _(
        "The calendar of every training, upcoming and past, which readers filter by programme, country "
        "and year, with an iCalendar feed. One per language, under the home page."
    )

    parent_page_types = ["pompidou_site.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("training calendar page")

    def all_trainings(self):
        """The live, public trainings of this page's language below its home page, in one query
        (and one for their programmes), earliest first."""
        trainings = (
            TrainingOutlinePage.listing()
            .filter(locale_id=self.locale_id, path__startswith=self.path[: -self.steplen])
            .select_related("country")
        )
        # Sorted here: databases disagree on where a missing start date sorts.
        return sorted(BasePage.with_parents(trainings), key=lambda training: training.sort_key)

    def filtered(self, request):
        """(the filter form, the trainings its valid choices select). Values that are not among the
        choices, typed in the address or stale, are ignored rather than refused."""
        trainings = self.all_trainings()
        form = TrainingFilterForm(request.GET, trainings=trainings, holder=request)
        return form, form.apply(trainings)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        form, trainings = self.filtered(request)
        today = timezone.localdate()
        upcoming = [training for training in trainings if training.is_upcoming(today)]
        past = [training for training in reversed(trainings) if not training.is_upcoming(today)]
        context.update(
            filter_form=form,
            filtered=form.has_filters,
            language_switch_queries=self.filters_in_other_languages(form),
            upcoming_trainings=upcoming,
            past_trainings=past,
            ics_url=self.get_url(request)
            + self.reverse_subpage("ics")
            + (f"?{form.query_string}" if form.query_string else ""),
        )
        return context

    def filters_in_other_languages(self, form):
        """The filters chosen, as the calendar of each other language names them, so that changing
        language keeps them: the country and year as they are, the programme by the slug of its
        translation (left out if it has none)."""
        selected = form.selected
        if not selected:
            return {}
        programme_slugs = {}
        programme = form.programmes.get(selected.get("programme"))
        if programme is not None:
            translations = programme.get_translations().live().select_related("locale")
            programme_slugs = {translation.locale.language_code: translation.slug for translation in translations}
        queries = {}
        for code, _name in settings.LANGUAGES:
            kept = {}
            for name, value in selected.items():
                if name != "programme":
                    kept[name] = value
                elif code in programme_slugs:
                    kept[name] = programme_slugs[code]
            queries[code] = urlencode(kept)
        return queries

    @path("ics/", name="ics")
    def ics(self, request):
        """The trainings whose days are known, the page's filters applied, as an iCalendar feed."""
        _form, trainings = self.filtered(request)
        return calendar_response(request, trainings, title=self.title, filename=self.slug)
