"""RSS and Atom feeds, site-wide and per programme, in both languages, read by a real feed parser."""

import feedparser
import pytest
from bs4 import BeautifulSoup

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

from . import factories
from .conftest import translate

pytestmark = pytest.mark.django_db

MOLDOVA_PROJECT = "Preventing drug trafficking and abuse in prisons in the Republic of Moldova — Drugs in Prisons"


def parse(response, version):
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == version
    return parsed


def entry_titles(parsed):
    return [entry.title for entry in parsed.entries]


@pytest.fixture
def french_tree(site_tree):
    """The site tree with its Moldova project and training also in French."""
    locale = site_tree.home_fr.locale
    project = translate(site_tree.country_project, locale)
    project.title = "Prévenir le trafic et l’abus de drogues dans les prisons de la République de Moldova"
    project.save_revision().publish()
    site_tree.programme_fr.title = "Drogues en prison"
    site_tree.programme_fr.save_revision().publish()
    return site_tree


@pytest.mark.parametrize(("path", "version"), [("/en/feed/", "rss20"), ("/en/feed/atom/", "atom10")])
def test_the_site_wide_feeds_list_the_latest_pages_with_titles_that_stand_alone(client, site_tree, path, version):
    parsed = parse(client.get(path), version)
    assert parsed.feed.language == "en"
    titles = entry_titles(parsed)
    assert MOLDOVA_PROJECT in titles
    assert "Training outline 2012 — Drugs in Prisons" in titles
    assert "Drugs in Prisons" in titles
    # Only English pages; the home page itself is the feed, not an entry.
    assert site_tree.home.title not in titles
    # Only the programmes' work: no statement, form or index is news.
    for utility in (site_tree.standard_page, site_tree.feedback_form, site_tree.index):
        assert utility.live and utility.title not in titles
    links = {entry.title: entry.link for entry in parsed.entries}
    assert links[MOLDOVA_PROJECT] == site_tree.country_project.get_full_url()
    if version == "atom10":
        assert parsed.feed.author
        assert all(entry.updated for entry in parsed.entries)


@pytest.mark.parametrize(("path", "version"), [("/fr/flux/", "rss20"), ("/fr/flux/atom/", "atom10")])
def test_the_french_feeds_are_in_french(client, french_tree, path, version):
    parsed = parse(client.get(path), version)
    assert parsed.feed.language == "fr"
    assert "dernières mises à jour" in parsed.feed.title
    titles = entry_titles(parsed)
    assert (
        "Prévenir le trafic et l’abus de drogues dans les prisons de la République de Moldova — Drogues en prison"
        in titles
    )
    assert MOLDOVA_PROJECT not in titles


@pytest.mark.parametrize(("suffix", "version"), [("feed/", "rss20"), ("feed/atom/", "atom10")])
def test_a_programme_feed_lists_only_that_programme(client, site_tree, suffix, version):
    other = factories.ProgrammePageFactory(parent=site_tree.index, title="MedNET")
    factories.TrainingOutlinePageFactory(parent=other, title="MedNET seminar", year=2011)
    parsed = parse(client.get(site_tree.programme.url + suffix), version)
    assert parsed.feed.language == "en"
    assert parsed.feed.title == "Drugs in Prisons: latest updates"
    assert parsed.feed.link == site_tree.programme.get_full_url()
    assert set(entry_titles(parsed)) == {
        "Drugs in Prisons",
        MOLDOVA_PROJECT,
        "Preventing drug trafficking and abuse in prisons in Romania — Drugs in Prisons",
        "Training outline 2012 — Drugs in Prisons",
    }
    assert "MedNET seminar — MedNET" in entry_titles(parse(client.get(other.url + suffix), version))


@pytest.mark.parametrize(("suffix", "version"), [("feed/", "rss20"), ("feed/atom/", "atom10")])
def test_a_french_programme_feed_is_in_french(client, french_tree, suffix, version):
    parsed = parse(client.get(french_tree.programme_fr.url + suffix), version)
    assert parsed.feed.language == "fr"
    assert parsed.feed.title == "Drogues en prison\u202f: dernières mises à jour"
    assert set(entry_titles(parsed)) == {
        "Drogues en prison",
        "Prévenir le trafic et l’abus de drogues dans les prisons de la République de Moldova — Drogues en prison",
    }


def alternate_feeds(client, url):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return {
        (link["type"], link["href"])
        for link in soup.head.find_all("link", rel="alternate")
        if link.get("type") in ("application/rss+xml", "application/atom+xml")
    }


def test_pages_announce_their_feeds_in_the_head(client, site_tree):
    site_wide = {("application/rss+xml", "/en/feed/"), ("application/atom+xml", "/en/feed/atom/")}
    assert alternate_feeds(client, site_tree.home.url) == site_wide
    programme = site_tree.programme.url
    assert alternate_feeds(client, programme) == site_wide | {
        ("application/rss+xml", f"{programme}feed/"),
        ("application/atom+xml", f"{programme}feed/atom/"),
    }
    assert alternate_feeds(client, site_tree.home_fr.url) == {
        ("application/rss+xml", "/fr/flux/"),
        ("application/atom+xml", "/fr/flux/atom/"),
    }


def visible_feed_links(client, url):
    """The links to feeds a visitor sees in the page's body: (link text, address)."""
    body = BeautifulSoup(client.get(url).content, "html.parser").body
    return {(link.get_text(" ", strip=True), link["href"]) for link in body.find_all("a", type="application/rss+xml")}


def test_visitors_see_a_link_to_the_feeds(client, french_tree):
    """Not only for feed readers (the <head>): the footer offers the site's feed on every page, and
    a programme its own, each in the page's language and named so that it reads on its own."""
    site_wide = ("Latest updates (RSS feed)", "/en/feed/")
    assert visible_feed_links(client, french_tree.home.url) == {site_wide}
    programme = french_tree.programme
    assert visible_feed_links(client, programme.url) == {
        site_wide,
        (f"Latest updates of {programme.title} (RSS feed)", f"{programme.url}feed/"),
    }
    programme_fr = french_tree.programme_fr
    assert visible_feed_links(client, programme_fr.url) == {
        ("Dernières mises à jour (flux RSS)", "/fr/flux/"),
        ("Dernières mises à jour de «\u202fDrogues en prison\u202f» (flux RSS)", f"{programme_fr.url}feed/"),
    }
    for _text, address in visible_feed_links(client, programme_fr.url):
        parse(client.get(address), "rss20")


def test_drafts_and_private_pages_are_in_no_feed(client, site_tree):
    factories.CountryProjectPageFactory(parent=site_tree.programme, title="Draft project", live=False)
    private = factories.TrainingOutlinePageFactory(parent=site_tree.programme, title="Private outline", year=2013)
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    private_programme = factories.ProgrammePageFactory(parent=site_tree.index, title="Secret programme")
    PageViewRestriction.objects.create(page=private_programme, restriction_type=PageViewRestriction.LOGIN)
    factories.TrainingOutlinePageFactory(parent=private_programme, title="Under a private programme", year=2014)
    for path in (
        "/en/feed/",
        "/en/feed/atom/",
        site_tree.programme.url + "feed/",
        site_tree.programme.url + "feed/atom/",
    ):
        content = client.get(path).content.decode()
        for title in ("Draft project", "Private outline", "Secret programme", "Under a private programme"):
            assert title not in content, f"{title} in {path}"
    # A private programme's feeds are behind its restriction, like the page.
    response = client.get(private_programme.url + "feed/")
    assert response.status_code == 302 and "login" in response["Location"]


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("which", ["site", "programme"])
def test_feeds_do_not_query_once_per_entry(client, site_tree, which):
    url = "/en/feed/atom/" if which == "site" else site_tree.programme.url + "feed/"
    few = count_queries(client, url)
    for number in range(5):
        factories.CountryProjectPageFactory(parent=site_tree.programme, countries=[site_tree.romania])
        factories.TrainingOutlinePageFactory(parent=site_tree.programme, year=2000 + number)
    assert count_queries(client, url) == few
