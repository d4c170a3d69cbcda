"""Each training outline page offers its outline as a PDF generated from the page's live content.

Read back with pypdf: its text is the page's (title, dates as the page gives them, objectives,
sessions), its metadata carry the title and language, its bookmarks are the headings; it is
regenerated when the page is published (by the worker; inline in the tests), in the page's own
language, behind the page's view restrictions, and offered beside the uploaded documents with its
type and size.
"""

import datetime
import io
import re

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from django.core.files.storage import default_storage
from django.utils import translation

from wagtail.models import PageViewRestriction

from trainings import outline_pdf
from trainings.models import TrainingOutlinePage

from . import factories
from .conftest import translate
from .test_worker import database_tasks, run_worker  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

OBJECTIVES = "<ul><li>Understand how drug policies are evaluated</li><li>Compare prison health services</li></ul>"
SESSIONS = [
    {
        "type": "session",
        "value": {
            "title": "Evaluating drug policies",
            "date": "2012-05-03",
            "start_time": "09:30:00",
            "end_time": "12:30:00",
            "description": "<p>Methods and indicators used across Europe.</p>",
            "speakers": "A. Trainer, evaluation expert",
        },
    },
    {
        "type": "session",
        "value": {"title": "Health care in prisons", "description": "<p>Continuity of treatment after release.</p>"},
    },
]


def pdf_route(page):
    return page.url + page.reverse_subpage("outline_pdf")


def read_pdf(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(content))


def pdf_text(reader):
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


def bookmarks(reader):
    """The bookmark titles, depth first."""

    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item.title

    return list(walk(reader.outline))


def main_of(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").find("main")


def text_of(element, separator=" "):
    return " ".join(element.get_text(separator).replace("\xa0", " ").replace("\u202f", " ").split())


def page_dates(client, page):
    main = main_of(client, page)
    with translation.override(page.locale.language_code):
        label = translation.gettext("Dates")
    return text_of(main.find("dt", string=label).find_next_sibling("dd"), separator="")


@pytest.fixture
def training(site_tree):
    page = site_tree.training_outline
    page.title = "2012 edition"
    page.start_date, page.end_date, page.date_precision = datetime.date(2012, 5, 3), datetime.date(2012, 5, 7), "day"
    page.introduction = "A week on drug policy for prison managers."
    page.objectives = OBJECTIVES
    page.sessions = SESSIONS
    page.audience = "Prison managers from Moldova"
    page.organisers.set([site_tree.partner])
    page.save_revision().publish()
    return TrainingOutlinePage.objects.get(pk=page.pk)


def test_the_pdf_gives_the_page_s_title_dates_objectives_and_sessions(client, training):
    reader = read_pdf(client.get(pdf_route(training)))
    text = pdf_text(reader)

    assert training.standalone_title == "2012 edition — Drugs in Prisons"
    assert training.standalone_title in text
    # The dates exactly as the page shows them, from the same formatting rule.
    assert page_dates(client, training) == "3–7 May 2012"
    assert "Dates 3–7 May 2012" in text
    assert "Place Warsaw, Republic of Moldova" in text
    assert "Organisers Polish National Office of Drug Prevention" in text
    assert "Audience Prison managers from Moldova" in text
    assert "A week on drug policy for prison managers." in text
    for expected in (
        "Objectives",
        "Understand how drug policies are evaluated",
        "Compare prison health services",
        "Sessions",
        "Evaluating drug policies",
        "3 May 2012, 09:30–12:30",
        "Speakers: A. Trainer, evaluation expert",
        "Methods and indicators used across Europe.",
        "Health care in prisons",
        "Continuity of treatment after release.",
    ):
        assert expected in text, expected
    # Every session line of the page is in the PDF, as the page writes it.
    main = main_of(client, training)
    for when in main.select(".session__when"):
        assert text_of(when, separator="") in text
    # The typographic wordmark, never a logo: the PDF has no image.
    assert text.startswith("Pompidou Group — Council of Europe")
    assert all(not page.images for page in reader.pages)


def test_the_pdf_sets_its_title_and_language_and_embeds_its_font(client, training):
    reader = read_pdf(client.get(pdf_route(training)))

    assert reader.metadata.title == "2012 edition — Drugs in Prisons"
    assert reader.metadata.author == "Pompidou Group, Council of Europe"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptors = [font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"] for font in fonts.values()]
    assert descriptors and all("/FontFile2" in descriptor for descriptor in descriptors)


def test_the_pdf_has_a_bookmark_for_each_heading(client, training):
    reader = read_pdf(client.get(pdf_route(training)))

    assert bookmarks(reader) == [
        "2012 edition — Drugs in Prisons",
        "Objectives",
        "Sessions",
        "Evaluating drug policies",
        "Health care in prisons",
    ]


def test_the_pdf_is_stored_when_the_page_is_published_and_regenerated_on_the_next_publication(client, training):
    first_name = outline_pdf.stored_name(training)
    assert default_storage.exists(first_name)

    training.objectives = "<p>Write a national drug strategy.</p>"
    training.save_revision().publish()
    training = TrainingOutlinePage.objects.get(pk=training.pk)

    second_name = outline_pdf.stored_name(training)
    assert second_name != first_name
    assert default_storage.exists(second_name)
    assert not default_storage.exists(first_name)
    text = pdf_text(read_pdf(client.get(pdf_route(training))))
    assert "Write a national drug strategy." in text
    assert "Understand how drug policies are evaluated" not in text


def test_a_draft_changes_nothing_until_it_is_published(client, training):
    training.objectives = "<p>Not yet published.</p>"
    training.save_revision()

    assert "Not yet published." not in pdf_text(read_pdf(client.get(pdf_route(training))))


def test_the_french_page_gives_a_french_pdf(client, site_tree, training):
    french = translate(training, site_tree.home_fr.locale)
    french.title = "Édition 2012"
    french.objectives = "<ul><li>Comprendre l’évaluation des politiques en matière de drogues</li></ul>"
    french.sessions = [{"type": "session", "value": {**SESSIONS[0]["value"], "title": "Évaluer les politiques"}}]
    french.save_revision().publish()
    french = TrainingOutlinePage.objects.get(pk=french.pk)

    reader = read_pdf(client.get(pdf_route(french)))
    text = pdf_text(reader)

    assert pdf_route(french).startswith("/fr/")
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert reader.metadata.title == french.standalone_title
    assert text.startswith("Groupe Pompidou — Conseil de l’Europe")
    assert page_dates(client, french) == "3–7 mai 2012"
    assert "Dates 3–7 mai 2012" in text
    assert "Lieu Warsaw" in text
    assert "Objectifs" in text and "Comprendre l’évaluation des politiques en matière de drogues" in text
    assert "Évaluer les politiques" in text and "3 mai 2012, 09:30–12:30" in text
    assert "Intervenants :" in text
    assert bookmarks(reader)[1:3] == ["Objectifs", "Sessions"]
    # The English page keeps its own.
    assert "Dates 3–7 May 2012" in pdf_text(read_pdf(client.get(pdf_route(training))))


def test_the_page_offers_the_pdf_with_its_type_and_size_beside_the_uploaded_documents(client, training):
    document = factories.CustomDocumentFactory(title="Programme of the week")
    training.outline_documents = [{"type": "document", "value": {"document": document.pk, "title": ""}}]
    training.save_revision().publish()
    training = TrainingOutlinePage.objects.get(pk=training.pk)

    section = main_of(client, training).find("section", class_="downloads")
    links = section.select("a.document-link")
    assert [link["href"] for link in links][-1] == pdf_route(training)
    assert links[0]["href"] == document.url
    generated = text_of(links[-1])
    size = default_storage.size(outline_pdf.stored_name(training))
    assert re.fullmatch(r"Outline generated from this page \(PDF, \d+(\.\d)? KB\)", generated), generated
    assert f"{size / 1024:.1f} KB" in generated


def test_the_french_link_is_in_french(client, site_tree, training):
    french = translate(training, site_tree.home_fr.locale)

    link = text_of(main_of(client, french).select("section.downloads a.document-link")[-1])
    # The size in the site's French units (« Ko », or Django's « Kio » until the catalogue says otherwise).
    assert re.fullmatch(r"Descriptif établi à partir de cette page \(PDF, \d+(,\d)? Ki?o\)", link), link


def test_a_pdf_not_generated_yet_is_generated_on_request(client, training):
    outline_pdf.remove_files(training.pk)

    reader = read_pdf(client.get(pdf_route(training)))

    assert "Understand how drug policies are evaluated" in pdf_text(reader)
    assert default_storage.exists(outline_pdf.stored_name(training))


def test_the_worker_generates_it_after_publication(client, training, run_worker):  # noqa: F811
    training.objectives = "<p>Queued for the worker.</p>"
    training.save_revision().publish()
    training = TrainingOutlinePage.objects.get(pk=training.pk)
    assert not default_storage.exists(outline_pdf.stored_name(training))
    # Until then the page still offers it, without a size it does not know yet.
    link = main_of(client, training).select("section.downloads a.document-link")[-1]
    assert text_of(link) == "Outline generated from this page (PDF)"

    run_worker()

    assert default_storage.exists(outline_pdf.stored_name(training))
    assert "Queued for the worker." in pdf_text(read_pdf(client.get(pdf_route(training))))


def test_a_pdf_that_cannot_be_made_is_a_503_not_a_server_error(client, training, monkeypatch):
    outline_pdf.remove_files(training.pk)

    def broken(page):
        raise OSError("The storage is full.")

    monkeypatch.setattr(outline_pdf, "render", broken)
    response = client.get(pdf_route(training))

    assert response.status_code == 503
    assert response["Retry-After"]


def test_a_private_page_s_pdf_is_only_for_those_who_may_see_the_page(client, training, superuser):
    PageViewRestriction.objects.create(page=training, restriction_type=PageViewRestriction.LOGIN)

    response = client.get(pdf_route(training))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    # Nor can the stored file be reached through the media address.
    assert client.get(f"/media/{outline_pdf.stored_name(training)}").status_code == 404

    client.force_login(superuser)
    response = client.get(pdf_route(training))
    assert read_pdf(response).metadata.title == training.standalone_title
    assert "private" in response["Cache-Control"]


def test_a_password_protected_page_s_pdf_asks_for_the_password(client, training):
    PageViewRestriction.objects.create(
        page=training, restriction_type=PageViewRestriction.PASSWORD, password="a-password"
    )

    response = client.get(pdf_route(training))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"%PDF" not in response.content


def test_an_unpublished_page_s_pdf_is_no_longer_served(client, training):
    route, name = pdf_route(training), outline_pdf.stored_name(training)

    training.unpublish()

    assert client.get(route).status_code == 404
    assert not default_storage.exists(name)


def test_a_deleted_page_s_pdf_is_removed(client, training):
    route, name = pdf_route(training), outline_pdf.stored_name(training)

    training.delete()

    assert client.get(route).status_code == 404
    assert not default_storage.exists(name)


def test_the_pdf_is_offered_under_a_file_name_in_its_language(client, training):
    response = client.get(pdf_route(training))

    assert response["Content-Disposition"] == 'inline; filename="2012-edition-drugs-in-prisons-en.pdf"'


def test_a_long_title_gives_a_readable_file_name_with_its_years(client, training):
    training.title = "Psychosocial skills seminars in Zaporizhzhia 2007–2008 for parents, educators and NGO staff"
    training.save_revision().publish()
    name = outline_pdf.download_name(TrainingOutlinePage.objects.get(pk=training.pk))
    assert name.startswith("psychosocial-skills-seminars-in-zaporizhzhia-2007-2008-")
    assert name.endswith("-en.pdf")
    assert len(name) <= outline_pdf.MAX_NAME_STEM + len("-en.pdf")
    assert "--" not in name and not name.removesuffix("-en.pdf").endswith("-")


def test_a_public_pdf_is_revalidated_and_answered_304_while_unchanged(client, training):
    first = client.get(pdf_route(training))
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, no-cache"
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(pdf_route(training), headers={"If-None-Match": first["ETag"]}).status_code == 304
    assert client.get(pdf_route(training), headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 304

    training.introduction = "A changed introduction."
    training.save_revision().publish()
    changed = client.get(pdf_route(training), headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
