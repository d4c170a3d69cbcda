"""The bilingual site: both languages everywhere, a switcher that finds the counterpart, French
interface text, and the translation workflow editors use in the admin."""

from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

from django.urls import reverse

from wagtail.models import Locale, Page
from wagtail_localize.models import OverridableSegment, StringSegment, StringTranslation, Translation

from pompidou_site.models import (
    Country,
    CustomDocument,
    FeedbackFormField,
    FeedbackFormPage,
    FooterText,
    HomePage,
    Partner,
    StandardPage,
    alphabetical,
)
from programmes.models import ProgrammeIndexPage, ProgrammePage
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
    # File sizes kept on one line with a no-break space, in French units: « Ko », never « Kio ».
    assert "\xa0Ko" in html
    assert "Kio" not in html
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
    html = client.get("/fr/pays/").content.decode()
    switcher = collect(client.get("/fr/pays/"))
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
    html = client.get("/fr/recherche/", {"q": "formation"}).content.decode()
    assert any(title in html for title in french_titles)
    assert not any(title in html for title in english_titles - french_titles)


@pytest.mark.django_db
def test_the_footer_speaks_the_visitor_language_and_links_the_group_site_in_it(client, seeded):
    english = client.get("/en/").content.decode()
    french = client.get("/fr/").content.decode()
    assert 'href="https://www.coe.int/en/web/pompidou"' in english
    assert 'href="https://www.coe.int/fr/web/pompidou"' in french
    assert "Co-operation Group to Combat Drug Abuse" in english
    assert "Groupe de coopération en matière de lutte contre l’abus" in french


# The wagtail-localize workflow for what editors create after the seed: Translate, translate the
# strings, publish; then change the English original and Sync.


def french_locale():
    return Locale.objects.get(language_code="fr")


def french_text(path, text):
    """What the translator types for the string at `path`: recognisably the French version."""
    return f"{text}-fr" if path == "slug" else f"[fr] {text}"


def submit_for_translation(client, instance):
    """The Translate action of the admin, for a page or a snippet, into French."""
    if isinstance(instance, Page):
        url = reverse("wagtail_localize:submit_page_translation", args=[instance.pk])
    else:
        meta = instance._meta
        url = reverse(
            "wagtail_localize:submit_snippet_translation", args=[meta.app_label, meta.model_name, instance.pk]
        )
    response = client.post(url, {"locales": [french_locale().pk]})
    assert response.status_code == 302
    return Translation.objects.get(source__object_id=instance.translation_key, target_locale=french_locale())


def string_paths(translation):
    return set(StringSegment.objects.filter(source=translation.source).values_list("context__path", flat=True))


def translate_strings(translation, translate=french_text):
    """Give each string not yet translated its French version, as the translator does in the editor."""
    for segment in StringSegment.objects.filter(source=translation.source).select_related("string", "context"):
        StringTranslation.objects.get_or_create(
            translation_of=segment.string,
            locale=translation.target_locale,
            context=segment.context,
            defaults={
                "data": translate(segment.context.path, segment.string.data),
                "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
            },
        )


def publish(translation, capture):
    """The translator's Publish button. Pages are published once the transaction commits."""
    translation = Translation.objects.get(pk=translation.pk)  # with its source as a sync left it
    with capture(execute=True):
        translation.save_target(publish=True)
    return translation.get_target_instance()


def sync(client, translation, capture, publish_now=True):
    """The Sync action of the admin ("Update existing translations"), optionally publishing at once."""
    with capture(execute=True):
        response = client.post(
            reverse("wagtail_localize:update_translations", args=[translation.source.pk]),
            {"publish_translations": "on"} if publish_now else {},
        )
    assert response.status_code == 302
    return translation.get_target_instance()


def english(model, **filters):
    return model.objects.filter(locale__language_code="en", **filters).order_by("path").first()


def seeded_country(iso_code):
    return Country.objects.get(iso_code=iso_code, locale__language_code="en")


def seeded_partner(number):
    return Partner.objects.filter(locale__language_code="en").order_by("pk")[number]


def new_programme_index():
    # One programme index per home page: the seeded one is translated afresh instead.
    index = english(ProgrammeIndexPage)
    index.get_translation(french_locale()).delete()
    return index


def new_programme():
    return factories.ProgrammePageFactory(
        parent=english(ProgrammeIndexPage),
        title="Drug policy and human rights",
        slug="drug-policy-and-human-rights",
        countries=[seeded_country("MD")],
        partners=[seeded_partner(0)],
    )


def new_country_project():
    return factories.CountryProjectPageFactory(
        parent=english(ProgrammePage),
        title="Prison health in Romania",
        slug="prison-health-romania",
        countries=[seeded_country("RO")],
        partners=[seeded_partner(1)],
    )


def new_training_outline():
    return factories.TrainingOutlinePageFactory(
        parent=english(ProgrammePage),
        year=2024,
        title="Regional training 2024",
        slug="regional-training-2024",
        country=seeded_country("MD"),
        organisers=[seeded_partner(0)],
        partners=[seeded_partner(1)],
        audience="Prison doctors and nurses",
    )


def new_standard_page():
    return factories.StandardPageFactory(parent=english(HomePage), title="Annual report", slug="annual-report")


def new_feedback_form():
    return factories.FeedbackFormPageFactory(
        parent=english(StandardPage, slug__startswith="accessib"),
        title="Suggest a training",
        slug="suggest-a-training",
        form_fields=[
            FeedbackFormField(
                sort_order=0, label="Your suggestion", field_type="multiline", help_text="What should we teach?"
            ),
            FeedbackFormField(sort_order=1, label="Your e-mail address", field_type="email", required=False),
        ],
    )


NEW_PAGES = {
    "ProgrammeIndexPage": new_programme_index,
    "ProgrammePage": new_programme,
    "CountryProjectPage": new_country_project,
    "TrainingOutlinePage": new_training_outline,
    "StandardPage": new_standard_page,
    "FeedbackFormPage": new_feedback_form,
}


@pytest.mark.django_db
@pytest.mark.parametrize("page_type", NEW_PAGES)
def test_every_page_type_is_translated_with_wagtail_localize_and_published_in_french(
    client, superuser, seeded, django_capture_on_commit_callbacks, page_type
):
    client.force_login(superuser)
    page = NEW_PAGES[page_type]()
    assert type(page).__name__ == page_type

    with django_capture_on_commit_callbacks(execute=True):
        translation = submit_for_translation(client, page)
    translate_strings(translation)
    french_page = publish(translation, django_capture_on_commit_callbacks)

    french_page = type(page).objects.get(pk=french_page.pk)
    assert french_page.locale == french_locale()
    assert french_page.get_parent().specific == page.get_parent().get_translation(french_locale()).specific
    assert french_page.live and not french_page.has_unpublished_changes
    assert french_page.title == f"[fr] {page.title}"
    response = client.get(french_page.url)
    assert response.status_code == 200
    assert f"[fr] {page.title}" in response.content.decode()
    assert collect(client.get(page.url)).switcher_links["fr"] == french_page.url
    # The French page opens in wagtail-localize's translation editor.
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[french_page.pk]))
    assert editor.status_code == 200
    assert b"translation-editor" in editor.content


@pytest.mark.django_db
def test_a_translated_training_outline_keeps_the_default_locale_country_and_shows_its_french_name(
    client, superuser, seeded, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    outline = new_training_outline()
    with django_capture_on_commit_callbacks(execute=True):
        translation = submit_for_translation(client, outline)
    assert "country" not in string_paths(translation)
    translate_strings(translation)
    french_outline = publish(translation, django_capture_on_commit_callbacks)
    assert french_outline.country == seeded_country("MD")
    assert set(french_outline.organisers.all()) == {seeded_partner(0)}
    assert "République de Moldova" in client.get(french_outline.url).content.decode()

    outline.country = seeded_country("RO")
    outline.organisers = [seeded_partner(1)]
    outline.save_revision().publish()
    french_outline = sync(client, translation, django_capture_on_commit_callbacks)
    assert french_outline.country == seeded_country("RO")
    assert set(french_outline.organisers.all()) == {seeded_partner(1)}
    assert french_outline.title == "[fr] Regional training 2024"
    assert "Roumanie" in client.get(french_outline.url).content.decode()


@pytest.mark.django_db
def test_sync_brings_a_programme_s_new_countries_and_partners_to_its_french_version(
    client, superuser, seeded, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    programme = new_programme()
    with django_capture_on_commit_callbacks(execute=True):
        translation = submit_for_translation(client, programme)
    assert not {"countries", "partners"} & string_paths(translation)
    translate_strings(translation)
    french_programme = publish(translation, django_capture_on_commit_callbacks)
    assert set(french_programme.countries.all()) == {seeded_country("MD")}

    programme.countries = [seeded_country("MD"), seeded_country("RO")]
    programme.partners = []
    programme.save_revision().publish()
    french_programme = sync(client, translation, django_capture_on_commit_callbacks)

    french_programme = ProgrammePage.objects.get(pk=french_programme.pk)
    assert set(french_programme.countries.all()) == {seeded_country("MD"), seeded_country("RO")}
    assert not french_programme.partners.exists(), "a partner removed in English is removed in French"
    assert french_programme.title == "[fr] Drug policy and human rights", "the French text is kept"
    assert not french_programme.has_unpublished_changes


@pytest.mark.django_db
def test_sync_keeps_the_french_labels_of_a_form_and_adds_its_new_fields(
    client, superuser, seeded, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    form = new_feedback_form()
    with django_capture_on_commit_callbacks(execute=True):
        translation = submit_for_translation(client, form)
    paths = {path.split(".")[-1] for path in string_paths(translation) if path.startswith("form_fields.")}
    assert paths == {"label", "help_text"}, "only words are offered to translators, not names or types"
    translate_strings(translation)
    french_form = publish(translation, django_capture_on_commit_callbacks)
    assert [field.label for field in french_form.form_fields.all()] == [
        "[fr] Your suggestion",
        "[fr] Your e-mail address",
    ]

    first, second = form.form_fields.all()
    second.label = "E-mail address for a reply"
    form.form_fields = [first, second, FeedbackFormField(sort_order=2, label="Your country", field_type="singleline")]
    form.save_revision().publish()
    french_form = sync(client, translation, django_capture_on_commit_callbacks)

    french_fields = list(FeedbackFormPage.objects.get(pk=french_form.pk).form_fields.all())
    assert french_fields[0].label == "[fr] Your suggestion", "an unchanged label stays French"
    # A changed or new label reads in English until the translator translates it.
    assert [field.label for field in french_fields[1:]] == ["E-mail address for a reply", "Your country"]
    # Answers are stored under the same names in both languages; types and rules are the English ones.
    english_fields = list(FeedbackFormPage.objects.get(pk=form.pk).form_fields.all())
    assert [field.clean_name for field in french_fields] == [field.clean_name for field in english_fields]
    assert [(f.field_type, f.required) for f in french_fields] == [(f.field_type, f.required) for f in english_fields]
    assert {field.locale for field in french_fields} == {french_locale()}

    translate_strings(translation)
    french_form = publish(translation, django_capture_on_commit_callbacks)
    html = client.get(french_form.url).content.decode()
    assert "[fr] E-mail address for a reply" in html
    assert "[fr] Your country" in html
    assert "[fr] Your suggestion" in html


@pytest.mark.django_db
# The address is a string for translators; Beautiful Soup, which reads every string, warns that it looks like one.
@pytest.mark.filterwarnings("ignore::bs4.MarkupResemblesLocatorWarning")
def test_the_french_footer_keeps_its_own_website_address_through_syncs(
    client, superuser, seeded, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    french_site = "https://www.coe.int/fr/web/pompidou"

    def translator(path, text):
        return french_site if path == "website_url" else french_text(path, text)

    # The seeded French footer is edited directly; a footer translated with wagtail-localize is synced.
    FooterText.objects.filter(locale=french_locale()).delete()
    footer = FooterText.objects.get(locale__language_code="en")
    translation = submit_for_translation(client, footer)
    assert "website_url" in string_paths(translation)
    translate_strings(translation, translator)
    assert publish(translation, django_capture_on_commit_callbacks).website_url == french_site
    assert f'href="{french_site}"' in client.get("/fr/").content.decode()

    footer.postal_address = "Postal address for the test"
    footer.save()
    assert sync(client, translation, django_capture_on_commit_callbacks).website_url == french_site

    # A new English address waits for its French one: nothing changes until the translator gives it.
    footer.website_url = "https://www.coe.int/en/web/pompidou/home"
    footer.save()
    assert sync(client, translation, django_capture_on_commit_callbacks, publish_now=False).website_url == french_site
    translate_strings(translation, lambda path, text: f"{french_site}/accueil" if path == "website_url" else text)
    assert publish(translation, django_capture_on_commit_callbacks).website_url == f"{french_site}/accueil"


@pytest.mark.django_db
def test_a_country_is_translated_in_the_admin_with_its_code_and_region_copied(
    client, superuser, seeded, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    country = factories.CountryFactory(name="Republic of Testland", region=Country.Region.EUROPE)
    translation = submit_for_translation(client, country)
    assert string_paths(translation) == {"name"}, "the ISO code and region are not offered to translators"
    assert not OverridableSegment.objects.filter(source=translation.source).exists()
    translate_strings(translation)
    french_country = publish(translation, django_capture_on_commit_callbacks)
    assert (french_country.name, french_country.iso_code, french_country.region) == (
        "[fr] Republic of Testland",
        country.iso_code,
        Country.Region.EUROPE,
    )

    country.region = Country.Region.MENA
    country.save()
    french_country = sync(client, translation, django_capture_on_commit_callbacks)
    assert (french_country.name, french_country.region) == ("[fr] Republic of Testland", Country.Region.MENA)


@pytest.mark.django_db
def test_a_partner_s_name_is_translated_its_kind_copied_and_its_website_may_be_overridden(client, superuser, seeded):
    client.force_login(superuser)
    partner = factories.PartnerFactory(name="National drug observatory")
    translation = submit_for_translation(client, partner)
    assert string_paths(translation) == {"name"}
    overridable = OverridableSegment.objects.filter(source=translation.source)
    assert set(overridable.values_list("context__path", flat=True)) == {"website"}


@pytest.mark.django_db
def test_french_country_names_are_in_french_alphabetical_order(client, seeded):
    soup = BeautifulSoup(client.get("/fr/pays/").content, "html.parser")
    # Each region's list, and the map's links, in French order: "Égypte" among the E.
    lists = [
        [link.get_text(strip=True) for link in country_list.select("a")]
        for country_list in soup.select("main .region-list .country-list")
    ]
    europe, mena = lists
    assert europe.index("Géorgie") < europe.index("Ukraine")
    assert mena.index("Algérie") < mena.index("Égypte") < mena.index("Liban")
    on_the_map = [title.get_text(strip=True) for title in soup.select("svg.world-map a title")]
    for names in [*lists, on_the_map]:
        assert names == sorted(names, key=alphabetical)
