"""What every section of the site shares: media models, taxonomy, settings and the base page."""

import logging
from http import HTTPMethod
from smtplib import SMTPException

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractFormField, EmailFormMixin, FormMixin
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.documents.models import AbstractDocument, Document
from wagtail.fields import RichTextField, StreamField
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from .blocks import body_blocks
from .documents import public_documents, with_file_sizes
from .forms import FeedbackFormBuilder
from .page_cache import cached_until_content_changes
from .sections import home_sections
from .structured_data import page_breadcrumbs
from .taxonomy import (
    alphabetical,  # noqa: F401 (the sort key, where names are sorted)
    of_page,
    taxonomy_field_names,
)

logger = logging.getLogger(__name__)


class CustomImage(AbstractImage):
    admin_form_fields = Image.admin_form_fields

    def clean(self):
        super().clean()
        # The description is the image's default alternative text: it must say what the image shows.
        from .blocks import ALT_TEXT_REPEATS_NAME, alt_text_repeats_name

        if alt_text_repeats_name(self.description, self):
            raise ValidationError({"description": ALT_TEXT_REPEATS_NAME})


class CustomRendition(AbstractRendition):
    image = models.ForeignKey(CustomImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class CustomDocument(AbstractDocument):
    """A document that knows its language, so a page can say when a download is not in the reader's."""

    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.WAGTAIL_CONTENT_LANGUAGES,
        blank=True,
        help_text=_("The language the document is written in. Leave blank if it has no text or several languages."),
    )

    # What the search reads inside the file, filled by the worker (pompidou_site/document_text.py).
    text = models.TextField(_("text"), blank=True, editable=False)
    text_source_hash = models.CharField(
        _("hash of the file the text was read from"), max_length=40, blank=True, editable=False
    )

    admin_form_fields = (*Document.admin_form_fields, "language")
    search_fields = [
        *AbstractDocument.search_fields,
        index.SearchField("text"),
        index.FilterField("language"),
        index.FilterField("collection_id"),
    ]

    def clean(self):
        # Imported here: the upload module builds on Wagtail's admin forms, loaded after the models.
        from .uploads import check_document_content

        super().clean()  # Wagtail's extension allow-list
        if self.file and not self.file._committed:  # a file being uploaded, not one already stored
            check_document_content(self.file)

    @property
    def is_public(self):
        """False for a document in a restricted collection ("Secretariat only"): never listed or linked."""
        from .documents import is_public_document

        return is_public_document(self)

    @property
    def file_type(self):
        """The extension in capitals, as readers know it: PDF, DOCX."""
        return self.file_extension.upper()


class Country(TranslatableMixin, index.Indexed, models.Model):
    class Region(models.TextChoices):
        EUROPE = "europe", _("Europe")
        MENA = "mena", _("Middle East and North Africa")

    name = models.CharField(
        _("name"), max_length=100, help_text=_("The country’s usual name, such as Republic of Moldova.")
    )
    iso_code = models.CharField(
        _("ISO 3166-1 code"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Two capital letters, such as MD for Moldova."))],
        help_text=_("The two-letter code of ISO 3166-1, such as MD for the Republic of Moldova."),
    )
    region = models.CharField(
        _("region"),
        max_length=16,
        choices=Region.choices,
        help_text=_("The region under which the country is listed."),
    )

    panels = [FieldPanel("name"), FieldPanel("iso_code"), FieldPanel("region")]
    # A country's code and region are facts, not words: every language's version copies them.
    override_translatable_fields = [
        SynchronizedField("iso_code", overridable=False),
        SynchronizedField("region", overridable=False),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("iso_code"),
        index.FilterField("region"),
        index.FilterField("locale_id"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["iso_code", "locale"], name="unique_country_code_per_locale"),
        ]

    def __str__(self):
        return self.name


class Partner(TranslatableMixin, index.Indexed, models.Model):
    class Kind(models.TextChoices):
        NATIONAL_AUTHORITY = "national_authority", _("National authority")
        INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
        RESEARCH = "research", _("Research network or society")
        NGO = "ngo", _("Non-governmental organisation")
        OTHER = "other", _("Other")

    name = models.CharField(
        _("name"),
        max_length=255,
        help_text=_(
            "The organisation’s full name, as it writes it, such as Polish National Office of Drug Prevention."
        ),
    )
    website = models.URLField(
        _("website"), blank=True, help_text=_("Optional. The full address of its website, starting with https://.")
    )
    kind = models.CharField(
        _("kind"),
        max_length=32,
        choices=Kind.choices,
        default=Kind.OTHER,
        help_text=_("What sort of organisation it is."),
    )

    panels = [FieldPanel("name"), FieldPanel("website"), FieldPanel("kind")]
    # The website is copied but a translator may give the partner's address in that language;
    # the kind is a classification and stays the same everywhere.
    override_translatable_fields = [
        SynchronizedField("website"),
        SynchronizedField("kind", overridable=False),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("kind"),
        index.FilterField("locale_id"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self):
        return self.name


class FooterText(TranslatableMixin, models.Model):
    """What the footer says in each language: its text, the postal address, and the address of the
    Group's website in that language. Translated like any snippet; language-neutral contact details
    (e-mail, telephone, social networks) are site settings."""

    body = RichTextField(
        _("footer text"),
        features=["bold", "italic", "link"],
        help_text=_("A few words shown at the bottom of every page in this language."),
    )
    postal_address = models.TextField(
        _("postal address"), blank=True, help_text=_("Optional. One line per line of the address.")
    )
    website_url = models.URLField(
        _("organisation website"),
        blank=True,
        help_text=_("The Group’s main website in this language, linked from the footer."),
    )

    panels = [FieldPanel("body"), FieldPanel("postal_address"), FieldPanel("website_url")]
    # wagtail-localize would copy an address field from the English footer on every sync; this one
    # differs by language, so translators give it like a string (the French site's address).
    override_translatable_fields = [TranslatableField("website_url")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("footer text")
        verbose_name_plural = _("footer texts")

    def __str__(self):
        return str(_("Footer text ({language})")).format(language=self.locale.get_display_name())


SOCIAL_LINK_HELP = _("Optional. The full address of the Group’s page there; leave blank to show no link.")


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    contact_email = models.EmailField(
        _("contact e-mail"), blank=True, help_text=_("The secretariat’s address, shown in the footer.")
    )
    contact_phone = models.CharField(
        _("contact telephone"),
        max_length=40,
        blank=True,
        help_text=_("With the country code, such as +33 3 88 41 20 00."),
    )
    x_url = models.URLField(_("X (Twitter)"), blank=True, help_text=SOCIAL_LINK_HELP)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True, help_text=SOCIAL_LINK_HELP)
    youtube_url = models.URLField(_("YouTube"), blank=True, help_text=SOCIAL_LINK_HELP)
    facebook_url = models.URLField(_("Facebook"), blank=True, help_text=SOCIAL_LINK_HELP)
    accessibility_statement = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("accessibility statement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The page linked from every page’s footer as the accessibility statement. Choose the "
            "default language’s page: readers get its translation in their language."
        ),
    )

    panels = [
        MultiFieldPanel([FieldPanel("contact_email"), FieldPanel("contact_phone")], heading=_("Contact")),
        MultiFieldPanel(
            [
                FieldPanel("x_url"),
                FieldPanel("linkedin_url"),
                FieldPanel("youtube_url"),
                FieldPanel("facebook_url"),
            ],
            heading=_("Links"),
        ),
        FieldPanel("accessibility_statement"),
    ]

    class Meta:
        verbose_name = _("site settings")

    @property
    def social_links(self):
        links = [
            (_("X (Twitter)"), self.x_url),
            (_("LinkedIn"), self.linkedin_url),
            (_("YouTube"), self.youtube_url),
            (_("Facebook"), self.facebook_url),
        ]
        return [(label, url) for label, url in links if url]


class PeriodMixin(models.Model):
    """A period in whole years, shown as far as it is known: "2007–2008"; "since 2010" only when
    it is known to be still running; otherwise the year it began, as that ("Launched: 2010")."""

    start_year = models.PositiveSmallIntegerField(
        _("start year"), null=True, blank=True, help_text=_("Optional. The year it began, such as 2011.")
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"), null=True, blank=True, help_text=_("Optional. The year it ended, if it has ended.")
    )
    still_running = models.BooleanField(
        _("still running"),
        default=False,
        help_text=_(
            "Tick only if it is known to run still: readers then see “since 2011”. Otherwise they see the "
            "years known, or the year it began."
        ),
    )

    period_panel = MultiFieldPanel(
        [FieldRowPanel([FieldPanel("start_year"), FieldPanel("end_year")]), FieldPanel("still_running")],
        heading=_("Period"),
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The end year cannot come before the start year.")})
        if self.still_running and self.end_year:
            raise ValidationError({"still_running": _("A period that has ended is not still running.")})
        if self.still_running and not self.start_year:
            raise ValidationError({"start_year": _("Give the year it began, to say it has run since then.")})

    @property
    def period_fact(self):
        """(label, text) of the period as far as it is known, or None: ("Period", "2007–2008"),
        ("Period", "since 2010") if still running, ("Launched", "2010") if that is all that is known."""
        start, end = self.start_year, self.end_year
        if start and end:
            return _("Period"), str(start) if start == end else f"{start}–{end}"
        if start and self.still_running:
            return _("Period"), str(_("since {year}")).format(year=start)
        if start:
            return _("Launched"), str(start)
        if end:
            return _("Ended"), str(end)
        return None

    @staticmethod
    def in_year(queryset, year):
        """The objects of `queryset` whose period includes `year` (a running one: up to now)."""
        return queryset.filter(start_year__lte=year).filter(
            models.Q(end_year__gte=year) | models.Q(end_year__isnull=True, start_year__lte=timezone.now().year)
        )

    @staticmethod
    def years_of(queryset):
        """Every year a period of `queryset` covers, up to this year for those still running."""
        this_year = timezone.now().year
        years = set()
        for start, end in queryset.values_list("start_year", "end_year"):
            if start:
                years.update(range(start, (end or max(start, this_year)) + 1))
        return years

    @property
    def period(self):
        """The period's text ("2007–2008", "since 2010", "2010"), "" if nothing is known."""
        fact = self.period_fact
        return fact[1] if fact else ""

    @property
    def period_label(self):
        """What the period's text is: "Period", "Launched" or "Ended"."""
        fact = self.period_fact
        return fact[0] if fact else ""


@cached_until_content_changes
def _specific_page_at(holder, path):
    return Page.objects.filter(path=path).specific().first()


class BasePage(Page):
    """What every page of the site has. Page types add only what is their own."""

    introduction = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("A short summary shown at the top of the page and, unless overridden, in listings."),
    )
    listing_image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("listing image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Optional. A picture shown beside this page where it is listed. It is decorative there: "
            "its alternative text is not read out."
        ),
    )
    listing_summary = models.CharField(
        _("listing summary"),
        max_length=300,
        blank=True,
        help_text=_("Optional. Replaces the introduction where this page is listed."),
    )
    last_reviewed = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_(
            "The day someone last checked that this page is still correct. Pages not reviewed for a "
            "year are listed on the dashboard."
        ),
    )

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    # Wagtail's own panels, with help in plain words instead of its technical slug description.
    promote_panels = [
        MultiFieldPanel(
            [
                FieldPanel(
                    "slug",
                    help_text=_(
                        "The last part of the page’s web address, in lower case with hyphens, such as "
                        "“drugs-in-prisons”. Changing it on a published page keeps the old address working."
                    ),
                ),
                FieldPanel(
                    "seo_title",
                    help_text=_(
                        "Optional. A title for search engines and browser tabs, if the page title is too long."
                    ),
                ),
                FieldPanel(
                    "search_description",
                    help_text=_("Optional. One or two sentences shown under the title in search engines’ results."),
                ),
            ],
            heading=_("For search engines"),
        ),
        MultiFieldPanel(
            [FieldPanel("show_in_menus", help_text=_("Tick to list this page in the site’s main menu."))],
            heading=_("For site menus"),
        ),
        MultiFieldPanel([FieldPanel("listing_image"), FieldPanel("listing_summary")], heading=_("Listings")),
    ]
    settings_panels = [*Page.settings_panels, FieldPanel("last_reviewed")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("introduction"),
        index.SearchField("listing_summary"),
    ]

    class Meta:
        abstract = True

    # Pages are read: a POST (or PUT, DELETE...) to a page without a form is answered 405 with the
    # methods it takes (middleware.PageMethodMiddleware), never a form error. Form pages add POST.
    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.OPTIONS]
    # What a reader calls this kind of page, in search results; its verbose name if not set.
    type_label = None
    # Whether a publication of this kind of page is news for the feeds' subscribers (the
    # programmes' work); utility pages (statements, forms, indexes) are not.
    announced_in_feeds = False
    # A template shown under the page's title on its listing card (given the page as `project`), if any.
    card_badge_template = None
    # The open data API's filters of this page type: query parameter -> function(queryset, value)
    # returning the filtered queryset, or raising ValueError for a malformed value (pompidou_site/api.py).
    # What the API shows of the page is Wagtail's `api_fields`.
    api_filters = {}

    @classmethod
    def listing(cls, *taxonomy_fields):
        """The live, public pages of this type as every listing shows them, in one query (and one per
        prefetched relation, whatever the number of pages): listing image and its renditions, and
        the taxonomy fields named, fetched with them; streams deferred."""
        return (
            cls.objects.live()
            .public()
            .defer_streamfields()
            .select_related("listing_image")
            .prefetch_related(*taxonomy_fields, "listing_image__renditions")
        )

    @property
    def listing_text(self):
        return self.listing_summary or self.introduction

    # The patterns of site.css (`.pattern--0` to `.pattern--5`), a card's visual when it has no image.
    CARD_PATTERNS = 6

    @property
    def card_pattern_path(self):
        """The tree path whose last step picks the card's pattern: the page's own by default."""
        return self.path

    @property
    def card_pattern(self):
        """Which pattern stands for this page on a card: its place among its siblings, so that
        siblings differ and a page and its translations (created in their source's order) match."""
        step = self.card_pattern_path[-self.steplen :]
        return int(step, 36) % self.CARD_PATTERNS

    @property
    def parent_page(self):
        """The parent page, specific: the one `with_parents` fetched for a whole listing, if it did,
        else the one at the parent's path until the content changes (a move is a change: a page
        moved since is never given its old parent)."""
        if "_parent_page" in self.__dict__:
            return self._parent_page
        if not self.path or self.depth <= 1:
            return None
        return _specific_page_at(None, self.path[: -self.steplen])

    @staticmethod
    def with_current_renditions(pages):
        """`pages` (from `listing`) with their listing images' renditions read again, in one query.

        For listings kept among the fragments: renditions are made when a page is first shown,
        which is no change of content, so those prefetched with the kept pages may be missing
        some, and Wagtail would then look each one up on its own."""
        images = [page.listing_image for page in pages if page.listing_image_id and page.listing_image]
        for image in images:
            getattr(image, "_prefetched_objects_cache", {}).pop("renditions", None)
        models.prefetch_related_objects(images, "renditions")
        return pages

    @staticmethod
    def with_parents(pages):
        """`pages` as a list, each given its parent (`parent_page`), fetched for all of them at once.

        For listings that show `standalone_title`, which names the parent on some page types: one
        query for the parents, and one per page type among them, whatever the number of pages.
        """
        pages = list(pages)
        parent_paths = {page.path[: -Page.steplen] for page in pages if page.depth > 1}
        parents = {parent.path: parent for parent in Page.objects.filter(path__in=parent_paths).specific()}
        for page in pages:
            page._parent_page = parents.get(page.path[: -Page.steplen])
        return pages

    @staticmethod
    def with_title_parents(pages):
        """`pages` as a list, those whose `standalone_title` names their parent given it: taken from
        `pages` themselves where it is among them (a programme and its projects in one feed), else
        fetched for all the others at once (`with_parents`). Pages whose title stands alone are left
        to look their parent up if ever they need it."""
        pages = list(pages)
        by_path = {page.path: page for page in pages}
        missing = []
        for page in pages:
            if type(page).standalone_title is BasePage.standalone_title:
                continue
            parent = by_path.get(page.path[: -Page.steplen])
            if parent is not None:
                page._parent_page = parent
            else:
                missing.append(page)
        if missing:
            BasePage.with_parents(missing)
        return pages

    def load_named_taxonomy(self):
        """Load the countries and partners the page names, each field once: a copy of the page kept
        in the page cache (shared_lookups) then holds them, and showing it costs no query for them."""
        for model in (Country, Partner):
            for field_name in taxonomy_field_names(type(self), model):
                of_page(self, field_name)
        return self

    def get_view_restrictions(self):
        """Wagtail's, from the restrictions cached until the content changes (pompidou_site/shared_lookups.py)."""
        from .shared_lookups import view_restrictions

        restrictions = view_restrictions(self)
        return super().get_view_restrictions() if restrictions is None else restrictions

    @property
    def standalone_title(self):
        """The title as it reads away from its place in the tree: in feeds, search results, the
        calendar, shared links and the page's own heading. Page types whose title only makes sense
        under their parent ("Ukraine" under "Drugs in Prisons") name the parent too."""
        return self.title

    def document_facts(self):
        """What a document generated from this page lists under its title, as the page shows it.

        (label, text) pairs in the active language; page types with facts (dates, place, period...)
        give them, formatted by the same properties their templates use.
        """
        return []

    @property
    def meta_description(self):
        return self.search_description or self.listing_text

    def structured_data(self, request):
        """The schema.org items (dicts) this page adds to the site's Organization, as JSON-LD: its
        BreadcrumbList below the home page. Page types add their own (a training's Course)."""
        breadcrumbs = page_breadcrumbs(self, request)
        return [breadcrumbs] if breadcrumbs else []


BODY_HELP = _("The text of the page: add headings, paragraphs, images, quotes, documents and links with the + button.")


class HomePage(BasePage):
    type_label = _("Home page")
    page_description = _("The home page of a language: the programmes and the latest updates.")
    body = StreamField(body_blocks(), blank=True, verbose_name=_("body"), help_text=BODY_HELP)

    content_panels = [*BasePage.content_panels, FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]

    # One home page per language, each at the root: translations are siblings there, so a
    # plain max_count would forbid the French home page.
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "programmes.ProgrammeIndexPage",
        "trainings.TrainingCalendarPage",
        "pompidou_site.StandardPage",
        "pompidou_site.FeedbackFormPage",
    ]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        today = timezone.localdate().isoformat()  # Upcoming and recent trainings change with the date.
        sections = [
            {
                "section": section,
                "pages": _home_section_pages(request, self.pk, section.key, today, home=self, section=section),
            }
            for section in home_sections()
        ]
        # The cards' image renditions, for every section in one query.
        self.with_current_renditions([page for listed in sections for page in listed["pages"]])
        context["sections"] = [listed for listed in sections if listed["section"].layout != "column"]
        context["column_sections"] = [listed for listed in sections if listed["section"].layout == "column"]
        context["latest_documents"] = _latest_documents(request, self.pk, home=self)
        return context

    HOME_DOCUMENTS = 5

    def latest_documents(self):
        """The documents most recently added that the public may download, in this home page's
        language or in none. Shown without a date: a document's upload date may be the day the
        site was seeded, not when the document was published."""
        documents = CustomDocument.objects.filter(models.Q(language=self.locale.language_code) | models.Q(language=""))
        return list(public_documents(documents).order_by("-created_at", "-pk")[: self.HOME_DOCUMENTS])


@cached_until_content_changes
def _latest_documents(request, home_pk, *, home):
    return with_file_sizes(home.latest_documents())


@cached_until_content_changes
def _home_section_pages(request, home_pk, section_key, today, *, home, section):
    """The pages a home page section lists, looked up once per change of content (and per day)."""
    return list(section.pages(home))


class StandardPage(BasePage):
    type_label = _("Page")
    page_description = _("A page of text, such as the accessibility statement or an about page.")
    body = StreamField(body_blocks(), blank=True, verbose_name=_("body"), help_text=BODY_HELP)

    content_panels = [*BasePage.content_panels, FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]

    parent_page_types = ["pompidou_site.HomePage", "pompidou_site.StandardPage"]
    subpage_types = ["pompidou_site.StandardPage", "pompidou_site.FeedbackFormPage"]

    class Meta:
        verbose_name = _("standard page")


class FeedbackFormField(TranslatableMixin, AbstractFormField):
    """One field of a feedback form. Translatable, so that wagtail-localize offers its label, help
    text, choices and default to translators and keeps the French wording when the English form is
    synced, instead of copying the English fields over the French ones."""

    page = ParentalKey("FeedbackFormPage", on_delete=models.CASCADE, related_name="form_fields")

    # What the field is, and the key its answers are stored under, are the same in every language.
    override_translatable_fields = [
        SynchronizedField("clean_name", overridable=False),
        SynchronizedField("field_type", overridable=False),
        SynchronizedField("required", overridable=False),
    ]

    class Meta(TranslatableMixin.Meta, AbstractFormField.Meta):
        pass


class FeedbackFormPage(EmailFormMixin, FormMixin, BasePage):
    """A form through which visitors write to the secretariat, such as to report an accessibility
    problem. Submissions are kept in the admin (Forms) and, when an address is set, e-mailed."""

    type_label = _("Form")
    page_description = _("A form for visitors to write to the secretariat, such as to report a problem.")
    allowed_http_methods = [*BasePage.allowed_http_methods, HTTPMethod.POST]
    form_builder = FeedbackFormBuilder
    body = StreamField(body_blocks(), blank=True, verbose_name=_("body"), help_text=BODY_HELP)
    thank_you_text = models.TextField(
        _("thank-you text"),
        blank=True,
        help_text=_("Shown to the visitor once the form is sent, such as “Thank you, we will reply within a week.”"),
    )

    content_panels = [
        *BasePage.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("body"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("E-mail the submissions (optional)"),
        ),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    # An address list, not words: copied from the English form unless a translator sets another.
    override_translatable_fields = [SynchronizedField("to_address")]

    parent_page_types = ["pompidou_site.HomePage", "pompidou_site.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("feedback form page")

    def send_mail(self, form):
        # Without an address the submission is only stored, which is enough for the admin.
        if not self.to_address:
            return
        try:
            super().send_mail(form)
        except (OSError, SMTPException):
            # The submission is already stored: the visitor is thanked, the secretariat reads it in
            # the admin, and the operator learns from the log that mail is failing.
            logger.exception("Could not e-mail the submission of form page %s", self.pk)


class DocumentDownloadCount(models.Model):
    """How many times a public document was downloaded in one month, from the site in one language.

    Only counts: no cookie, no address, no user agent, nothing that says who downloaded. The
    language is that of the pages the visitor came from, blank when it is not known.
    """

    document = models.ForeignKey(
        settings.WAGTAILDOCS_DOCUMENT_MODEL,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="download_counts",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month counted."))
    language = models.CharField(_("language"), max_length=8, choices=settings.WAGTAIL_CONTENT_LANGUAGES, blank=True)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("document download count")
        verbose_name_plural = _("document download counts")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "month", "language"], name="unique_download_count_per_document_month_language"
            ),
        ]

    def __str__(self):
        return f"{self.document} {self.month:%Y-%m} {self.language or '-'}: {self.downloads}"


class UsedFormToken(models.Model):
    """The nonce of a public form's signed token, recorded when the form is accepted, so that the
    same token cannot store a second submission. Kept in the database, not the cache: a cache that
    is flushed or down would let replays through. Rows outlive the token's own validity, then go."""

    nonce = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("used form token")

    def __str__(self):
        return self.nonce

    @classmethod
    def use(cls, nonce, keep_for):
        """Record the nonce; False if it was already used. `keep_for` is how long a token is valid."""
        cls.objects.filter(used_at__lt=timezone.now() - keep_for).delete()
        try:
            with transaction.atomic():
                cls.objects.create(nonce=nonce)
        except IntegrityError:
            return False
        return True
