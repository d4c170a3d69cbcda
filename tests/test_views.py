"""The views outside the page tree: health, search, countries, robots.txt and the sitemap."""

import pytest
from defusedxml.ElementTree import fromstring as parse_xml

from django.test import Client

from . import factories
from .conftest import kept_for_the_module, refetch

pytestmark = pytest.mark.django_db


def test_health_answers_ok_as_json_and_is_never_cached(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_search_finds_a_page_by_a_word_of_its_title(client, site_tree):
    response = client.get("/en/search/", {"q": "Prisons"})
    assert response.status_code == 200
    assert site_tree.programme.url in response.content.decode()
    assert site_tree.standard_page.url not in response.content.decode()


def test_search_without_a_query_shows_the_form_and_no_results(client, site_tree):
    response = client.get("/en/search/", {"q": "   "})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="q"' in html
    assert site_tree.programme.url not in html
    assert response.context["search_results"] is None


def test_search_with_nothing_found_says_so(client, site_tree):
    response = client.get("/en/search/", {"q": "xylophone"})
    assert response.status_code == 200
    assert response.context["search_results"].paginator.count == 0
    assert "xylophone" in response.content.decode()


def test_search_with_a_very_long_query_still_answers(client, site_tree):
    response = client.get("/en/search/", {"q": "prisons " * 1000})
    assert response.status_code == 200


@pytest.fixture(scope="module")
def many_results_module(site_tree_module, django_db_blocker):
    """Twelve pages sharing a word: more than one page of search results."""
    with kept_for_the_module(django_db_blocker):
        with django_db_blocker.unblock():
            home = refetch(site_tree_module.home)
            pages = [
                factories.StandardPageFactory(parent=home, title=f"Methodology note {number}", slug=f"note-{number}")
                for number in range(12)
            ]
        yield pages


@pytest.fixture
def many_results(many_results_module, site_tree):
    return many_results_module


@pytest.mark.parametrize(
    ("requested", "expected_number"),
    [("1", 1), ("2", 2), ("abc", 1), ("", 1), ("1.5", 1), ("999", 2), ("0", None), ("-1", None)],
)
def test_search_pagination_never_fails_on_a_bad_page_number(client, many_results, requested, expected_number):
    response = client.get("/en/search/", {"q": "Methodology", "page": requested})
    assert response.status_code == 200
    results = response.context["search_results"]
    assert results.paginator.count == len(many_results)
    if expected_number is None:
        assert results.number in results.paginator.page_range
    else:
        assert results.number == expected_number
    assert "<mark>Methodology</mark> note" in response.content.decode()


def test_countries_index_lists_only_countries_with_pages(client, site_tree):
    factories.CountryFactory(name="Georgia", iso_code="GE")
    response = client.get("/en/countries/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Republic of Moldova" in html
    assert "Romania" in html
    assert "Georgia" not in html
    assert "/en/countries/MD/" in html


def test_country_page_lists_its_programmes_projects_and_trainings(client, site_tree):
    response = client.get("/en/countries/MD/")
    assert response.status_code == 200
    html = response.content.decode()
    assert site_tree.programme.url in html
    assert site_tree.country_project.url in html
    assert site_tree.training_outline.url in html
    assert site_tree.planned_project.url not in html  # Romania's project, not Moldova's


def test_country_page_in_french_shows_french_pages(client, site_tree):
    moldova_fr = site_tree.moldova.copy_for_translation(site_tree.home_fr.locale)
    moldova_fr.name = "République de Moldova"
    moldova_fr.save()
    response = client.get("/fr/pays/MD/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "République de Moldova" in html
    assert site_tree.programme_fr.url in html
    assert site_tree.programme.url not in html


@pytest.mark.parametrize("code", ["XX", "ZZ", "md1", "%00", "M%00"])
def test_unknown_country_is_not_found(client, site_tree, code):
    assert client.get(f"/en/countries/{code}/").status_code == 404


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


def test_robots_txt_keeps_crawlers_out_of_the_search_results_in_every_language(client, db):
    lines = client.get("/robots.txt").content.decode().splitlines()
    disallowed = [line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow: ")]
    assert disallowed == ["/admin/", "/en/search/?", "/fr/recherche/?"]
    # Robots rules match by prefix: every results address is out, the search page itself is not.
    addresses = (("/en/search/", "/en/search/?q=prisons"), ("/fr/recherche/", "/fr/recherche/?q=prison"))
    for search_page, results in addresses:
        assert client.get(results).status_code == 200
        assert any(results.startswith(rule) for rule in disallowed)
        assert not any(search_page.startswith(rule) for rule in disallowed)


@pytest.mark.parametrize(
    ("address", "indexed"),
    [
        ("/en/search/", True),
        ("/fr/recherche/", True),
        ("/en/search/?q=prisons", False),
        ("/en/search/?type=document", False),
        ("/fr/recherche/?q=prison&page=2", False),
    ],
)
def test_the_search_page_may_be_indexed_but_never_its_results(client, site_tree, address, indexed):
    page = client.get(address).content.decode()
    assert ('<meta name="robots" content="noindex">' not in page) is indexed


def test_sitemap_lists_pages_in_both_languages(client, site_tree):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    for page in (
        site_tree.home,
        site_tree.programme,
        site_tree.country_project,
        site_tree.home_fr,
        site_tree.programme_fr,
    ):
        assert f"<loc>{page.get_full_url()}</loc>" in xml, f"{page.url} missing from the sitemap"


@pytest.mark.django_db
def test_an_expired_form_is_a_403_that_explains_what_to_do(site_tree):
    client = Client(enforce_csrf_checks=True)
    response = client.post(site_tree.feedback_form.url, {"message": "The menu does not open."})
    assert response.status_code == 403
    html = response.content.decode()
    assert "The form has expired" in html
    assert 'id="main-content"' in html


@pytest.mark.django_db
def test_a_request_for_an_unknown_host_is_a_400_in_the_site_layout(site_tree):
    response = Client(HTTP_HOST="unknown.example").get("/en/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Request not understood" in html
    assert 'id="main-content"' in html


@pytest.mark.parametrize("query", ['"', 'prison"', "'\"<script>", "\x00", "Drugs\x00 in", "(AND OR NOT)", "*", "-"])
def test_search_answers_any_typed_text(client, site_tree, query):
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200
    assert "<h1>Search</h1>" in response.content.decode()


def test_a_quoted_phrase_is_searched_as_a_phrase(client, site_tree):
    html = client.get("/en/search/", {"q": '"Drugs in Prisons"'}).content.decode()
    assert site_tree.programme.url in html


def test_a_country_code_in_lower_case_redirects_to_the_one_address(client, site_tree):
    response = client.get("/fr/pays/md/")
    assert response.status_code == 301
    assert response["Location"] == "/fr/pays/MD/"


@pytest.mark.parametrize("url", ["/en/search/?q=prisons", "/health/", "/en/countries/", "/robots.txt"])
def test_head_requests_are_answered_like_get(client, site_tree, url):
    assert client.head(url).status_code == 200


def test_public_pages_send_a_content_security_policy_without_inline_script(client, site_tree):
    policy = client.get(site_tree.programme.url)["Content-Security-Policy"]
    directives = dict(directive.strip().split(" ", 1) for directive in policy.split(";") if directive.strip())
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy


def test_sitemap_pairs_each_page_with_its_translations(client, site_tree):
    namespaces = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = parse_xml(client.get("/sitemap.xml").content)
    alternates = {
        url.find("s:loc", namespaces).text: {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", namespaces)
        }
        for url in root.findall("s:url", namespaces)
    }
    english, french = site_tree.programme.get_full_url(), site_tree.programme_fr.get_full_url()
    expected = {"en": english, "fr": french, "x-default": english}
    assert alternates[english] == expected
    assert alternates[french] == expected
    assert alternates[site_tree.country_project.get_full_url()] == {}, "a page in one language has no alternates"


def test_the_browsers_favicon_request_finds_the_site_icon(client, site_tree):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    body = b"".join(icon.streaming_content) if icon.streaming else icon.content
    assert b"<svg" in body
