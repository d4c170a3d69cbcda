"""The site search over the seed content, as a visitor finds it on a fresh `make run`: each
programme first for its own name in both languages, words found only inside a seeded PDF, accents
optional in French, and the document library of every seeded document."""

import pytest
from bs4 import BeautifulSoup

from wagtail.documents import get_document_model

from programmes.models import ProgrammePage

pytestmark = pytest.mark.django_db

SEARCH_PATHS = {"en": "/en/search/", "fr": "/fr/recherche/"}


def results(client, language, **params):
    response = client.get(SEARCH_PATHS[language], params)
    assert response.status_code == 200
    return response.context["search_results"].paginator.object_list


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_programme_ranks_first_for_its_own_name(client, seeded, language):
    programmes = ProgrammePage.objects.live().filter(locale__language_code=language)
    assert programmes.count() == 5
    for programme in programmes:
        assert results(client, language, q=programme.title)[0].url == programme.url, programme.title


def test_the_programmes_lead_the_results_for_drug(client, seeded):
    found = results(client, "en", q="drug")
    programmes = [result for result in found if isinstance(result.page, ProgrammePage)]
    assert len(programmes) >= 4
    # The programmes mentioning drugs all come within the first five results.
    assert all(found.index(result) < 5 for result in programmes)


def test_the_seeded_documents_have_their_text_as_soon_as_the_seed_is_loaded(seeded):
    for document in get_document_model().objects.all():
        assert document.text, document.title
        assert document.text_source_hash == document.file_hash


def test_a_phrase_found_only_inside_a_seeded_pdf_finds_the_document(client, seeded):
    report = get_document_model().objects.get(title="MedNET country-by-country co-operation report")
    phrase = "the training and assistance given within MedNET"
    assert phrase in report.text.replace("\n", " ")
    found = results(client, "en", q=f'"{phrase}"')
    assert [result.url for result in found] == [report.url]
    assert "<mark>assistance</mark> <mark>given</mark> <mark>within</mark> <mark>MedNET</mark>" in str(found[0].passage)
    # Without the quotes the words are found on pages too, and the document still is.
    assert report.url in [result.url for result in results(client, "en", q=phrase)]


def test_egypte_without_its_accent_finds_the_pages_on_egypt(client, seeded):
    found = results(client, "fr", q="egypte")
    assert found
    for result in found:
        assert "<mark>Égypte</mark>" in str(result.passage) or "Égypte" in str(result.title)


def test_the_document_library_lists_every_seeded_document(client, seeded):
    response = client.get(SEARCH_PATHS["en"], {"type": "document"})
    soup = BeautifulSoup(response.content, "html.parser")
    rows = {
        row.find(class_="document-link__title").get_text(): [
            cell.get_text(" ", strip=True) for cell in row.find_all("td")
        ]
        for row in soup.select("table tbody tr")
    }
    assert set(rows) == set(get_document_model().objects.values_list("title", flat=True))
    outline = rows["Training outline 2011"]
    assert outline[1] == "PDF"
    assert outline[3:] == ["English", "2011", "Executive Training for drug policy managers"]
    assert rows["Descriptif de la formation 2011"][3] == "French"
