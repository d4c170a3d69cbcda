"""What pages say of themselves to sharing sites and search engines: Open Graph and Twitter card
tags on every page, and schema.org JSON-LD (Organization everywhere, BreadcrumbList below the home
page, Course and CourseInstance on training outlines), with nothing of drafts or private pages."""

import datetime
import json
from html.parser import HTMLParser

import pytest

from django.utils import translation

from wagtail.models import Page

from pompidou_site.models import HomePage, SiteSettings
from programmes.models import ProgrammePage
from trainings.models import TrainingOutlinePage

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(seeded):
    return ProgrammePage.objects.live().filter(locale__language_code="en").order_by("path").first()


@pytest.fixture
def home(seeded):
    return HomePage.objects.live().get(locale__language_code="en")


class HeadParser(HTMLParser):
    """The <meta> tags (property or name → list of contents) and the JSON-LD scripts of a page."""

    def __init__(self):
        super().__init__()
        self.meta = {}
        self.json_ld = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.setdefault(attrs.get("property") or attrs["name"], []).append(attrs.get("content"))
        self._in_json_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_endtag(self, tag):
        self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))


def head_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


def by_type(items):
    found = {}
    for item in items:
        found.setdefault(item["@type"], []).append(item)
    return found


def seeded_pages():
    return [page.specific for page in Page.objects.live().public().filter(depth__gte=2).order_by("path")]


def test_every_seeded_page_has_its_sharing_tags(client, seeded):
    pages = seeded_pages()
    assert {type(page).__name__ for page in pages} >= {
        "HomePage",
        "ProgrammeIndexPage",
        "ProgrammePage",
        "CountryProjectPage",
        "TrainingOutlinePage",
        "StandardPage",
        "FeedbackFormPage",
    }
    for page in pages:
        language = page.locale.language_code
        head = head_of(client, page.url)
        meta = head.meta
        with translation.override(language):
            assert meta["og:title"] == [page.standalone_title], page.url
            assert meta["og:description"] == [page.meta_description], page.url
        assert meta["og:url"] == [page.get_full_url()]
        assert meta["og:type"] == ["website" if page.depth == 2 else "article"]
        assert meta["og:locale"] == [{"en": "en_GB", "fr": "fr_FR"}[language]]
        other = {"en": "fr_FR", "fr": "en_GB"}[language]
        has_translation = page.get_translations().live().exists()
        assert meta.get("og:locale:alternate", []) == ([other] if has_translation else [])
        assert meta["og:site_name"] == [{"en": "Pompidou Group", "fr": "Groupe Pompidou"}[language]]
        assert meta["twitter:card"] == ["summary"]
        # The seed has no listing images: no image is made up.
        assert "og:image" not in meta

        items = by_type(head.json_ld)
        (organization,) = items["Organization"]
        assert organization["@context"] == "https://schema.org"
        assert organization["name"] == meta["og:site_name"][0]
        assert (
            organization["parentOrganization"]["name"]
            == {"en": "Council of Europe", "fr": "Conseil de l’Europe"}[language]
        )
        assert organization["url"] == f"https://www.coe.int/{language}/web/pompidou"
        if page.depth > 2:
            (breadcrumbs,) = items["BreadcrumbList"]
            trail = breadcrumbs["itemListElement"]
            assert [item["position"] for item in trail] == list(range(1, len(trail) + 1))
            assert trail[0]["name"] == {"en": "Home", "fr": "Accueil"}[language]
            assert trail[-1] == {
                "@type": "ListItem",
                "position": len(trail),
                "name": page.title,
                "item": page.get_full_url(),
            }
            assert len(trail) == page.depth - 1
        else:
            assert "BreadcrumbList" not in items
        assert ("Course" in items) == isinstance(page, TrainingOutlinePage)


EXPECTED_COURSES = {
    # Title of the seeded English page: (startDate, endDate, place, country code).
    "2010 pilot course in Warsaw": ("2010-05", None, "Warsaw", "PL"),
    "2008 course in Amsterdam": ("2008-08", None, "Amsterdam", "NL"),
    "2009 course in Amsterdam": ("2009-08", None, "Amsterdam", "NL"),
    "Life-skills seminars in Zaporozhye, 2007–2008": ("2007", "2008", "Zaporozhye", "UA"),
}


def test_training_outlines_are_courses_with_their_instance(client, seeded):
    found = {}
    for page in TrainingOutlinePage.objects.live().filter(locale__language_code="en"):
        head = head_of(client, page.url)
        (course,) = by_type(head.json_ld)["Course"]
        (organization,) = by_type(head.json_ld)["Organization"]
        assert course["name"] == page.standalone_title
        assert course["url"] == page.get_full_url()
        assert course["inLanguage"] == "en"
        assert course["provider"] == {"@id": organization["@id"]}
        (instance,) = course["hasCourseInstance"]
        assert instance["@type"] == "CourseInstance"
        assert instance["startDate"] == page.iso_dates["start"]
        organisers = [partner.name for partner in page.organisers.all()]
        assert [organizer["name"] for organizer in instance.get("organizer", [])] == sorted(organisers)
        found[page.title] = (
            instance["startDate"],
            instance.get("endDate"),
            instance.get("location", {}).get("address", {}).get("addressLocality"),
            instance.get("location", {}).get("address", {}).get("addressCountry"),
        )
    for title, expected in EXPECTED_COURSES.items():
        assert found[title] == expected, title


def test_a_french_course_names_its_place_and_organisers_in_french(client, seeded):
    page = TrainingOutlinePage.objects.live().get(locale__language_code="fr", year=2010, city="Varsovie")
    (course,) = by_type(head_of(client, page.url).json_ld)["Course"]
    assert course["inLanguage"] == "fr"
    instance = course["hasCourseInstance"][0]
    assert instance["location"]["name"] == "Varsovie, Pologne"
    assert instance["organizer"] == [
        {"@type": "Organization", "name": "Bureau national polonais de prévention de la toxicomanie"}
    ]


def test_dates_known_to_the_day_give_the_days(client, programme):
    training = factories.TrainingOutlinePageFactory(
        parent=programme,
        year=2013,
        start_date=datetime.date(2013, 4, 28),
        end_date=datetime.date(2013, 5, 2),
        date_precision="day",
    )
    one_day = factories.TrainingOutlinePageFactory(
        parent=programme, year=2014, start_date=datetime.date(2014, 3, 3), date_precision="day"
    )
    (course,) = by_type(head_of(client, training.url).json_ld)["Course"]
    assert course["hasCourseInstance"][0]["startDate"] == "2013-04-28"
    assert course["hasCourseInstance"][0]["endDate"] == "2013-05-02"
    (course,) = by_type(head_of(client, one_day.url).json_ld)["Course"]
    # A one-day training ends the day it starts.
    assert course["hasCourseInstance"][0]["endDate"] == "2014-03-03"


def test_views_that_are_not_pages_have_the_tags_and_the_organization(client, seeded):
    views = [("/en/countries/", "Where we work"), ("/fr/pays/", "Où nous travaillons"), ("/en/search/", "Search")]
    for url, title in views:
        head = head_of(client, url)
        assert head.meta["og:title"] == [title]
        assert head.meta["og:url"] == [f"http://testserver{url}"]
        assert head.meta["twitter:card"] == ["summary"]
        assert [item["@type"] for item in head.json_ld] == ["Organization"]


def test_a_listing_image_is_shared_as_the_og_image(client, home):
    image = factories.CustomImageFactory(description="Prison doctors at a training session")
    page = factories.StandardPageFactory(parent=home, title="With a picture", listing_image=image)
    meta = head_of(client, page.url).meta
    (url,) = meta["og:image"]
    assert url.startswith("http://testserver/media/images/")
    # The factory's image is 120 × 80: cropped to the shared ratio, never enlarged.
    width, height = int(meta["og:image:width"][0]), int(meta["og:image:height"][0])
    assert width <= 120 and abs(width / height - 1200 / 630) < 0.05
    assert meta["og:image:alt"] == ["Prison doctors at a training session"]
    assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_the_contact_email_from_the_site_settings_is_given(client, programme):
    settings = SiteSettings.for_site(programme.get_site())
    settings.contact_email = "pompidou.group@example.org"
    settings.save()
    (organization,) = by_type(head_of(client, programme.url).json_ld)["Organization"]
    assert organization["email"] == "pompidou.group@example.org"


HOSTILE_TITLE = '</script><script>alert("x")</script><!-- & "quoted"'


def test_titles_cannot_break_out_of_the_json_ld(client, programme):
    page = factories.TrainingOutlinePageFactory(parent=programme, year=2016, title=HOSTILE_TITLE)
    html = client.get(page.url).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "\\u003C/script\\u003E" in html
    head = HeadParser()
    head.feed(html)
    items = by_type(head.json_ld)
    assert items["Course"][0]["name"].startswith(HOSTILE_TITLE)
    assert items["BreadcrumbList"][0]["itemListElement"][-1]["name"] == HOSTILE_TITLE
    assert head.meta["og:title"][0].startswith(HOSTILE_TITLE)


def test_drafts_and_private_pages_appear_in_no_tags(client, home, programme):
    french = HomePage.objects.get(locale__language_code="fr").locale
    # The French translation is a draft: no og:locale:alternate points at it.
    page = factories.StandardPageFactory(parent=home, title="English only for now")
    draft = page.copy_for_translation(french)
    draft.title = "Brouillon secret"
    draft.save_revision()
    head = head_of(client, page.url)
    assert "og:locale:alternate" not in head.meta
    assert "Brouillon secret" not in json.dumps(head.json_ld)
    # A draft child leaves no trace on its published parent.
    factories.TrainingOutlinePageFactory(parent=programme, year=2017, title="Secret draft", live=False)
    html = client.get(programme.url).content.decode()
    assert "Secret draft" not in html


def test_the_tags_follow_each_change_at_once(client, programme, settings):
    """Whole pages not cached: a page's tags are worked out once per change of content, never kept past one."""
    settings.PAGE_CACHE_ENABLED = False
    assert head_of(client, programme.url).meta["og:title"] == [programme.standalone_title]
    programme.title = "Drugs in Prisons, renewed"
    programme.save_revision().publish()
    head = head_of(client, programme.url)
    assert head.meta["og:title"] == [ProgrammePage.objects.get(pk=programme.pk).standalone_title]
    assert "Drugs in Prisons, renewed" in head.meta["og:title"][0]
    site_settings = SiteSettings.for_site(programme.get_site())
    site_settings.contact_email = "pompidou.group@example.org"
    site_settings.save()
    (organization,) = by_type(head_of(client, programme.url).json_ld)["Organization"]
    assert organization["email"] == "pompidou.group@example.org"
