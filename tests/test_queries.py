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
