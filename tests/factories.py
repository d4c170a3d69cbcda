"""Test data: one factory per model the site defines, built on wagtail-factories.

Pages are published through a revision, as an editor would publish them, so that
`last_published_at` and the revision history are what the site sees in production.
Pass `live=False` for a draft.
"""

import datetime
import io
import string

import factory
import wagtail_factories
from factory.django import DjangoModelFactory
from pypdf import PdfWriter

from django.conf import settings
from django.utils.text import slugify

from wagtail.models import Collection, Locale, Page

from pompidou_site.models import Country, CustomDocument, CustomImage, FeedbackFormPage, HomePage, Partner, StandardPage
from programmes.models import CountryProjectPage, ProgrammeIndexPage, ProgrammePage
from trainings.models import TrainingCalendarPage, TrainingOutlinePage


def default_locale():
    return Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)[0]


def root_collection():
    return Collection.get_first_root_node()


def pdf_bytes():
    """A small but real PDF: one blank page, readable by any PDF reader."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def two_letter_code(number):
    letters = string.ascii_uppercase
    return letters[(number // 26) % 26] + letters[number % 26]


class LocaleFactory(DjangoModelFactory):
    language_code = "fr"

    class Meta:
        model = Locale
        django_get_or_create = ("language_code",)


class CountryFactory(DjangoModelFactory):
    # Starts at "ZA" and counts on, so that generated codes stay clear of the handful of real
    # codes (MD, RO, UA...) a test may create by hand.
    iso_code = factory.Sequence(lambda n: two_letter_code(n + 25 * 26))
    name = factory.LazyAttribute(lambda obj: f"Country {obj.iso_code}")
    region = Country.Region.EUROPE
    locale = factory.LazyFunction(default_locale)

    class Meta:
        model = Country


class PartnerFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Partner organisation {n}")
    website = factory.Sequence(lambda n: f"https://partner-{n}.example.org/")
    kind = Partner.Kind.NATIONAL_AUTHORITY
    locale = factory.LazyFunction(default_locale)

    class Meta:
        model = Partner


class CustomDocumentFactory(wagtail_factories.DocumentFactory):
    title = factory.Sequence(lambda n: f"Training outline {n}")
    file = factory.django.FileField(filename="training-outline.pdf", from_func=lambda: io.BytesIO(pdf_bytes()))
    collection = factory.LazyFunction(root_collection)
    language = "en"

    class Meta:
        model = CustomDocument


class CustomImageFactory(wagtail_factories.ImageFactory):
    title = factory.Sequence(lambda n: f"Image {n}")
    file = factory.django.ImageField(width=120, height=80, color="blue")
    collection = factory.LazyFunction(root_collection)

    class Meta:
        model = CustomImage


class BasePageFactory(wagtail_factories.PageFactory):
    """Publishes through a revision unless created with `live=False`."""

    introduction = factory.LazyAttribute(lambda obj: f"Introduction to {obj.title}.")

    class Meta:
        abstract = True
        # The publish hook saves through the revision; a second save would only repeat it.
        skip_postgeneration_save = True

    @factory.post_generation
    def publish(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the instance
        if not create:
            return
        revision = obj.save_revision()
        if obj.live:
            revision.publish()
            obj.refresh_from_db()


class HomePageFactory(BasePageFactory):
    title = "Pompidou Group training"
    slug = factory.Sequence(lambda n: f"home-{n}")

    class Meta:
        model = HomePage

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # A home page lives at the root of the tree, beside the other languages' home pages.
        if kwargs.get("parent") is None:
            kwargs["parent"] = Page.get_first_root_node()
        return super()._create(model_class, *args, **kwargs)


class StandardPageFactory(BasePageFactory):
    title = factory.Sequence(lambda n: f"About the training {n}")
    parent = factory.SubFactory(HomePageFactory)

    class Meta:
        model = StandardPage


class FeedbackFormPageFactory(BasePageFactory):
    title = factory.Sequence(lambda n: f"Report a problem {n}")
    parent = factory.SubFactory(StandardPageFactory)
    thank_you_text = "Thank you."

    class Meta:
        model = FeedbackFormPage


class ProgrammeIndexPageFactory(BasePageFactory):
    title = "Programmes"
    slug = "programmes"
    parent = factory.SubFactory(HomePageFactory)

    class Meta:
        model = ProgrammeIndexPage


class ProgrammePageFactory(BasePageFactory):
    title = factory.Sequence(lambda n: f"Executive training programme {n}")
    parent = factory.SubFactory(ProgrammeIndexPageFactory)
    start_year = 2010

    class Meta:
        model = ProgrammePage


class CountryProjectPageFactory(BasePageFactory):
    title = factory.Sequence(lambda n: f"Preventing drug abuse in prisons, project {n}")
    parent = factory.SubFactory(ProgrammePageFactory)
    status = CountryProjectPage.Status.ONGOING
    # modelcluster takes parental many-to-many values in the constructor and saves them with the page.
    countries = factory.LazyFunction(lambda: [CountryFactory()])

    class Meta:
        model = CountryProjectPage


class TrainingOutlinePageFactory(BasePageFactory):
    year = 2012
    title = factory.LazyAttribute(lambda obj: f"Training outline {obj.year}")
    slug = factory.LazyAttribute(lambda obj: slugify(obj.title))
    parent = factory.SubFactory(ProgrammePageFactory)
    start_date = factory.LazyAttribute(lambda obj: datetime.date(obj.year, 5, 1))
    date_precision = "month"
    city = "Warsaw"

    class Meta:
        model = TrainingOutlinePage


class TrainingCalendarPageFactory(BasePageFactory):
    title = "Training calendar"
    slug = "training-calendar"
    parent = factory.SubFactory(HomePageFactory)

    class Meta:
        model = TrainingCalendarPage
