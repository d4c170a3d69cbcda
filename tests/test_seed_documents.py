"""The seeded PDFs are drawn from their pages: the same facts, formatted as the pages format them."""

import io
from datetime import date

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from django.utils import translation
from django.utils.translation import gettext

from wagtail.documents import get_document_model

from pompidou_site.pdf import render_outline
from pompidou_site.seed import SeedLoader, load_fixture
from trainings.models import TrainingOutlinePage

from .test_seed import pdf_text, seeded_page


def page_dates(client, page):
    """The text of the page's "Dates" fact, as a reader sees it."""
    response = client.get(page.url)
    assert response.status_code == 200
    main = BeautifulSoup(response.content, "html.parser").find("main")
    with translation.override(page.locale.language_code):
        label = gettext("Dates")
    term = main.find("dt", string=label)
    assert term is not None, f"{page.url} shows no {label!r}"
    return " ".join(term.find_next_sibling("dd").get_text().replace("\xa0", " ").split())


def pdf_fact(text, label):
    """The value of a fact of the PDF's list under its title: the rest of the line after its label."""
    lines = [line for line in text.splitlines() if line.startswith(f"{label} ")]
    assert len(lines) == 1, f"{label!r} is not one line of the PDF: {text[:400]!r}"
    return " ".join(lines[0][len(label) :].replace("\xa0", " ").split())


def document_text_lines(content):
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def test_every_training_outline_pdf_gives_the_dates_its_page_gives(client, seeded):
    documents = {document.pk: document for document in get_document_model().objects.all()}
    compared = []
    for page in TrainingOutlinePage.objects.live().order_by("path"):
        outline_documents = [block.value["document"] for block in page.outline_documents]
        for document in outline_documents:
            with document.file.open("rb") as handle:
                text = document_text_lines(handle.read())
            with translation.override(page.locale.language_code):
                label = gettext("Dates")
            assert pdf_fact(text, label) == page_dates(client, page), f"{document.title} and {page.url}"
            compared.append(documents.pop(document.pk).title)
    # Every seeded training outline in both languages, and nothing seeded that no page offers.
    assert len(compared) == 6, compared
    assert [document.language for document in documents.values()] == ["en"] * 3


@pytest.mark.parametrize(
    ("precision", "start", "end", "expected"),
    [
        ("day", date(2010, 5, 3), date(2010, 5, 7), "3–7 May 2010"),
        ("day", date(2010, 4, 28), date(2010, 5, 2), "28 April – 2 May 2010"),
        ("day", date(2010, 5, 3), None, "3 May 2010"),
        ("month", date(2010, 5, 1), date(2010, 6, 1), "May – June 2010"),
    ],
)
def test_the_outline_pdf_formats_dates_as_the_page_does(client, seeded, precision, start, end, expected):
    # An editor gives the 2010 course its exact days; the outline drawn from the page agrees with it.
    page = seeded_page("executive-training-2010")
    page.date_precision, page.start_date, page.end_date = precision, start, end
    page.save_revision().publish()
    page.refresh_from_db()

    spec = next(spec for spec in load_fixture()["documents"] if spec["outline"]["page"] == "executive-training-2010")
    with translation.override("en"):
        content = render_outline(SeedLoader(load_fixture()).document_outline(spec, page))

    assert page_dates(client, page) == expected
    assert pdf_fact(document_text_lines(content), "Dates") == expected


def test_the_french_outline_has_the_french_labels_and_formatting(seeded):
    document = get_document_model().objects.get(title="Descriptif de la formation 2010", language="fr")
    text = pdf_text(document)
    for fact in ("Dates mai 2010", "Lieu Varsovie, Pologne", "Participants environ 30 participants", "Objectifs"):
        assert fact in text
    assert "Groupe Pompidou, Conseil de l’Europe" in text


def test_every_seeded_training_outline_offers_a_generated_pdf_that_matches_it(client, seeded):
    checked = []
    for page in TrainingOutlinePage.objects.live().order_by("path"):
        route = page.url + page.reverse_subpage("outline_pdf")
        main = BeautifulSoup(client.get(page.url).content, "html.parser").find("main")
        assert main.select_one(f"section.downloads a[href='{route}']") is not None, f"{page.url} offers no PDF"

        response = client.get(route)
        assert response.status_code == 200
        content = response.content
        reader = PdfReader(io.BytesIO(content))
        text = document_text_lines(content)
        language = page.locale.language_code
        with translation.override(language):
            label = gettext("Dates")
        assert reader.metadata.title == page.standalone_title
        assert reader.trailer["/Root"]["/Lang"] == language
        assert pdf_fact(text, label) == page_dates(client, page), page.url
        checked.append(language)
    # Every seeded training outline, in both languages, whether or not an editor's PDF is beside it.
    assert checked.count("en") == checked.count("fr") == 6, checked
