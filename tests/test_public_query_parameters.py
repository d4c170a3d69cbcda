"""Property: whatever a visitor puts in the query string of a public page, the answer is never a
server error. Hypothesis draws every parameter the page reads (any Unicode text, NUL bytes, very
long values, numbers, words the page knows), alone or together, absent or repeated.

A public page that reads query parameters adds one entry to `PUBLIC_QUERY_PARAMETERS`: its address
(in each language) and the parameters it reads, with the values it knows, which make the draws
reach the code that applies them."""

from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class QueryParameters:
    paths: tuple  # The page's address in each language.
    names: tuple  # The parameters it reads.
    known_values: tuple = field(default_factory=tuple)  # Values it understands, drawn among the others.


PUBLIC_QUERY_PARAMETERS = [
    QueryParameters(
        paths=("/en/search/", "/fr/recherche/"),
        names=("q", "programme", "country", "type", "year", "page"),
        known_values=(
            "prison",
            '"drugs in prisons"',
            "MD",
            "RO",
            "programme",
            "country-project",
            "training-outline",
            "document",
            "2012",
            "1",
            "2",
        ),
    ),
]

# Text as a browser may send it: any character but lone surrogates, which no encoding carries.
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300)
NUMBERS = st.integers(min_value=-(10**20), max_value=10**20).map(str)


def values(parameters):
    drawn = st.one_of(ANY_TEXT, NUMBERS, st.sampled_from(parameters.known_values or ("",)), st.just("x" * 5000))
    return st.one_of(drawn, st.lists(drawn, min_size=2, max_size=3))


def query_strings(parameters):
    return st.tuples(
        st.sampled_from(parameters.paths),
        st.fixed_dictionaries({}, optional={name: values(parameters) for name in parameters.names}),
    )


ANY_PUBLIC_QUERY = st.one_of(*(query_strings(parameters) for parameters in PUBLIC_QUERY_PARAMETERS))


@settings(
    max_examples=40,
    deadline=None,
    # One site for every example: the pages only read it (the search counts queries, which is harmless).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(request=ANY_PUBLIC_QUERY)
def test_no_query_string_gives_a_server_error(client, site_tree, request):
    path, params = request
    response = client.get(path, params)
    assert response.status_code < 500, f"{path} {params!r} answered {response.status_code}"
