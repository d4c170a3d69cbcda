"""Every page type renders, in both languages, inside the site's accessible layout; errors too."""

import json

import pytest
from bs4 import BeautifulSoup

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import path

from . import factories

PAGE_ATTRIBUTES = [
    "home",
    "home_fr",
    "index",
    "programme",
    "programme_fr",
    "country_project",
    "planned_project",
    "training_outline",
    "standard_page",
    "feedback_form",
]


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def assert_site_layout(soup):
    skip_link = soup.find("a", href="#main-content")
    assert skip_link is not None, "no skip link to the main content"
    assert skip_link.get_text(strip=True)
    assert soup.find("main", id="main-content") is not None, 'no <main id="main-content">'
    assert len(soup.find_all("h1")) == 1, "a page has exactly one main heading"


@pytest.mark.parametrize("attribute", PAGE_ATTRIBUTES)
def test_every_page_type_renders_with_its_title_as_main_heading(client, page_assertions, site_tree, attribute):
    page = getattr(site_tree, attribute)
    page_assertions.assertPageIsRenderable(page)

    response = client.get(page.url)
    assert response.status_code == 200
    soup = soup_of(response)
    assert_site_layout(soup)
    assert page.title in soup.find("h1").get_text(" ", strip=True)
    assert page.title in soup.title.get_text()


@pytest.mark.parametrize(
    ("attribute", "language"), [("home", "en"), ("home_fr", "fr"), ("programme", "en"), ("programme_fr", "fr")]
)
def test_html_lang_matches_the_language_of_the_url(client, site_tree, attribute, language):
    page = getattr(site_tree, attribute)
    assert page.url.startswith(f"/{language}/")
    soup = soup_of(client.get(page.url))
    assert soup.html["lang"] == language


def test_page_links_to_its_other_language_version(client, site_tree):
    soup = soup_of(client.get(site_tree.programme.url))
    alternates = {link["hreflang"]: link["href"] for link in soup.find_all("link", rel="alternate", hreflang=True)}
    # Absolute addresses come from the Wagtail site, as in the sitemap.
    assert alternates.get("en") == site_tree.programme.get_full_url()
    assert alternates.get("fr") == site_tree.programme_fr.get_full_url()
    assert alternates["en"].endswith("/en/programmes/drugs-in-prisons/")
    assert alternates["fr"].endswith("/fr/programmes/drugs-in-prisons/")
    canonical = soup.find("link", rel="canonical")
    assert canonical["href"] == site_tree.programme.get_full_url()


def test_planned_country_project_says_to_come(client, site_tree):
    soup = soup_of(client.get(site_tree.planned_project.url))
    assert "To come" in soup.find("main").get_text(" ")
    programme = soup_of(client.get(site_tree.programme.url)).find("main").get_text(" ")
    assert "To come" in programme


def test_programme_page_lists_its_training_outlines_newest_first(client, site_tree):
    for year in (2010, 2011):
        factories.TrainingOutlinePageFactory(parent=site_tree.programme, year=year)
    main = soup_of(client.get(site_tree.programme.url)).find("main")
    links = [a["href"] for a in main.find_all("a") if "/training-outline-" in a["href"]]
    ordered = list(dict.fromkeys(links))
    assert ordered == [
        f"{site_tree.programme.url}training-outline-2012/",
        f"{site_tree.programme.url}training-outline-2011/",
        f"{site_tree.programme.url}training-outline-2010/",
    ]


def test_image_block_shows_its_alt_text_or_is_marked_decorative(client, site_tree):
    image = factories.CustomImageFactory(width=900, height=600)
    body = [
        {
            "type": "image",
            "value": {
                "image": {"image": image.pk, "alt_text": "Participants of the pilot course", "decorative": False},
                "caption": "Warsaw, May 2010",
            },
        },
        {"type": "image", "value": {"image": {"image": image.pk, "alt_text": "", "decorative": True}, "caption": ""}},
    ]
    page = factories.StandardPageFactory(parent=site_tree.home, title="Gallery", slug="gallery", body=json.dumps(body))
    response = client.get(page.url)
    assert response.status_code == 200
    images = soup_of(response).find("main").find_all("img")
    assert [img.get("alt") for img in images] == ["Participants of the pilot course", ""]
    for img in images:
        assert img.get("width") and img.get("height"), "images carry their dimensions"
    assert "Warsaw, May 2010" in soup_of(response).find("figcaption").get_text()


@pytest.mark.parametrize("url", ["/en/no-such-page/", "/fr/pas-de-page/", "/en/programmes/no-such-programme/"])
def test_missing_page_is_a_404_inside_the_site_layout(client, site_tree, url):
    response = client.get(url)
    assert response.status_code == 404
    soup = soup_of(response)
    assert soup.find("a", href="#main-content") is not None
    assert soup.find("main", id="main-content") is not None
    assert soup.html["lang"] == url.split("/")[1]


def test_500_template_renders_without_the_database():
    # No django_db mark on this test: any query raises, as it would with the database down.
    html = render_to_string("500.html")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("h1") is not None
    assert soup.find("main", id="main-content") is not None


def failing_view(request):
    raise RuntimeError("Simulated failure")


def fine_view(request):
    return HttpResponse("ok")


urlpatterns = [path("fails/", failing_view), path("fine/", fine_view)]


@pytest.mark.urls(__name__)
def test_server_error_answers_500_with_the_error_page(client):
    client.raise_request_exception = False
    assert client.get("/fine/").status_code == 200
    # No database here either: the error page must not need one.
    response = client.get("/fails/")
    assert response.status_code == 500
    soup = soup_of(response)
    assert soup.find("main", id="main-content") is not None
    assert "Simulated failure" not in response.content.decode()


def test_a_listing_image_shows_on_the_card_as_decoration_in_modern_formats(client, site_tree):
    programme = site_tree.programme
    programme.listing_image = factories.CustomImageFactory()
    programme.save_revision().publish()
    card = soup_of(client.get(site_tree.index.url)).find("article", class_="card")
    picture = card.find("picture")
    assert picture is not None, "the card shows no image"
    assert {source["type"] for source in picture.find_all("source")} >= {"image/avif", "image/webp"}
    image = picture.find("img")
    assert image["alt"] == ""
    assert image["width"] and image["height"]
    assert image["loading"] == "lazy"
