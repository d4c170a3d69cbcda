"""The open data API (/api/v2/): what it shows in each language, its filters, what it never shows,
and that it stays read-only, throttled and cheap."""

from urllib.parse import urlencode

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

from pompidou_site.models import Country

from . import factories
from .conftest import translate
from .test_hostile_input import HOSTILE_STRINGS

pytestmark = pytest.mark.django_db

PROGRAMMES = "/api/v2/pages/?type=programmes.ProgrammePage"
PROJECTS = "/api/v2/pages/?type=programmes.CountryProjectPage"
TRAININGS = "/api/v2/pages/?type=trainings.TrainingOutlinePage"


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:500])
    assert response["Content-Type"] == "application/json"
    return response.json()


def titles(data):
    return sorted(item["title"] for item in data["items"])


def french_country(country, french, name):
    translation = country.copy_for_translation(french)
    translation.name = name
    translation.save()
    return translation


@pytest.fixture
def french_tree(site_tree):
    """The site tree with the programme's countries named in French."""
    french = site_tree.home_fr.locale
    french_country(site_tree.moldova, french, "République de Moldavie")
    french_country(site_tree.romania, french, "Roumanie")
    return site_tree


# What each endpoint shows, in both languages


def test_programmes_in_english_with_their_fields(client, site_tree):
    data = get(client, f"{PROGRAMMES}&locale=en&fields=*")
    assert data["meta"]["total_count"] == 1
    programme = data["items"][0]
    assert programme["title"] == "Drugs in Prisons"
    assert programme["meta"]["html_url"] == site_tree.programme.get_full_url()
    assert programme["meta"]["locale"] == "en"
    assert programme["start_year"] == 2011
    assert programme["end_year"] is None
    assert programme["countries"] == [
        {"iso_code": "MD", "name": "Republic of Moldova"},
        {"iso_code": "RO", "name": "Romania"},
    ]
    partner = site_tree.partner
    assert programme["partners"] == [{"name": partner.name, "website": partner.website, "kind": partner.kind}]


def test_programmes_in_french_name_their_countries_in_french(client, french_tree):
    data = get(client, f"{PROGRAMMES}&locale=fr&fields=countries")
    assert [item["meta"]["locale"] for item in data["items"]] == ["fr"]
    assert data["items"][0]["meta"]["html_url"] == french_tree.programme_fr.get_full_url()
    assert data["items"][0]["countries"] == [
        {"iso_code": "MD", "name": "République de Moldavie"},
        {"iso_code": "RO", "name": "Roumanie"},
    ]


def test_a_page_in_detail_has_every_field(client, site_tree):
    data = get(client, f"/api/v2/pages/{site_tree.country_project.pk}/")
    assert data["title"] == site_tree.country_project.title
    assert data["status"] == "ongoing"
    assert data["countries"] == [{"iso_code": "MD", "name": "Republic of Moldova"}]
    assert data["meta"]["parent"]["id"] == site_tree.programme.pk


def test_training_outlines_give_their_dates_as_precisely_as_known(client, site_tree):
    data = get(client, f"{TRAININGS}&fields=dates,country,city,year")
    (training,) = data["items"]
    # The factory's training is known to the month: no invented first day.
    assert training["dates"] == {"start": "2012-05", "end": None, "precision": "month"}
    assert training["country"] == {"iso_code": "MD", "name": "Republic of Moldova"}
    assert training["city"] == "Warsaw"
    assert training["year"] == 2012
    assert "start_date" not in get(client, f"/api/v2/pages/{site_tree.training_outline.pk}/")


def test_training_outlines_in_both_languages(client, french_tree):
    training = french_tree.training_outline
    french_training = translate(training, french_tree.home_fr.locale)
    french_training.title = "Formation 2012"
    french_training.save_revision().publish()
    english = get(client, f"{TRAININGS}&locale=en&year=2012&fields=dates,country")
    french = get(client, f"{TRAININGS}&locale=fr&year=2012&fields=dates,country")
    assert titles(english) == [training.title]
    assert titles(french) == ["Formation 2012"]
    assert french["items"][0]["dates"] == english["items"][0]["dates"]
    assert english["items"][0]["country"]["name"] == "Republic of Moldova"
    assert french["items"][0]["country"] == {"iso_code": "MD", "name": "République de Moldavie"}


def test_countries_in_each_language(client, french_tree):
    english = get(client, "/api/v2/countries/?locale=en")
    french = get(client, "/api/v2/countries/?locale=fr")
    assert [(item["iso_code"], item["name"]) for item in english["items"]] == [
        ("MD", "Republic of Moldova"),
        ("RO", "Romania"),
    ]
    assert [(item["iso_code"], item["name"]) for item in french["items"]] == [
        ("MD", "République de Moldavie"),
        ("RO", "Roumanie"),
    ]
    root = french_tree.site.root_url
    assert french["items"][0]["meta"]["html_url"] == f"{root}/fr/pays/MD/"
    assert english["items"][0]["meta"]["html_url"] == f"{root}/en/countries/MD/"
    only_moldova = get(client, "/api/v2/countries/?iso_code=MD")
    assert {item["meta"]["locale"] for item in only_moldova["items"]} == {"en", "fr"}
    detail = get(client, f"/api/v2/countries/{french_tree.moldova.pk}/")
    assert detail["name"] == "Republic of Moldova"
    assert detail["region"] == "europe"


def test_public_documents_are_listed_with_their_download_address(client, site_tree):
    document = factories.CustomDocumentFactory(title="Training outline 2012", language="fr")
    data = get(client, "/api/v2/documents/?fields=*")
    (item,) = data["items"]
    assert item["title"] == "Training outline 2012"
    assert item["language"] == "fr"
    assert item["meta"]["file_type"] == "PDF"
    assert item["meta"]["download_url"] == f"{site_tree.site.root_url}{document.url}"
    assert client.get(document.url).status_code == 200
    assert get(client, "/api/v2/documents/?language=en")["items"] == []


def test_a_pages_documents_are_its_public_ones(client, site_tree, private_collection):
    public = factories.CustomDocumentFactory(title="Project report")
    private = factories.CustomDocumentFactory(title="Secretariat minutes", collection=private_collection)
    page = factories.CountryProjectPageFactory(
        parent=site_tree.programme,
        countries=[site_tree.moldova],
        documents=[
            ("document", {"document": private, "title": ""}),
            ("document", {"document": public, "title": "The report"}),
        ],
    )
    data = get(client, f"/api/v2/pages/{page.pk}/")
    assert [(item["id"], item["title"]) for item in data["documents"]] == [(public.pk, "The report")]


# Filters


def doc_titles(client, query):
    return titles(get(client, f"/api/v2/documents/?{query}"))


@pytest.fixture
def linked_documents(site_tree, private_collection):
    """A document on the Moldovan project, one on the 2012 training, one on another programme's
    Romanian project, one private on the Moldovan project, one linked from nowhere."""
    document = factories.CustomDocumentFactory
    linked = {
        "moldova": document(title="Moldova report", language="en"),
        "training": document(title="Training outline", language="fr"),
        "lebanon": document(title="MedNET report", language="fr"),
        "private": document(title="Secretariat minutes", collection=private_collection),
        "unlinked": document(title="Annual report", language="en"),
    }
    project = site_tree.country_project
    project.documents = [
        ("document", {"document": linked["moldova"], "title": ""}),
        ("document", {"document": linked["private"], "title": ""}),
    ]
    project.save_revision().publish()
    training = site_tree.training_outline
    training.outline_documents = [("document", {"document": linked["training"], "title": ""})]
    training.save_revision().publish()
    other = factories.ProgrammePageFactory(parent=site_tree.index, title="MedNET", start_year=2006, end_year=2008)
    factories.CountryProjectPageFactory(
        parent=other,
        countries=[site_tree.romania],
        documents=[("document", {"document": linked["lebanon"], "title": ""})],
    )
    linked["other_programme"] = other
    return linked


def test_documents_by_programme_are_those_linked_below_it(client, site_tree, linked_documents):
    assert doc_titles(client, f"programme={site_tree.programme.pk}") == ["Moldova report", "Training outline"]
    assert doc_titles(client, f"programme={linked_documents['other_programme'].pk}") == ["MedNET report"]
    # A page that is not a programme, or none, chooses nothing.
    assert doc_titles(client, f"programme={site_tree.country_project.pk}") == []
    assert doc_titles(client, "programme=99999") == []


def test_documents_by_country_and_year_are_those_their_pages_link(client, site_tree, linked_documents):
    assert doc_titles(client, "country=MD") == ["Moldova report", "Training outline"]
    assert doc_titles(client, "country=ro") == ["MedNET report"]
    assert doc_titles(client, "country=ZZ") == []
    # The training took place in 2012; the MedNET programme ran from 2006 to 2008 (its project has no year).
    assert doc_titles(client, "year=2012") == ["Training outline"]
    assert doc_titles(client, "year=2007") == []
    assert doc_titles(client, "year=1990") == []


def test_documents_by_their_language(client, site_tree, linked_documents):
    assert doc_titles(client, "language=fr") == ["MedNET report", "Training outline"]
    assert doc_titles(client, "language=en") == ["Annual report", "Moldova report"]


def test_document_filters_combine_on_the_same_pages(client, site_tree, linked_documents):
    programme = site_tree.programme.pk
    assert doc_titles(client, f"programme={programme}&country=MD&year=2012") == ["Training outline"]
    assert doc_titles(client, f"programme={programme}&country=MD&language=en") == ["Moldova report"]
    assert doc_titles(client, f"programme={programme}&country=RO") == []
    assert doc_titles(client, "country=MD&search=moldova") == ["Moldova report"]


def test_document_filters_never_show_a_private_document(client, site_tree, linked_documents):
    private = linked_documents["private"]
    for query in (f"programme={site_tree.programme.pk}", "country=MD", "fields=*&country=MD&limit=50"):
        text = client.get(f"/api/v2/documents/?{query}").content.decode()
        assert "Secretariat minutes" not in text
        assert f'"id": {private.pk},' not in text and f'"id":{private.pk},' not in text


def test_documents_of_a_draft_or_restricted_page_are_not_chosen_by_its_filters(client, site_tree, linked_documents):
    project = site_tree.country_project
    PageViewRestriction.objects.create(page=project, restriction_type=PageViewRestriction.LOGIN)
    assert doc_titles(client, "country=MD") == ["Training outline"]
    assert doc_titles(client, f"programme={site_tree.programme.pk}") == ["Training outline"]


def test_filter_by_country(client, site_tree):
    assert titles(get(client, f"{PROJECTS}&country=MD")) == [site_tree.country_project.title]
    assert titles(get(client, f"{PROJECTS}&country=ro")) == [site_tree.planned_project.title]
    assert titles(get(client, f"{PROGRAMMES}&country=MD&locale=en")) == ["Drugs in Prisons"]
    assert get(client, f"{PROGRAMMES}&country=ZZ")["items"] == []
    assert titles(get(client, f"{TRAININGS}&country=MD")) == [site_tree.training_outline.title]


def test_filter_by_year(client, site_tree):
    # The programme runs since 2011; the training took place in 2012.
    assert titles(get(client, f"{PROGRAMMES}&year=2013&locale=en")) == ["Drugs in Prisons"]
    assert get(client, f"{PROGRAMMES}&year=2010")["items"] == []
    assert titles(get(client, f"{TRAININGS}&year=2012")) == [site_tree.training_outline.title]
    assert get(client, f"{TRAININGS}&year=2011")["items"] == []


def test_filter_by_programme(client, site_tree):
    other = factories.ProgrammePageFactory(parent=site_tree.index, title="MedNET")
    factories.CountryProjectPageFactory(parent=other, title="Lebanon", countries=[site_tree.romania])
    expected = sorted([site_tree.country_project.title, site_tree.planned_project.title])
    assert titles(get(client, f"{PROJECTS}&programme={site_tree.programme.pk}")) == expected
    assert titles(get(client, f"{PROJECTS}&programme={other.pk}")) == ["Lebanon"]
    assert titles(get(client, f"{PROJECTS}&child_of={other.pk}")) == ["Lebanon"]
    assert get(client, f"{TRAININGS}&programme={other.pk}")["items"] == []
    assert get(client, f"{TRAININGS}&programme=99999")["items"] == []


def test_search_reads_words_and_phrases(client, site_tree):
    assert "Drugs in Prisons" in titles(get(client, "/api/v2/pages/?search=prisons&locale=en"))
    assert titles(get(client, f'{PROGRAMMES}&search="drugs in prisons"&country=MD&locale=en')) == ["Drugs in Prisons"]
    assert get(client, "/api/v2/pages/?search=%27%22%3Cscript%3E(")["items"] == []
    assert [item["iso_code"] for item in get(client, "/api/v2/countries/?search=Moldova")["items"]] == ["MD"]


def test_filters_combine(client, site_tree):
    url = f"{TRAININGS}&programme={site_tree.programme.pk}&country=MD&year=2012&locale=en"
    assert titles(get(client, url)) == [site_tree.training_outline.title]
    assert get(client, f"{TRAININGS}&country=MD&year=2013")["items"] == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (f"{TRAININGS}&year=abc", "year: 'abc' is not a year"),
        (f"{TRAININGS}&year=99999999999999999999999", "out of range"),
        (f"{PROGRAMMES}&year=", "is not a year"),
        (f"{PROGRAMMES}&country=M1", "is not a country code"),
        (f"{PROGRAMMES}&country=MDA", "is not a country code"),
        (f"{PROJECTS}&programme=abc", "is not a page id"),
        (f"{PROJECTS}&programme=-1", "is not a page id"),
        (f"{PROJECTS}&programme=99999999999999999999999", "is not a page id"),
        (f"{TRAININGS}&participants=many", "participants"),
        ("/api/v2/pages/?country=MD", "needs one page type"),
        ("/api/v2/pages/?year=2010", "needs one page type"),
        ("/api/v2/pages/?type=nothing.Nothing", "type doesn't exist"),
        ("/api/v2/pages/?locale=de", "locale: 'de' is not a language of the site"),
        ("/api/v2/countries/?locale=xx", "is not a language of the site"),
        ("/api/v2/pages/?limit=abc", "limit must be a positive integer"),
        ("/api/v2/pages/?offset=99999999999999999999999", "offset cannot be higher than"),
        ("/api/v2/pages/?search=prison&search_operator=xor", "search_operator: give 'and' or 'or'"),
        ("/api/v2/pages/?order=nothing", "cannot order by"),
        ("/api/v2/pages/?child_of=abc", "child_of must be a positive integer"),
        ("/api/v2/pages/?fields=nothing", "unknown fields"),
        ("/api/v2/pages/?site=nowhere.example", "site: no site has the address"),
        ("/api/v2/pages/?site=localhost:port", "site: no site has the address"),
        (f"{PROJECTS}&documents=x", "not an operation or a recognised field: documents"),
        ("/api/v2/countries/?iso_code=%00", "null characters"),
        ("/api/v2/countries/?iso_code=MDA", "is not a country code"),
        ("/api/v2/countries/?region=asia", "region: 'asia' is not one of europe, mena"),
        (f"{PROJECTS}&status=bogus", "status: 'bogus' is not one of"),
        ("/api/v2/documents/?programme=abc", "programme: 'abc' is not a page id"),
        ("/api/v2/documents/?country=Moldova", "country: 'Moldova' is not a country code"),
        ("/api/v2/documents/?year=twenty", "year: 'twenty' is not a year"),
        ("/api/v2/documents/?year=3000", "out of range"),
        ("/api/v2/documents/?language=de", "language: 'de' is not a language of the site (en, fr)"),
        ("/api/v2/documents/?language=", "language: '' is not a language of the site"),
        ("/api/v2/documents/?region=europe", "not an operation or a recognised field: region"),
        ("/api/v2/pages/?search=a%00b", "search: null characters are not allowed"),
    ],
)
def test_malformed_filters_are_a_400_that_says_why(client, site_tree, query, message):
    data = get(client, query, status=400)
    assert message in data["message"]


def test_a_country_code_may_be_given_in_either_case(client, french_tree):
    upper = get(client, "/api/v2/countries/?iso_code=MD")
    lower = get(client, "/api/v2/countries/?iso_code=md")
    assert upper["meta"]["total_count"] == 2
    assert lower["items"] == upper["items"]


@pytest.mark.parametrize(
    "address",
    ["/api/v2/pages/abc/", "/api/v2/pages/-1/", "/api/v2/countries/abc/", "/api/v2/images/", "/api/v2/nothing"],
)
def test_an_address_the_api_does_not_have_is_a_json_404_where_it_was_asked(client, site_tree, address):
    response = client.get(address)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "No such address in the API" in response.json()["message"]


def test_the_api_root_lists_its_endpoints(client, site_tree):
    index = get(client, "/api/v2/")
    assert index == {name: f"http://testserver/api/v2/{name}/" for name in ("pages", "countries", "documents")}
    for url in index.values():
        get(client, url.removeprefix("http://testserver"))


def test_out_of_range_ids_are_not_found_rather_than_a_server_error(client, site_tree):
    for endpoint in ("pages", "countries", "documents"):
        response = client.get(f"/api/v2/{endpoint}/99999999999999999999999/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
    assert get(client, "/api/v2/pages/?id=99999999999999999999999")["items"] == []


# What is never shown


@pytest.fixture
def hidden(site_tree, private_collection):
    """A draft, a page for signed-in users, a password-protected one and a page below it, and a
    private document linked from a public training."""
    draft = factories.ProgrammePageFactory(parent=site_tree.index, title="Hidden draft", live=False)
    signed_in = factories.ProgrammePageFactory(parent=site_tree.index, title="Hidden for members")
    PageViewRestriction.objects.create(page=signed_in, restriction_type=PageViewRestriction.LOGIN)
    password = factories.ProgrammePageFactory(parent=site_tree.index, title="Hidden by password")
    PageViewRestriction.objects.create(page=password, restriction_type=PageViewRestriction.PASSWORD, password="x")
    below = factories.TrainingOutlinePageFactory(parent=password, title="Hidden training", year=2014)
    private = factories.CustomDocumentFactory(title="Hidden minutes", collection=private_collection)
    public_training = factories.TrainingOutlinePageFactory(
        parent=site_tree.programme,
        title="Public training",
        year=2015,
        outline_documents=[("document", {"document": private, "title": "Hidden link text"})],
    )
    return {"pages": [draft, signed_in, password, below], "document": private, "training": public_training}


HIDDEN_QUERIES = [
    "/api/v2/pages/?fields=*&limit=50",
    f"{PROGRAMMES}&fields=*",
    f"{TRAININGS}&fields=*",
    f"{TRAININGS}&year=2014",
    "/api/v2/pages/?search=Hidden",
    "/api/v2/documents/?fields=*",
    "/api/v2/documents/?search=Hidden",
]


@pytest.mark.parametrize("signed_in", [False, True])
def test_drafts_private_pages_and_private_documents_are_never_exposed(client, hidden, superuser, signed_in):
    if signed_in:
        # The API has no sign-in: an editor's session shows nothing more.
        client.force_login(superuser)
    for url in HIDDEN_QUERIES:
        text = client.get(url).content.decode()
        assert "Hidden" not in text, url
        assert f"/documents/{hidden['document'].pk}/" not in text, url
    for page in hidden["pages"]:
        assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 404
    assert client.get(f"/api/v2/documents/{hidden['document'].pk}/").status_code == 404
    training = get(client, f"/api/v2/pages/{hidden['training'].pk}/")
    assert training["documents"] == []
    assert hidden["document"].pk not in [item["id"] for item in get(client, "/api/v2/documents/")["items"]]


def test_a_password_entered_on_the_site_does_not_open_the_api(client, site_tree):
    page = factories.ProgrammePageFactory(parent=site_tree.index, title="Members' programme")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    session = client.session
    session[PageViewRestriction.passed_view_restrictions_session_key] = [restriction.pk]
    session.save()
    assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 404


# Read-only, JSON only


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/v2/pages/", "pages-detail", "/api/v2/countries/", "/api/v2/documents/"])
def test_the_api_is_read_only(client, site_tree, method, path):
    if path == "pages-detail":
        path = f"/api/v2/pages/{site_tree.programme.pk}/"
    response = getattr(client, method)(path, data={"title": "Changed"}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["detail"]
    site_tree.programme.refresh_from_db()
    assert site_tree.programme.title == "Drugs in Prisons"


def test_answers_are_json_under_the_sites_headers(client, site_tree):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/api/v2/pages/", HTTP_ACCEPT=browser)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["meta"]["total_count"] > 0
    # The site's policies apply, and nothing in a JSON answer needs them relaxed.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_browsable_api_is_not_offered(client, site_tree):
    response = client.get("/api/v2/pages/?format=api")
    assert response.status_code in (400, 404)
    assert "<script" not in response.content.decode()


# Throttling


def api_rate(settings, rate):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": rate}}


def test_anonymous_clients_are_throttled(client, site_tree, settings):
    api_rate(settings, "3/minute")
    statuses = [client.get("/api/v2/countries/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v2/pages/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"].lower()
    # Another address has its own allowance.
    assert client.get("/api/v2/countries/", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_a_forged_forwarded_for_header_does_not_escape_the_throttle(client, site_tree, settings):
    api_rate(settings, "2/minute")
    statuses = [
        client.get("/api/v2/countries/", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}").status_code for number in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_signed_in_users_are_throttled_too(client, site_tree, settings, superuser):
    api_rate(settings, "1/minute")
    client.force_login(superuser)
    assert [client.get("/api/v2/countries/").status_code for _ in range(2)] == [200, 429]


def test_the_site_itself_is_not_throttled_by_the_api(client, site_tree, settings):
    api_rate(settings, "1/minute")
    client.get("/api/v2/countries/")
    assert client.get("/api/v2/countries/").status_code == 429
    assert client.get("/en/").status_code == 200


REDIS_URL = "redis://127.0.0.1:6379/3"


def test_throttling_counts_in_redis(client, site_tree, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "api-test"}
    }
    from django.core.cache import cache

    cache.clear()
    try:
        api_rate(settings, "2/minute")
        assert [client.get("/api/v2/countries/").status_code for _ in range(3)] == [200, 200, 429]
        assert any(b"throttle_anon" in key for key in cache.client.get_client().keys("*api-test*"))
    finally:
        cache.clear()


@pytest.mark.parametrize(
    "backend",
    [
        # django-redis, as production has it: an unreachable Redis is skipped.
        "django_redis.cache.RedisCache",
        # Django's own Redis cache raises: the throttle lets the request through.
        "django.core.cache.backends.redis.RedisCache",
    ],
)
def test_a_cache_that_is_down_does_not_break_the_api(client, site_tree, settings, backend):
    settings.CACHES = {
        "default": {
            "BACKEND": backend,
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    api_rate(settings, "1/minute")
    for _ in range(2):
        response = client.get("/api/v2/countries/")
        assert response.status_code == 200
        assert response.json()["meta"]["total_count"] == Country.objects.count()


# No query per listed object


def add_pages(tree, numbers, french):
    for number in numbers:
        document = factories.CustomDocumentFactory(title=f"Outline {number}")
        programme = factories.ProgrammePageFactory(
            parent=tree.index,
            countries=[tree.moldova, tree.romania],
            partners=[tree.partner],
            related=[("document", {"document": document, "title": ""})],
        )
        translate(programme, french)
        factories.CountryProjectPageFactory(
            parent=programme,
            countries=[tree.romania],
            partners=[tree.partner],
            documents=[("document", {"document": document, "title": ""})],
        )
        factories.TrainingOutlinePageFactory(
            parent=programme,
            year=1990 + number,
            country=tree.moldova,
            organisers=[tree.partner],
            outline_documents=[("document", {"document": document, "title": ""})],
        )


def count_queries(client, url):
    client.get(url)  # Fills what is computed once (site root paths, new documents' sizes).
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response.json()["meta"]["total_count"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/pages/?limit=50",
        f"{PROGRAMMES}&fields=*&limit=50",
        f"{PROGRAMMES}&fields=*&locale=fr&limit=50",
        f"{PROJECTS}&fields=*&limit=50",
        f"{TRAININGS}&fields=*&limit=50",
        f"{TRAININGS}&fields=*&country=MD&year=1990&limit=50",
        "/api/v2/documents/?fields=*&limit=50",
        "/api/v2/documents/?fields=*&country=RO&year=2015&language=en&limit=50",
        "/api/v2/countries/?fields=*&limit=50",
    ],
)
def test_listings_do_not_query_once_per_object(client, french_tree, django_assert_max_num_queries, url):
    french = french_tree.home_fr.locale
    add_pages(french_tree, range(1), french)
    few, few_count = count_queries(client, url)
    add_pages(french_tree, range(1, 6), french)
    client.get(url)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert response.json()["meta"]["total_count"] >= few_count


# Any query string is answered, never a server error

API_PARAMETERS = {
    "/api/v2/pages/": [
        "type",
        "locale",
        "fields",
        "order",
        "search",
        "search_operator",
        "limit",
        "offset",
        "child_of",
        "descendant_of",
        "ancestor_of",
        "translation_of",
        "site",
        "title",
        "id",
    ],
    PROGRAMMES: ["country", "year", "start_year", "fields", "order", "search"],
    PROJECTS: ["programme", "country", "year", "status"],
    TRAININGS: ["programme", "country", "year", "city", "participants", "participants_qualifier"],
    "/api/v2/countries/": ["locale", "iso_code", "region", "name", "order", "search", "fields"],
    "/api/v2/documents/": [
        "language",
        "programme",
        "country",
        "year",
        "title",
        "file_size",
        "order",
        "search",
        "fields",
        "limit",
    ],
}


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_no_query_string_gives_the_api_a_server_error(client, site_tree, value):
    for url, names in API_PARAMETERS.items():
        for name in names:
            response = (
                client.get(url, {name: value}) if "?" not in url else client.get(f"{url}&{urlencode({name: value})}")
            )
            assert response.status_code in (200, 400, 404), f"{url} {name}={value!r}: {response.status_code}"
            assert response["Content-Type"] == "application/json"
