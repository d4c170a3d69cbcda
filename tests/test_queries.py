"""Listings cost the same number of queries however long they are: no query per listed item."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes.models import CountryProjectPage

from . import factories


def queries_to_render(client, url):
    # A first visit fills what is computed once and stored (site root paths, a new document's
    # file size); the second is the one every later visitor gets.
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def add_listed_pages(tree, numbers):
    """More programmes, country projects and training outlines, with countries, partners, images and documents."""
    for number in numbers:
        document = factories.CustomDocumentFactory(title=f"Outline {number}")
        programme = factories.ProgrammePageFactory(
            parent=tree.index,
            countries=[tree.moldova, tree.romania],
            partners=[tree.partner],
            listing_image=factories.CustomImageFactory(),
        )
        factories.CountryProjectPageFactory(
            parent=tree.programme,
            countries=[tree.romania],
            status=CountryProjectPage.Status.ONGOING,
            listing_image=factories.CustomImageFactory(),
        )
        factories.TrainingOutlinePageFactory(
            parent=tree.programme,
            year=1990 + number,
            country=tree.moldova,
            outline_documents=[("document", {"document": document, "title": ""})],
        )
        assert programme.live


@pytest.mark.django_db
@pytest.mark.parametrize("attribute", ["home", "index", "programme"])
def test_a_listing_page_does_not_query_once_per_listed_page(client, site_tree, attribute):
    url = getattr(site_tree, attribute).url
    add_listed_pages(site_tree, range(1))
    few = queries_to_render(client, url)
    add_listed_pages(site_tree, range(1, 5))
    many = queries_to_render(client, url)
    assert many == few, f"{url}: {few} queries with one of each listed page, {many} with four more"


@pytest.mark.django_db
def test_a_country_page_does_not_query_once_per_listed_page(client, site_tree):
    url = f"/en/countries/{site_tree.moldova.iso_code}/"
    add_listed_pages(site_tree, range(1))
    few = queries_to_render(client, url)
    add_listed_pages(site_tree, range(1, 5))
    assert queries_to_render(client, url) == few


# ---- The query budget of every public page type -----------------------------------------------
# With the page cache missed (it is off in the tests) but the site-wide fragments cached, as after
# the first visitor since a publish: at most this many queries, and as many with a hundred of each
# listed thing as with five.
QUERY_BUDGET = 8


def add_taxonomy_and_pages(tree, numbers):
    """More countries and partners on the programme, and more of everything listed."""
    for _number in numbers:
        country = factories.CountryFactory()
        partner = factories.PartnerFactory()
        tree.programme.countries.add(country)
        tree.programme.partners.add(partner)
    tree.programme.save_revision().publish()
    add_listed_pages(tree, numbers)


def budget_urls(tree):
    return {
        "home": tree.home.url,
        "home (fr)": tree.home_fr.url,
        "programme index": tree.index.url,
        "programme": tree.programme.url,
        "programme (fr)": tree.programme_fr.url,
        "country project": tree.country_project.url,
        "training outline": tree.training_outline.url,
        "standard page": tree.standard_page.url,
        "country index": "/en/countries/",
        "country": f"/en/countries/{tree.moldova.iso_code}/",
        "search": "/en/search/?q=prisons",
        "sitemap": "/sitemap.xml",
        "feed": "/en/feed/",
        "feed (fr)": "/fr/flux/",
    }


@pytest.mark.django_db
def test_every_page_type_stays_within_the_query_budget_with_5_or_100_of_each(client, site_tree):
    # Numbered from 30: the training outlines' years (1990 + number) then never meet the tree's own 2012.
    add_taxonomy_and_pages(site_tree, range(30, 35))
    urls = budget_urls(site_tree)
    few = {name: queries_to_render(client, url) for name, url in urls.items()}
    over_budget = {name: count for name, count in few.items() if count > QUERY_BUDGET}
    assert not over_budget, f"more than {QUERY_BUDGET} queries: {over_budget}"
    add_taxonomy_and_pages(site_tree, range(35, 130))
    many = {name: queries_to_render(client, url) for name, url in urls.items()}
    over_budget = {name: count for name, count in many.items() if count > QUERY_BUDGET}
    assert not over_budget, f"more than {QUERY_BUDGET} queries with 100 of each: {over_budget}"
    # The latest updates (home page, feeds) cost one query per page type among the latest few
    # pages: bounded by the number of page types, whatever the number of pages. Everything else
    # costs exactly the same with 100 of each as with 5.
    latest_updates = {"home", "home (fr)", "feed", "feed (fr)"}
    assert {name: count for name, count in many.items() if name not in latest_updates} == {
        name: count for name, count in few.items() if name not in latest_updates
    }, f"with 5 of each: {few}; with 100: {many}"


@pytest.mark.django_db
def test_a_programme_with_a_hundred_children_lists_them_a_page_at_a_time(client, site_tree):
    add_listed_pages(site_tree, range(30, 130))
    first = client.get(site_tree.programme.url).content.decode()
    assert first.count('class="training-list__item"') == 24
    assert "?trainings=2" in first and "?projects=2" in first
    last = client.get(f"{site_tree.programme.url}?trainings=5").content.decode()
    # 101 training outlines (the tree's own and a hundred more): the fifth page has the last five.
    assert last.count('class="training-list__item"') == 5
    assert client.get(f"{site_tree.programme.url}?trainings=nonsense&projects=-3").status_code == 200
