"""The bilingual site: both languages everywhere, a switcher that finds the counterpart, French
interface text, and the translation workflow editors use in the admin."""

from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest

from django.urls import reverse

from wagtail.models import Locale, Page

from pompidou_site.models import CustomDocument, HomePage, Partner
from programmes.models import ProgrammePage
from trainings.models import TrainingOutlinePage

from . import factories


class LinkCollector(HTMLParser):
    """The page's alternate links, its language switcher's links and its document links."""

    def __init__(self):
        super().__init__()
        self.html_lang = None
        self.alternates = {}
        self.canonical = None
        self.switcher_links = {}
        self.in_switcher = False
        self.switcher_text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "link" and attrs.get("rel") == "alternate" and attrs.get("hreflang"):
            self.alternates[attrs["hreflang"]] = attrs["href"]
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        elif tag == "nav" and "language-switcher" in attrs.get("class", ""):
            self.in_switcher = True
        elif tag == "a" and self.in_switcher and attrs.get("hreflang"):
            self.switcher_links[attrs["hreflang"]] = attrs["href"]

    def handle_endtag(self, tag):
        if tag == "nav":
            self.in_switcher = False

    def handle_data(self, data):
        if self.in_switcher:
            self.switcher_text.append(data)


def collect(response):
    parser = LinkCollector()
    parser.feed(response.content.decode())
    return parser


def path_of(url):
    return urlparse(url).path


def seeded_pages(language):
    return Page.objects.live().public().filter(locale__language_code=language, depth__gt=1).specific()


@pytest.mark.django_db
def test_every_seeded_page_exists_in_both_languages(seeded):
    english = {page.translation_key: page for page in seeded_pages("en")}
    french = {page.translation_key: page for page in seeded_pages("fr")}
    assert len(english) >= 18
    assert set(english) == set(french), "every page has its counterpart, and no page is in one language only"
    for key, page in english.items():
        assert type(french[key]) is type(page)
        translated = (french[key].title, french[key].introduction) != (page.title, page.introduction)
        assert translated, f"{page.title} is the same in French"


@pytest.mark.django_db
def test_the_switcher_on_every_page_points_to_its_counterpart(client, seeded):
    french = {page.translation_key: page for page in seeded_pages("fr")}
    for page in seeded_pages("en"):
        counterpart = french[page.translation_key]
        english_view = collect(client.get(page.url))
        french_view = collect(client.get(counterpart.url))
        assert english_view.html_lang == "en" and french_view.html_lang == "fr", page.url
        assert english_view.switcher_links["fr"] == counterpart.url, page.url
        assert french_view.switcher_links["en"] == page.url, counterpart.url


@pytest.mark.django_db
def test_hreflang_alternates_are_symmetric_and_canonical_is_the_page_itself(client, seeded):
    for page in seeded_pages("en"):
        english_view = collect(client.get(page.url))
        assert path_of(english_view.canonical) == page.url
        assert {"en", "fr", "x-default"} <= set(english_view.alternates), page.url
        assert path_of(english_view.alternates["en"]) == page.url
        assert path_of(english_view.alternates["x-default"]) == page.url
        french_url = path_of(english_view.alternates["fr"])
        french_view = collect(client.get(french_url))
        assert path_of(french_view.canonical) == french_url
        assert {language: path_of(url) for language, url in french_view.alternates.items()} == {
            language: path_of(url) for language, url in english_view.alternates.items()
        }, page.url


@pytest.mark.django_db
def test_a_french_visitor_reads_french_interface_text_and_dates(client, seeded):
    outline = TrainingOutlinePage.objects.get(locale__language_code="fr", year=2010)
    html = client.get(outline.url).content.decode()
    assert 'lang="fr"' in html
    assert "mai 2010" in html
    assert "environ 30 participants" in html
    assert "Aller au contenu principal" in html
    assert "Rechercher" in html
    assert "Skip to main content" not in html

    english = outline.get_translation(Locale.objects.get(language_code="en"))
    english_html = client.get(english.url).content.decode()
    assert "May 2010" in english_html
    assert "about 30 participants" in english_html


@pytest.mark.django_db
def test_statuses_and_file_sizes_follow_the_language(client, seeded):
    prisons_fr = ProgrammePage.objects.get(locale__language_code="fr", slug="drogues-en-prison")
    html = client.get(prisons_fr.url).content.decode()
    assert "À venir" in html
    assert "To come" not in html
    # Django's file sizes, kept on one line with a no-break space: "Kio" in French.
    assert "\xa0Kio" in html
    assert "\xa0KB" not in html


@pytest.mark.django_db
def test_a_french_page_offers_the_french_document_and_marks_english_only_ones(client, seeded):
    outline = TrainingOutlinePage.objects.get(locale__language_code="fr", year=2010)
    french_document = CustomDocument.objects.get(language="fr", title__contains="2010")
    html = client.get(outline.url).content.decode()
    assert french_document.url in html
    assert CustomDocument.objects.get(language="en", title__contains="2010").url not in html

    prisons_fr = ProgrammePage.objects.get(locale__language_code="fr", slug="drogues-en-prison")
    html = client.get(prisons_fr.url).content.decode()
    english_only = CustomDocument.objects.filter(language="en").exclude(title__contains="outline 20")
    assert any(document.url in html for document in english_only)
    assert "en anglais" in html
    assert 'hreflang="en"' in html


@pytest.mark.django_db
def english_and_french_homes():
    return [HomePage.objects.get(locale__language_code=language) for language in ("en", "fr")]


@pytest.mark.django_db
def test_a_page_in_one_language_only_says_so_and_offers_the_other_home(client, seeded):
    home, home_fr = english_and_french_homes()
    lonely = factories.StandardPageFactory(parent=home, title="Only in English", slug="only-english")
    response = client.get(lonely.url)
    assert response.status_code == 200
    switcher = collect(response)
    assert "Cette page n’existe pas en français." in " ".join(switcher.switcher_text)
    assert switcher.switcher_links["fr"] == home_fr.url
    assert client.get(switcher.switcher_links["fr"]).status_code == 200
    assert "fr" not in collect(response).alternates


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("fr-FR,fr;q=0.9,en;q=0.5", "/fr/"), ("en-GB,en;q=0.8", "/en/"), ("de-DE,de;q=0.9", "/en/"), ("", "/en/")],
)
def test_the_root_sends_visitors_to_their_browser_language(client, seeded, accept_language, expected):
    response = client.get("/", headers={"accept-language": accept_language} if accept_language else {})
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.django_db
def test_non_page_views_switch_language_too(client, seeded):
    html = client.get("/fr/countries/").content.decode()
    switcher = collect(client.get("/fr/countries/"))
    assert switcher.switcher_links["en"] == "/en/countries/"
    assert "Pays" in html


@pytest.mark.django_db
def test_translating_a_page_in_the_admin_creates_a_french_version_that_can_be_published(client, seeded, superuser):
    client.force_login(superuser)
    home, home_fr = english_and_french_homes()
    page = factories.StandardPageFactory(parent=home, title="Annual report", slug="annual-report")
    french = Locale.objects.get(language_code="fr")

    response = client.post(
        reverse("wagtail_localize:submit_page_translation", args=[page.id]),
        {"locales": [french.id]},
    )
    assert response.status_code == 302

    translation = page.get_translation(french)
    assert translation.get_parent().specific == home_fr

    translation.title = "Rapport annuel"
    translation.save_revision(user=superuser).publish()
    published = client.get(translation.url)
    assert published.status_code == 200
    assert "Rapport annuel" in published.content.decode()
    assert collect(client.get(page.url)).switcher_links["fr"] == translation.url


@pytest.mark.django_db
def test_snippets_are_translated_in_the_admin(client, superuser, seeded):
    client.force_login(superuser)
    french = Locale.objects.get(language_code="fr")
    partner = factories.PartnerFactory(name="European Society for Social Drug Research")
    response = client.post(
        reverse(
            "wagtail_localize:submit_snippet_translation",
            args=[partner._meta.app_label, partner._meta.model_name, partner.pk],
        ),
        {"locales": [french.id]},
    )
    assert response.status_code == 302
    assert Partner.objects.filter(translation_key=partner.translation_key, locale=french).exists()


@pytest.mark.django_db
def test_search_shows_the_visitor_language_only(client, seeded):
    french_titles = set(seeded_pages("fr").values_list("title", flat=True))
    english_titles = set(seeded_pages("en").values_list("title", flat=True))
    html = client.get("/en/search/", {"q": "training"}).content.decode()
    assert any(title in html for title in english_titles)
    assert not any(title in html for title in french_titles - english_titles)
    html = client.get("/fr/search/", {"q": "formation"}).content.decode()
    assert any(title in html for title in french_titles)
    assert not any(title in html for title in english_titles - french_titles)


@pytest.mark.django_db
def test_the_footer_speaks_the_visitor_language_and_links_the_group_site_in_it(client, seeded):
    english = client.get("/en/").content.decode()
    french = client.get("/fr/").content.decode()
    assert 'href="https://www.coe.int/en/web/pompidou"' in english
    assert 'href="https://www.coe.int/fr/web/pompidou"' in french
    assert "Co-operation Group to Combat Drug Abuse" in english
    assert "Groupe de coopération en matière de lutte contre l'abus" in french
