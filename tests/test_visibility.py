"""Drafts and private pages never show to the public, wherever pages are listed."""

import dataclasses

import pytest

from wagtail.models import PageViewRestriction

from pompidou_site.models import Country
from programmes.models import CountryProjectPage

from . import factories
from .conftest import SiteTree, kept_for_the_module, refetch

pytestmark = pytest.mark.django_db

# A word found only in the hidden pages, so that search and listings can be checked for it.
SECRET_WORD = "Quokka"


def hide(page, how):
    if how == "password":
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="s3cret")
    elif how == "login":
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    return page


def build_hidden_pages(site_tree, how):
    """A programme, a country project and a training outline the public must not see."""
    georgia = factories.CountryFactory(name="Georgia", iso_code="GE")
    draft = {"live": False} if how == "draft" else {}

    if how == "under-private-programme":
        # Public themselves, but inside a private programme: private too.
        programme = hide(
            factories.ProgrammePageFactory(
                parent=site_tree.index, title=f"{SECRET_WORD} programme", countries=[georgia]
            ),
            "login",
        )
        parent = programme
    else:
        programme = hide(
            factories.ProgrammePageFactory(
                parent=site_tree.index, title=f"{SECRET_WORD} programme", countries=[georgia], **draft
            ),
            how,
        )
        parent = site_tree.programme

    project = factories.CountryProjectPageFactory(
        parent=parent,
        title=f"{SECRET_WORD} project in Moldova",
        countries=[site_tree.moldova, georgia],
        status=CountryProjectPage.Status.PLANNED,
        **draft,
    )
    outline = factories.TrainingOutlinePageFactory(
        parent=parent, year=2013, title=f"{SECRET_WORD} training 2013", country=site_tree.moldova, **draft
    )
    if how != "under-private-programme":
        hide(project, how)
        hide(outline, how)
    return [programme, project, outline]


@pytest.fixture(scope="module", params=["draft", "password", "login", "under-private-programme"])
def hidden_pages_module(request, site_tree_module, django_db_blocker):
    with kept_for_the_module(django_db_blocker):
        with django_db_blocker.unblock():
            # Fresh parents: treebeard counts children on the instance it adds a child to.
            tree = SiteTree(
                **{field.name: refetch(getattr(site_tree_module, field.name)) for field in dataclasses.fields(SiteTree)}
            )
            pages = build_hidden_pages(tree, request.param)
        yield pages


@pytest.fixture
def hidden_pages(hidden_pages_module, site_tree):
    return [refetch(page) for page in hidden_pages_module]


def assert_hidden(html, hidden_pages, where, check_titles=True):
    if check_titles:
        assert SECRET_WORD not in html, f"a hidden page's title shows on {where}"
    for page in hidden_pages:
        assert page.url not in html, f"a link to hidden {page.url} shows on {where}"


def test_hidden_pages_are_not_on_the_home_page(client, site_tree, hidden_pages):
    response = client.get(site_tree.home.url)
    assert response.status_code == 200
    assert site_tree.programme.url in response.content.decode()
    assert_hidden(response.content.decode(), hidden_pages, "the home page")


def test_hidden_pages_are_not_in_the_programme_index(client, site_tree, hidden_pages):
    response = client.get(site_tree.index.url)
    assert response.status_code == 200
    assert site_tree.programme.url in response.content.decode()
    assert_hidden(response.content.decode(), hidden_pages, "the programme index")


def test_hidden_pages_are_not_among_a_programmes_children(client, site_tree, hidden_pages):
    response = client.get(site_tree.programme.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert site_tree.country_project.url in html
    assert site_tree.training_outline.url in html
    assert_hidden(html, hidden_pages, "the programme page")


def test_hidden_pages_are_not_in_search_results(client, site_tree, hidden_pages):
    response = client.get("/en/search/", {"q": SECRET_WORD})
    assert response.status_code == 200
    # The page repeats the query itself, so only the links and the count tell.
    assert_hidden(response.content.decode(), hidden_pages, "search results", check_titles=False)
    assert response.context["search_results"].paginator.count == 0


def test_hidden_pages_are_not_on_country_pages(client, site_tree, hidden_pages):
    response = client.get("/en/countries/MD/")
    assert response.status_code == 200
    assert site_tree.country_project.url in response.content.decode()
    assert_hidden(response.content.decode(), hidden_pages, "the Moldova page")


def test_a_country_concerned_only_by_hidden_pages_is_not_listed(client, site_tree, hidden_pages):
    response = client.get("/en/countries/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Republic of Moldova" in html
    assert Country.objects.get(iso_code="GE").name not in html
    assert "/en/countries/GE/" not in html


def test_hidden_pages_are_not_in_the_sitemap(client, site_tree, hidden_pages):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert site_tree.programme.url in xml
    for page in hidden_pages:
        assert page.url not in xml


def test_hidden_pages_are_not_in_the_feed(client, site_tree, hidden_pages):
    response = client.get("/en/feed/")
    assert response.status_code == 200
    feed = response.content.decode()
    assert site_tree.programme.url in feed
    assert_hidden(feed, hidden_pages, "the RSS feed")


def test_hidden_pages_do_not_show_their_content_to_a_visitor(client, hidden_pages):
    for page in hidden_pages:
        response = client.get(page.url)
        assert response.status_code in (200, 302, 404)
        assert page.introduction not in response.content.decode()


def test_each_language_feed_lists_its_own_pages_only(client, site_tree):
    english = client.get("/en/feed/").content.decode()
    french = client.get("/fr/flux/").content.decode()
    assert "<language>en</language>" in english and "<language>fr</language>" in french
    assert site_tree.programme.url in english and site_tree.programme_fr.url not in english
    assert site_tree.programme_fr.url in french and site_tree.programme.url not in french


def test_french_pages_are_not_in_english_search_results(client, site_tree):
    english = client.get("/en/search/", {"q": "Prisons"}).content.decode()
    french = client.get("/fr/recherche/", {"q": "Prisons"}).content.decode()
    assert site_tree.programme.url in english
    assert site_tree.programme_fr.url not in english
    assert site_tree.programme_fr.url in french
    assert site_tree.programme.url not in french


def test_a_password_protected_page_asks_in_the_site_layout_and_reveals_nothing(client, site_tree):
    secret = factories.StandardPageFactory(
        parent=site_tree.home, title=f"{SECRET_WORD} minutes", slug="minutes", introduction=f"{SECRET_WORD} summary"
    )
    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.PASSWORD, password="s3cret")
    response = client.get(secret.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Password required" in html
    assert 'id="main-content"' in html
    assert '<input type="password"' in html
    assert SECRET_WORD not in html
