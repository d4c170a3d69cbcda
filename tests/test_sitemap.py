"""sitemap.xml: valid XML listing every public page, the country pages and the calendar, each with
its other languages' addresses and when it last changed; nothing a visitor may not see."""

import datetime
from unittest import mock

import pytest
from defusedxml.ElementTree import fromstring as parse_xml

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import Page, PageViewRestriction

from pompidou_site.sitemaps import SitemapXml

from . import factories
from .conftest import translate

pytestmark = pytest.mark.django_db

NAMESPACES = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = parse_xml(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    urls = {}
    for url in root.findall("s:url", NAMESPACES):
        location = url.find("s:loc", NAMESPACES).text
        assert location not in urls, f"{location} twice"
        lastmod = url.find("s:lastmod", NAMESPACES)
        urls[location] = {
            "lastmod": lastmod.text if lastmod is not None else None,
            "alternates": {link.get("hreflang"): link.get("href") for link in url.findall("x:link", NAMESPACES)},
        }
    return urls


def local_date(moment):
    """The date of `moment` in the site's time zone (Strasbourg's), as the sitemap gives it."""
    return timezone.localtime(moment).date().isoformat()


def test_every_url_has_a_last_modified_date(client, site_tree):
    # Published at 23:30 UTC: already the next day in Strasbourg, the site's time zone, whose
    # dates the site gives everywhere.
    published = datetime.datetime(2026, 5, 3, 23, 30, tzinfo=datetime.UTC)
    Page.objects.filter(pk=site_tree.programme.pk).update(last_published_at=published)
    urls = sitemap(client)
    assert urls
    for location, url in urls.items():
        assert url["lastmod"], f"{location} has no lastmod"
        datetime.date.fromisoformat(url["lastmod"])
    assert urls[site_tree.programme.get_full_url()]["lastmod"] == "2026-05-04"


def test_every_public_page_is_listed(client, site_tree):
    urls = sitemap(client)
    public = Page.objects.live().public().exclude(depth=1).filter(path__startswith=site_tree.home.path[:4])
    for page in public:
        if page.get_url_parts() is not None:
            assert page.get_full_url() in urls, f"{page.url} missing"


def test_the_calendar_is_listed_with_its_translation(client, site_tree):
    calendar = factories.TrainingCalendarPageFactory(parent=site_tree.home)
    calendar_fr = translate(calendar, site_tree.home_fr.locale)
    urls = sitemap(client)
    english, french = calendar.get_full_url(), calendar_fr.get_full_url()
    expected = {"en": english, "fr": french, "x-default": english}
    assert urls[english]["alternates"] == expected
    assert urls[french]["alternates"] == expected


def test_country_pages_are_listed_in_each_language_their_pages_are_in(client, site_tree):
    root = site_tree.site.root_url
    urls = sitemap(client)
    english = f"{root}/en/countries/MD/"
    french = f"{root}/fr/pays/MD/"
    # The French programme names Moldova, so the French country page has content too.
    assert urls[english]["alternates"] == {"en": english, "fr": french, "x-default": english}
    assert urls[french]["alternates"] == urls[english]["alternates"]
    # Last modified when the latest of its pages in that language was published.
    latest_en = max(
        page.last_published_at for page in (site_tree.programme, site_tree.country_project, site_tree.training_outline)
    )
    assert urls[english]["lastmod"] == local_date(latest_en)
    assert urls[french]["lastmod"] == local_date(site_tree.programme_fr.last_published_at)
    # Romania is named by English pages only (and a country no page names is not listed at all).
    assert f"{root}/en/countries/RO/" in urls
    assert f"{root}/fr/pays/RO/" in urls  # The French programme names it too.
    factories.CountryFactory(name="Nowhere", iso_code="QQ")
    assert not any("/QQ/" in location for location in sitemap(client))


def test_a_country_page_changes_when_one_of_its_pages_is_published(client, site_tree):
    root = site_tree.site.root_url
    moldova = f"{root}/en/countries/MD/"
    before = sitemap(client)[moldova]["lastmod"]
    later = datetime.datetime(2031, 5, 4, 12, 0, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=later):
        site_tree.country_project.save_revision().publish()
    assert sitemap(client)[moldova]["lastmod"] == "2031-05-04" != before


def test_drafts_and_private_pages_are_not_listed(client, site_tree):
    draft = factories.StandardPageFactory(parent=site_tree.home, title="Draft", slug="draft", live=False)
    private = factories.StandardPageFactory(parent=site_tree.home, title="Private", slug="private")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    below_private = factories.StandardPageFactory(parent=private, title="Below", slug="below")
    # A country named only by a draft or a private page has no country page in the sitemap.
    hidden_country = factories.CountryFactory(name="Hidden", iso_code="HH")
    factories.CountryProjectPageFactory(parent=site_tree.programme, countries=[hidden_country], live=False)
    private_project = factories.CountryProjectPageFactory(parent=site_tree.programme, countries=[hidden_country])
    PageViewRestriction.objects.create(page=private_project, restriction_type=PageViewRestriction.LOGIN)
    urls = sitemap(client)
    for page in (draft, private, below_private, private_project):
        assert page.get_full_url() not in urls
    assert not any("/HH/" in location for location in urls)


def test_the_sitemap_does_not_query_once_per_page(client, site_tree):
    client.get("/sitemap.xml")
    with CaptureQueriesContext(connection) as few:
        client.get("/sitemap.xml")
    for number in range(5):
        country = factories.CountryFactory(name=f"Country {number}")
        programme = factories.ProgrammePageFactory(parent=site_tree.index, countries=[country])
        factories.CountryProjectPageFactory(parent=programme, countries=[country, site_tree.moldova])
        factories.TrainingOutlinePageFactory(parent=programme, country=country, year=2000 + number)
    with CaptureQueriesContext(connection) as many:
        client.get("/sitemap.xml")
    assert len(sitemap(client)) > 20
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_sitemap_is_written_as_djangos_own_template_writes_it(settings):
    """SitemapXml stands in for Django's sitemap.xml template: the same bytes for the same addresses."""
    settings.TIME_ZONE = "Europe/Paris"
    urlset = [
        {
            "location": "https://example.org/en/drugs-&-prisons/?a=1&b='2'",
            # 23:30 UTC is the next day in Paris: the date is the one of the site's time zone.
            "lastmod": datetime.datetime(2026, 5, 3, 23, 30, tzinfo=datetime.UTC),
            "changefreq": "monthly",
            "priority": 0.8,
            "alternates": [
                {"lang_code": "en", "location": "https://example.org/en/a/"},
                {"lang_code": "fr", "location": "https://example.org/fr/<b>/"},
                {"lang_code": "x-default", "location": "https://example.org/en/a/"},
            ],
        },
        {
            "location": "https://example.org/en/",
            "lastmod": None,
            "changefreq": None,
            "priority": None,
            "alternates": [],
        },
        {"location": "https://example.org/fr/", "lastmod": datetime.date(2010, 5, 3), "alternates": []},
    ]
    written = SitemapXml().render({"urlset": urlset})
    assert written == render_to_string("sitemap.xml", {"urlset": urlset})
    assert "<lastmod>2026-05-04</lastmod>" in written
    assert parse_xml(written.encode()).tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    assert SitemapXml().render({"urlset": []}) == render_to_string("sitemap.xml", {"urlset": []})
