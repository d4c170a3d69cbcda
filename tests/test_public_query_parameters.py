"""Property: whatever a visitor puts in the query string of a public page or of the open data API,
the answer is never a server error. Hypothesis draws every parameter the address reads (any Unicode
text, NUL bytes, very long values, numbers, words the page knows), alone or together, absent or
repeated, on the seed content.

A public address that reads query parameters adds one entry to `PUBLIC_QUERY_PARAMETERS`: its
address (in each language), the parameters it reads, and the values it knows (some read from the
database when the test runs, such as page ids), which make the draws reach the code that applies
them. Pages answer below 400 (a bad value is ignored, or a 404 for a page past the end); the API
may answer 400, which says what is wrong."""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pompidou_site.models import Country
from programmes.models import ProgrammePage

pytestmark = pytest.mark.django_db


def programme_ids():
    return [str(pk) for pk in ProgrammePage.objects.live().values_list("pk", flat=True)]


def country_codes():
    return sorted(set(Country.objects.values_list("iso_code", flat=True)))


@dataclass(frozen=True)
class QueryParameters:
    paths: tuple  # The address in each language.
    names: tuple  # The parameters it reads.
    known_values: tuple = field(default_factory=tuple)  # Values it understands, drawn among the others.
    known_at_run_time: tuple[Callable, ...] = ()  # Functions giving more such values from the database.
    worst: int = 500  # The lowest status that fails the test.
    fixed: tuple = ()  # (name, value) pairs always sent, such as the document library's type.

    def __str__(self):
        return self.paths[0] + "".join(f"?{name}={value}" for name, value in self.fixed)


YEARS = ("2010", "2012", "2019", "1899", "2200")
PAGE_NUMBERS = ("1", "2", "0", "-1", "99999999999999999999")
API = 500  # The API may refuse a malformed value with a 400, never with a server error.
PAGES = 400  # A public page ignores a value it does not understand: a 404 is for a page past the end.

PUBLIC_QUERY_PARAMETERS = [
    QueryParameters(
        paths=("/en/search/", "/fr/recherche/"),
        names=("q", "programme", "country", "type", "year", "page"),
        known_values=(
            "prison",
            '"drugs in prisons"',
            "programme",
            "country-project",
            "training-outline",
            "document",
            *YEARS,
            *PAGE_NUMBERS,
        ),
        known_at_run_time=(programme_ids, country_codes),
        worst=PAGES,
    ),
    QueryParameters(
        paths=("/en/search/", "/fr/recherche/"),
        fixed=(("type", "document"),),
        names=("q", "programme", "country", "year", "page"),
        known_values=("prison", *YEARS, *PAGE_NUMBERS),
        known_at_run_time=(programme_ids, country_codes),
        worst=PAGES,
    ),
    # The training calendar and its iCalendar feed, which read the same filters.
    *(
        QueryParameters(
            paths=(f"/en/training-calendar/{route}", f"/fr/calendrier-des-formations/{route}"),
            names=("programme", "country", "year"),
            known_values=YEARS,
            known_at_run_time=(programme_ids, country_codes),
            worst=PAGES,
        )
        for route in ("", "ics/")
    ),
    QueryParameters(
        paths=("/en/programmes/drugs-in-prisons/", "/fr/programmes/drogues-en-prison/"),
        names=("projects", "trainings"),
        known_values=PAGE_NUMBERS,
        worst=PAGES,
    ),
    QueryParameters(
        paths=("/api/v2/pages/",),
        names=(
            "type",
            "locale",
            "fields",
            "child_of",
            "country",
            "year",
            "programme",
            "limit",
            "offset",
            "order",
            "search",
        ),
        known_values=(
            "programmes.ProgrammePage",
            "programmes.CountryProjectPage",
            "trainings.TrainingOutlinePage",
            "en",
            "fr",
            "*",
            "title,countries",
            "-title",
            "id",
            "prison",
            *YEARS,
            *PAGE_NUMBERS,
        ),
        known_at_run_time=(programme_ids, country_codes),
        worst=API,
    ),
    QueryParameters(
        paths=("/api/v2/countries/",),
        names=("locale", "iso_code", "region", "fields", "limit", "offset", "order", "search"),
        known_values=("en", "fr", "europe", "mena", "*", "name", "-iso_code", "Moldova", *PAGE_NUMBERS),
        known_at_run_time=(country_codes,),
        worst=API,
    ),
    QueryParameters(
        paths=("/api/v2/documents/",),
        names=("programme", "country", "year", "language", "fields", "limit", "offset", "order", "search"),
        known_values=("en", "fr", "*", "title,file_size", "-created_at", "prison", *YEARS, *PAGE_NUMBERS),
        known_at_run_time=(programme_ids, country_codes),
        worst=API,
    ),
]

# Text as a browser may send it: any character but lone surrogates, which no encoding carries.
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300)
NUMBERS = st.integers(min_value=-(10**20), max_value=10**20).map(str)


def values(known):
    drawn = st.one_of(ANY_TEXT, NUMBERS, st.sampled_from(known or ("",)), st.just("x" * 5000))
    return st.one_of(drawn, st.lists(drawn, min_size=2, max_size=3))


def query_strings(parameters, known):
    return st.tuples(
        st.sampled_from(parameters.paths),
        st.fixed_dictionaries({}, optional={name: values(known) for name in parameters.names}),
    )


@pytest.mark.parametrize("parameters", PUBLIC_QUERY_PARAMETERS, ids=str)
@settings(
    max_examples=30,
    deadline=None,
    # One site for every example: the pages only read it (the search counts queries, which is harmless).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_query_string_gives_a_server_error(client, seeded, parameters, data):
    known = list(parameters.known_values)
    for read in parameters.known_at_run_time:
        known.extend(read())
    path, params = data.draw(query_strings(parameters, tuple(known)), label="request")
    response = client.get(path, {**dict(parameters.fixed), **params})
    assert response.status_code < parameters.worst, f"{path} {params!r} answered {response.status_code}"


@pytest.mark.parametrize("number", ["99999999999999999999", str(2**63), "1" + "0" * 4000])
def test_a_listing_page_number_beyond_what_the_database_takes_is_the_last_page(client, seeded, number):
    # Found by the property above: such a number made an offset SQLite refused with a server error.
    url = "/en/programmes/drugs-in-prisons/"
    response = client.get(url, {"projects": number, "trainings": number})
    assert response.status_code == 200
    # The seed's programme lists one page of each: the last is the first.
    assert response.content == client.get(url).content
