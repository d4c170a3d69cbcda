"""Typography, as a reader sees it, on every seeded page in both languages.

French: a narrow no-break space (U+202F, or a no-break space U+00A0) before « : ; ? ! » and inside
« », « 1er » for the first of a month, « Ko » and « Mo » for file sizes. Both languages:
typographic apostrophes, en dashes between years, no "Kio"/"KiB".
"""

import datetime
import re

import pytest
from bs4 import BeautifulSoup, NavigableString

from django.test import Client
from django.urls import reverse
from django.utils import translation

from wagtail.models import Page

from pompidou_site.dates import format_day
from pompidou_site.templatetags.document_tags import file_size

from .factories import TrainingOutlinePageFactory

NO_BREAK_SPACES = "\u202f\u00a0"
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "button", "caption", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "label",
    "legend", "li", "main", "nav", "ol", "option", "p", "section", "summary", "table", "td", "th", "tr", "ul",
}  # fmt: skip
NOT_TEXT = {"script", "style", "template", "noscript"}
FRENCH_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
YEAR_RANGE_WITH_HYPHEN = re.compile(r"\b(?:19|20)\d{2}\s*[-‐‑]\s*(?:19|20)\d{2}\b")
# A URL or a time of day: their colons are not punctuation.
NOT_PUNCTUATION = re.compile(r"[a-z][a-z0-9+.-]*://\S*|\b\d{1,2}:\d{2}\b", re.IGNORECASE)


def visible_text(html, default_language):
    """[(language, text)]: the visible text of a page, one run per block, with the language of each run."""
    soup = BeautifulSoup(html, "html.parser")
    runs = []

    def walk(element, language):
        language = (element.get("lang") or language).split("-")[0]
        for child in element.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment, doctype or CDATA
                    runs.append([language, str(child)])
            elif child.name not in NOT_TEXT and not child.has_attr("hidden"):
                block = child.name in BLOCK_TAGS
                if block:
                    runs.append([language, "\n"])
                walk(child, language)
                if block:
                    runs.append([language, "\n"])

    body = soup.find("body")
    walk(body, soup.find("html").get("lang", default_language))
    # Join what one language says in one block; a block ends a sentence's context.
    joined = []
    for language, text in runs:
        if joined and joined[-1][0] == language and text != "\n" and joined[-1][1][-1:] != "\n":
            joined[-1][1] += text
        else:
            joined.append([language, text])
    return [(language, text) for language, text in joined if text.strip()]


def typography_problems(html, page_language):
    problems = []
    for language, text in visible_text(html, page_language):
        if "'" in text:
            problems.append(f"straight apostrophe: {text.strip()!r}")
        if YEAR_RANGE_WITH_HYPHEN.search(text):
            problems.append(f"hyphen between years: {text.strip()!r}")
        if re.search(r"\b(?:KiB|MiB|Kio|Mio)\b", text):
            problems.append(f"binary unit for a file size: {text.strip()!r}")
        if language != "fr":
            continue
        prose = NOT_PUNCTUATION.sub(" ", text)
        for match in re.finditer(r"[:;?!]", prose):
            before = prose[match.start() - 1] if match.start() else ""
            if before not in NO_BREAK_SPACES:
                problems.append(f"« {match.group()} » after {before!r}: {text.strip()!r}")
        for match in re.finditer(r"«(.)|(.)»", prose):
            space = match.group(1) or match.group(2)
            if space not in NO_BREAK_SPACES:
                problems.append(f"guillemet without a no-break space: {text.strip()!r}")
        if re.search(rf"(?<!\d)1\s+(?:{FRENCH_MONTHS})\b", text):
            problems.append(f"« 1 » for the first of a month: {text.strip()!r}")
    return problems


def views_of_the_site(language):
    """The site's pages that are views, not Wagtail pages: the country index, each country, searches
    (one finding documents, and the document library)."""
    with translation.override(language):
        search = reverse("search")
        urls = [reverse("country_index"), f"{search}?q=prison", f"{search}?q=training", f"{search}?type=document"]
        urls += [reverse("country_detail", kwargs={"iso_code": code}) for code in ("MD", "PL", "UA")]
    return urls


@pytest.fixture(scope="module")
def rendered_pages(seeded_module, django_db_blocker):
    """(url, language, html) of every live page of the seed and every kind of view, in both languages."""
    with django_db_blocker.unblock():
        client = Client()
        pages = Page.objects.live().public().filter(depth__gte=2).specific().order_by("path")
        addresses = [(page.url, page.locale.language_code) for page in pages]
        addresses += [(url, language) for language in ("en", "fr") for url in views_of_the_site(language)]
        rendered = []
        for url, language in addresses:
            response = client.get(url)
            assert response.status_code == 200, url
            rendered.append((url, language, response.content.decode()))
        return rendered


def test_the_seed_has_pages_in_both_languages(rendered_pages):
    languages = [language for _url, language, _html in rendered_pages]
    assert languages.count("en") >= 20
    assert languages.count("fr") == languages.count("en")


def test_every_seeded_page_follows_the_typography_of_its_language(rendered_pages):
    problems = {}
    for url, language, html in rendered_pages:
        found = typography_problems(html, language)
        if found:
            problems[url] = found
    assert problems == {}, "\n".join(f"{url}: {found}" for url, found in problems.items())


def test_file_sizes_are_in_the_readers_units(rendered_pages):
    sizes = {"en": [], "fr": []}
    for _url, language, html in rendered_pages:
        sizes[language] += re.findall(r"\d+(?:[.,]\d)?\u00a0(\w+)\)", BeautifulSoup(html, "html.parser").get_text())
        sizes[language] += re.findall(r"\d+(?:[.,]\d)?\u00a0(\w+),", BeautifulSoup(html, "html.parser").get_text())
    assert sizes["en"] and set(sizes["en"]) <= {"KB", "MB", "bytes"}
    assert sizes["fr"] and set(sizes["fr"]) <= {"Ko", "Mo", "octets"}


def test_labels_carry_their_colon_from_the_catalogue_not_from_css(rendered_pages):
    french_programmes = next(html for url, _language, html in rendered_pages if url == "/fr/programmes/")
    labels = [dt.get_text() for dt in BeautifulSoup(french_programmes, "html.parser").select(".facts--compact dt")]
    assert labels and all(label.endswith("\u202f:") for label in labels), labels
    with open("static/css/site.css", encoding="utf-8") as css:
        assert not re.search(r"""content:\s*["']\s*:""", css.read()), "a colon drawn by CSS"


def test_the_checks_catch_what_they_look_for():
    """The test above would see each fault the issue found."""
    page = '<html lang="fr"><body><main><p>Pays: Pologne</p><dl><dt>Taille</dt><dd>3,4 Kio</dd></dl>'
    page += "<p>l'abus</p><p>2007-2008</p><p>« test »</p><p>1 décembre 2026</p>"
    page += '<p lang="en">Drugs in Prisons: Moldova</p><p>https://example.org à 10:30</p></main></body></html>'
    problems = " ".join(typography_problems(page, "fr"))
    for expected in ("« : » after 's'", "Kio", "straight apostrophe", "hyphen between years", "guillemet", "« 1 »"):
        assert expected in problems
    assert "Moldova" not in problems and "example" not in problems


@pytest.mark.parametrize(
    ("language", "day", "expected"),
    [
        ("fr", datetime.date(2026, 12, 1), "1er décembre 2026"),
        ("fr", datetime.date(2026, 12, 2), "2 décembre 2026"),
        ("fr", datetime.date(2026, 12, 11), "11 décembre 2026"),
        ("en", datetime.date(2026, 12, 1), "1 December 2026"),
    ],
)
def test_the_first_of_the_month_is_an_ordinal_in_french(language, day, expected):
    with translation.override(language):
        assert format_day(day) == expected


def test_training_dates_starting_on_the_first(db):
    training = TrainingOutlinePageFactory.build(
        year=2010, start_date=datetime.date(2010, 5, 1), end_date=datetime.date(2010, 5, 7), date_precision="day"
    )
    with translation.override("fr"):
        assert training.dates_text == "1er–7 mai 2010"
        assert '<time datetime="2010-05-01">1er</time>' in training.dates_html
    with translation.override("en"):
        assert training.dates_text == "1–7 May 2010"
    training.end_date = datetime.date(2010, 6, 1)
    with translation.override("fr"):
        assert training.dates_text == "1er mai – 1er juin 2010"


@pytest.mark.parametrize(
    ("language", "size", "expected"),
    [
        ("en", 2867, "2.8\u00a0KB"),
        ("fr", 2867, "2,8\u00a0Ko"),
        ("fr", 5 * 1024 * 1024, "5,0\u00a0Mo"),
        ("en", 512, "512\u00a0bytes"),
        ("fr", 512, "512\u00a0octets"),
        ("en", None, ""),
    ],
)
def test_file_sizes(language, size, expected):
    with translation.override(language):
        assert file_size(size) == expected
