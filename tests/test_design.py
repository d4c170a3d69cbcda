"""The site's look as a visitor meets it: the wordmark, the webfont (self-hosted, subset, preloaded,
cached for long), the size of the style sheet, cards with one link, a home page of what the Group
does with real dates only, and breadcrumbs that fit on one line."""

import gzip
import re
from datetime import date
from pathlib import Path

import pytest
import time_machine
from bs4 import BeautifulSoup
from whitenoise.middleware import WhiteNoiseMiddleware

from django.core.management import call_command
from django.http import HttpResponse
from django.template.defaultfilters import date as format_date
from django.test import RequestFactory
from django.utils import translation

from pompidou_site.models import FeedbackFormPage, HomePage, StandardPage

REPO_ROOT = Path(__file__).resolve().parent.parent
CSS = REPO_ROOT / "static" / "css" / "site.css"
FONTS = REPO_ROOT / "static" / "fonts"
MAIN_FONT = "fonts/source-sans-3-latin.woff2"
CSS_BUDGET_GZIP = 30 * 1024

# Pages with cards, in both languages.
CARD_PAGES = [
    "/en/",
    "/fr/",
    "/en/programmes/",
    "/fr/programmes/",
    "/en/programmes/drugs-in-prisons/",
    "/fr/programmes/drogues-en-prison/",
    "/en/countries/MD/",
    "/fr/pays/MD/",
]


def soup_of(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


# ---- Wordmark --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "home", "name", "organisation"),
    [
        ("/en/", "/en/", "Pompidou Group", "Council of Europe"),
        ("/fr/", "/fr/", "Groupe Pompidou", "Conseil de l’Europe"),
    ],
)
def test_the_header_wordmark_names_the_group_and_links_home_in_the_active_language(
    client, seeded, url, home, name, organisation
):
    page = soup_of(client.get(url))
    wordmark = page.select_one("header .wordmark")
    assert wordmark["href"] == home
    assert wordmark.select_one(".wordmark__name").get_text(strip=True) == name
    assert wordmark.select_one(".wordmark__org").get_text(strip=True) == organisation
    # Type, not a picture of someone's logo.
    assert not wordmark.find(["img", "svg", "picture"])


@pytest.mark.django_db
def test_inner_pages_wordmark_links_to_their_language_home(client, seeded):
    page = soup_of(client.get("/fr/programmes/drogues-en-prison/"))
    assert page.select_one("header .wordmark")["href"] == "/fr/"


# ---- Font ------------------------------------------------------------------------------------


def font_faces():
    return re.findall(r"@font-face\s*{([^}]*)}", CSS.read_text())


def test_the_font_is_a_self_hosted_subset_woff2_with_its_licence():
    for face in font_faces():
        assert "font-display: swap" in face
        assert "unicode-range:" in face
        (url,) = re.findall(r'url\("\.\./([^"]+)"\)', face)
        font = REPO_ROOT / "static" / url
        assert font.read_bytes()[:4] == b"wOF2", url
        # A subset: a whole family in woff2 weighs several hundred kilobytes.
        assert font.stat().st_size < 40 * 1024, url
    assert len(font_faces()) == 2, "one family: the Latin file and the Latin Extended one"
    assert "SIL OPEN FONT LICENSE" in (FONTS / "OFL.txt").read_text()
    assert "http" not in "".join(font_faces()), "never a font CDN"


def test_the_font_covers_french_romanian_and_polish_and_french_spacing():
    from fontTools.ttLib import TTFont

    characters = set()
    for name in ("source-sans-3-latin.woff2", "source-sans-3-latin-ext.woff2"):
        characters |= set(TTFont(FONTS / name).getBestCmap())
    needed = "àâçéèêëîïôœùûüÿÀÉÈŒ«»’–—…€" + "ăâîșțĂȘȚ" + "ąćęłńóśźżŁŚŻ" + "\u202f\u00a0"
    assert {ord(character) for character in needed} <= characters


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/", "/fr/programmes/", "/en/search/"])
def test_every_page_preloads_the_main_font(client, seeded, url):
    page = soup_of(client.get(url))
    preload = page.select_one('link[rel="preload"][as="font"]')
    assert preload["href"].endswith(MAIN_FONT)
    assert preload["type"] == "font/woff2"
    assert preload.has_attr("crossorigin"), "a font preload without crossorigin is fetched twice"
    # Before the style sheet, so that the font is asked for as early as the CSS.
    links = [link for link in page.head.find_all("link") if link.get("rel") in (["preload"], ["stylesheet"])]
    assert links[0] is preload


def test_the_page_shown_when_the_database_is_down_preloads_the_font_too():
    from django.template.loader import render_to_string

    html = render_to_string("503.html")
    assert f'href="/static/{MAIN_FONT}" as="font" type="font/woff2" crossorigin' in html
    assert 'class="wordmark"' in html


def test_the_font_is_served_hashed_with_a_long_cache(settings, tmp_path):
    """In production, collectstatic hashes the font's name (the CSS is rewritten to it) and
    whitenoise serves it to be cached for ten years."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    settings.DEBUG = False
    call_command("collectstatic", interactive=False, verbosity=0)
    (css_name,) = [path.name for path in (tmp_path / "css").glob("site.*.css")]
    hashed_fonts = re.findall(
        r'url\("\.\./fonts/(source-sans-3-latin\.[0-9a-f]{12}\.woff2)"\)', (tmp_path / "css" / css_name).read_text()
    )
    assert hashed_fonts, "the style sheet names the hashed font"

    middleware = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
    response = middleware(RequestFactory().get(f"/static/fonts/{hashed_fonts[0]}"))
    assert response.status_code == 200
    assert response["Content-Type"] == "font/woff2"
    assert "immutable" in response["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1)) >= 365 * 24 * 3600


def test_the_style_sheet_stays_within_its_budget():
    css = CSS.read_bytes()
    assert len(gzip.compress(css, compresslevel=9)) < CSS_BUDGET_GZIP
    # One style sheet, no framework.
    assert len(list((REPO_ROOT / "static" / "css").glob("*.css"))) == 1
    assert "@import" not in css.decode()


def test_the_design_system_has_its_custom_properties():
    root = re.search(r":root\s*{([^}]*)}", CSS.read_text()).group(1)
    for prop in ("--brand", "--accent", "--step-0", "--step-4", "--space-4", "--font"):
        assert f"{prop}:" in root
    assert ":focus-visible" in CSS.read_text()
    assert "@media print" in CSS.read_text()


# ---- Cards -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", CARD_PAGES)
def test_each_card_is_one_link_with_a_title_summary_and_a_visual(client, seeded, url):
    cards = soup_of(client.get(url)).select("main .card")
    assert cards
    for card in cards:
        links = card.find_all("a")
        assert len(links) == 1, "one link per card: no nested or second link"
        assert links[0].parent.get("class") == ["card__title"]
        assert links[0].parent.name in {"h2", "h3"}
        assert card.select_one(".card__text").get_text(strip=True)
        visual = card.select_one(".card__visual")
        assert visual["aria-hidden"] == "true"
        assert re.search(r"\bpattern--[0-5]\b", " ".join(visual["class"]))


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/programmes/", "/fr/programmes/"])
def test_each_programme_has_its_own_pattern(client, seeded, url):
    cards = soup_of(client.get(url)).select("main .card")
    patterns = [" ".join(card.select_one(".card__visual")["class"]) for card in cards]
    assert len(cards) == 5
    assert len(set(patterns)) == 5


@pytest.mark.django_db
def test_a_programme_wears_the_same_pattern_in_both_languages_and_its_projects_too(client, seeded):
    def patterns(url):
        return [
            next(name for name in card.select_one(".card__visual")["class"] if name.startswith("pattern--"))
            for card in soup_of(client.get(url)).select("main .card")
        ]

    assert patterns("/en/programmes/") == patterns("/fr/programmes/")
    programme_pattern = patterns("/en/programmes/")[1]  # Drugs in Prisons, the second programme
    assert set(patterns("/en/programmes/drugs-in-prisons/")) == {programme_pattern}


# ---- Home page -------------------------------------------------------------------------------


def main_of(response):
    return soup_of(response).find("main")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_home_page_shows_programmes_trainings_and_documents(client, seeded, language):
    main = main_of(client.get(f"/{language}/"))
    assert len(main.select("#programmes-heading ~ .card-list .card")) == 5
    recent = main.select("#recent-trainings-heading ~ .dated-list > li")
    assert recent, "the latest trainings"
    for item in recent:
        assert item.select_one(".dated-list__when time[datetime]"), "shown with the training's own dates"
    documents = main.select("#latest-documents-heading ~ .dated-list .document-link")
    assert documents
    for link in documents:
        assert re.search(r"\((PDF|DOCX?|XLSX?|ODT)", link.get_text())


@pytest.mark.django_db
def test_the_latest_trainings_are_ordered_by_their_own_dates(client, seeded):
    main = main_of(client.get("/en/"))
    datetimes = [
        item.select_one("time")["datetime"] for item in main.select("#recent-trainings-heading ~ .dated-list > li")
    ]
    assert datetimes == sorted(datetimes, reverse=True)
    assert datetimes[0].startswith("2012")
    # No upcoming training in the seed: the section is left out, not shown empty.
    assert not main.select("#upcoming-trainings-heading")


@pytest.mark.django_db
def test_trainings_still_to_come_are_listed_as_upcoming(client, seeded):
    with time_machine.travel(date(2011, 6, 1)):
        main = main_of(client.get("/en/"))
    upcoming = [link.get_text() for link in main.select("#upcoming-trainings-heading ~ .dated-list a")]
    recent = [link.get_text() for link in main.select("#recent-trainings-heading ~ .dated-list a")]
    assert any(title.startswith("2012 edition") for title in upcoming)
    assert not any(title.startswith("2012 edition") for title in recent)
    assert any(title.startswith("2010 pilot course") for title in recent)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_home_page_shows_no_utility_page_and_no_seeding_date(client, seeded, language):
    home = HomePage.objects.get(locale__language_code=language)
    utility_urls = {
        page.url for model in (StandardPage, FeedbackFormPage) for page in model.objects.descendant_of(home).live()
    }
    assert utility_urls
    main = main_of(client.get(f"/{language}/"))
    assert not {link["href"] for link in main.find_all("a")} & utility_urls
    text = main.get_text(" ")
    with translation.override(language):
        for day in {home.last_published_at.date(), date.today()}:
            assert format_date(day, "j F Y") not in text
            assert format_date(day, "F Y") not in text
    assert "Updated" not in text and "Mis à jour" not in text


# ---- Breadcrumbs ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/en/programmes/drugs-in-prisons/republic-of-moldova/", "/fr/programmes/drogues-en-prison/roumanie/"]
)
def test_the_breadcrumb_trail_is_whole_in_the_markup(client, seeded, url):
    nav = soup_of(client.get(url)).select_one("nav.breadcrumbs")
    crumbs = nav.select("ol > li > a")
    assert len(crumbs) == 4
    assert crumbs[-1]["aria-current"] == "page"
    for middle in crumbs[1:-1]:
        # Cut short on a phone by the style sheet: the title attribute still gives it whole.
        assert middle["title"] == middle.get_text()
    assert "Drugs in Prisons" in crumbs[2].get_text() or "Drogues en prison" in crumbs[2].get_text()


def test_the_breadcrumbs_are_styled_to_stay_on_one_line():
    css = CSS.read_text()
    block = re.findall(r"\.breadcrumbs ol\s*{([^}]*)}", css)[-1]
    assert "flex-wrap: nowrap" in block
    assert "text-overflow: ellipsis" in re.search(r"\.breadcrumbs a\s*{([^}]*)}", css).group(1)
