"""The site search as a visitor uses it: stemming and accents in both languages, ranking, passages,
filters, the document library, documents' own text, promotions and the search terms report.

Every test runs on SQLite (`make test`) and on PostgreSQL (`make test-postgres`), where the
backend's matching differs (full-text configurations there, Snowball stemmers in Python here) and
the behaviour must not."""

import io
import json

import pytest
from bs4 import BeautifulSoup
from fpdf import FPDF

from django.core.files.base import ContentFile
from django.urls import reverse

from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Collection, PageViewRestriction

from pompidou_site.models import CustomDocument
from pompidou_site.search import parse_query

from . import factories
from .conftest import translate

pytestmark = pytest.mark.django_db


def pdf_with_text(*lines):
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    for line in lines:
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def docx_with_text(*lines):
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(title, content, name="report.pdf", **kwargs):
    """A document saved as the admin saves one: the worker's task (inline in tests) reads its text."""
    document = CustomDocument(title=title, language=kwargs.pop("language", "en"), **kwargs)
    if "collection" not in kwargs:
        document.collection = Collection.get_first_root_node()
    document.file.save(name, ContentFile(content), save=False)
    document._set_document_file_metadata()
    document.save()
    return CustomDocument.objects.get(pk=document.pk)


def document_blocks(*documents):
    return json.dumps([{"type": "document", "value": {"document": doc.pk, "title": ""}} for doc in documents])


def search(client, language="en", **params):
    path = "/en/search/" if language == "en" else "/fr/recherche/"
    response = client.get(path, params)
    assert response.status_code == 200
    return response


def result_urls(response):
    page = response.context["search_results"]
    return [result.url for result in page.object_list] if page is not None else []


def result_titles(response):
    return [BeautifulSoup(str(result.title), "html.parser").get_text() for result in response.context["search_results"]]


# Stemming and accents


def test_a_word_and_its_plural_find_the_same_pages(client, site_tree):
    singular = result_urls(search(client, q="prison"))
    plural = result_urls(search(client, q="prisons"))
    assert site_tree.programme.url in singular
    assert sorted(singular) == sorted(plural)
    # The title, "Drugs in Prisons", is found by "drug" too.
    assert site_tree.programme.url in result_urls(search(client, q="drug"))


def test_french_inflections_match(client, site_tree):
    home_fr = site_tree.home_fr
    page = factories.StandardPageFactory(
        parent=home_fr,
        title="Les formations régionales",
        slug="formations",
        introduction="Des formateurs ont formé les équipes nationales.",
    )
    # Singular and plural, masculine and feminine, with or without the accents.
    for query in ("formation", "régional", "regionale", "formateur", "equipe"):
        assert page.url in result_urls(search(client, "fr", q=query)), query


def test_accents_are_optional_in_french(client, site_tree):
    page = factories.StandardPageFactory(
        parent=site_tree.home_fr, title="Coopération avec l'Égypte", slug="egypte", introduction="Réseau MedNET."
    )
    for query in ("egypte", "Égypte", "EGYPTE", "cooperation"):
        assert page.url in result_urls(search(client, "fr", q=query)), query


def test_the_search_is_in_the_visitor_language(client, site_tree):
    assert site_tree.programme_fr.url in result_urls(search(client, "fr", q="prisons"))
    assert site_tree.programme_fr.url not in result_urls(search(client, "en", q="prisons"))


# Ranking


def test_a_programme_ranks_first_for_its_own_name(client, site_tree):
    index = site_tree.index
    mednet = factories.ProgrammePageFactory(
        parent=index, title="Training and assistance in the Mediterranean network MedNET", slug="mednet"
    )
    factories.StandardPageFactory(
        parent=site_tree.home,
        title="MedNET country-by-country co-operation report",
        slug="mednet-report",
        introduction="MedNET, MedNET, MedNET: the network's work country by country.",
    )
    factories.CountryProjectPageFactory(
        parent=mednet, title="Morocco", slug="morocco", introduction="A MedNET project in the Mediterranean network."
    )
    assert result_urls(search(client, q="MedNET"))[0] == mednet.url
    assert result_urls(search(client, q="Drugs in Prisons"))[0] == site_tree.programme.url


def test_programmes_come_before_pages_that_only_mention_a_word(client, site_tree):
    for number in range(12):
        factories.StandardPageFactory(
            parent=site_tree.home, title=f"News {number}", slug=f"news-{number}", introduction="Drug policy news."
        )
    urls = result_urls(search(client, q="drug"))
    assert urls.index(site_tree.programme.url) < 3


# Passages


def test_the_passage_that_matched_is_shown_with_the_words_marked(client, site_tree):
    body = json.dumps(
        [
            {"type": "paragraph", "value": "<p>An opening paragraph about something else entirely.</p>"},
            {
                "type": "paragraph",
                "value": "<p>Nurses in Chisinau learnt to treat <b>opioid</b> dependence in prisons & jails.</p>",
            },
        ]
    )
    page = factories.StandardPageFactory(
        parent=site_tree.home, title="Health care", slug="health", introduction="Care.", body=body
    )
    response = search(client, q="opioids")
    result = next(result for result in response.context["search_results"] if result.url == page.url)
    html = str(result.passage)
    assert "<mark>opioid</mark>" in html
    assert "Chisinau" in html
    assert "prisons &amp; jails" in html  # the text around it is escaped
    assert "opening paragraph" not in html
    assert "<mark>opioid</mark>" in response.content.decode()


def test_markup_typed_in_a_page_or_a_query_is_escaped(client, site_tree):
    factories.StandardPageFactory(
        parent=site_tree.home,
        title="Evaluation",
        slug="evaluation",
        introduction="<script>alert(1)</script> evaluation",
    )
    html = search(client, q="evaluation").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>evaluation</mark>" in html
    typed = search(client, q="<b>evaluation</b>").content.decode()
    assert "<b>evaluation</b>" not in typed
    assert "&lt;b&gt;evaluation&lt;/b&gt;" in typed


# Filters


@pytest.fixture
def filter_tree(site_tree):
    """A second programme, with a training in Romania in 2015, besides the site tree's."""
    other = factories.ProgrammePageFactory(
        parent=site_tree.index, title="Prevention programme", slug="prevention", start_year=2014, end_year=2016
    )
    training = factories.TrainingOutlinePageFactory(
        parent=other, year=2015, country=site_tree.romania, title="Prevention course", slug="prevention-course"
    )
    return site_tree, other, training


def test_each_filter_narrows_the_results(client, filter_tree):
    tree, other, training = filter_tree
    everything = result_urls(search(client, q="introduction"))
    assert {tree.training_outline.url, training.url} <= set(everything)

    by_programme = result_urls(search(client, q="introduction", programme=other.pk))
    assert training.url in by_programme
    assert tree.training_outline.url not in by_programme

    by_country = result_urls(search(client, q="introduction", country="RO"))
    assert training.url in by_country
    assert tree.training_outline.url not in by_country

    by_year = result_urls(search(client, q="introduction", year="2015"))
    assert training.url in by_year
    assert tree.training_outline.url not in by_year

    by_type = result_urls(search(client, q="prevention", type="programme"))
    assert by_type[0] == other.url
    assert training.url not in by_type


def test_filters_combine(client, filter_tree):
    tree, other, training = filter_tree
    assert result_urls(search(client, q="course", programme=other.pk, country="RO", year="2015")) == [training.url]
    assert result_urls(search(client, q="course", programme=tree.programme.pk, country="RO", year="2015")) == []
    # A programme is found by every year of its period, a running one up to this year.
    programmes = {other.url, tree.programme.url}
    assert set(result_urls(search(client, q="introduction", year="2015", type="programme"))) == programmes
    assert result_urls(search(client, q="introduction", year="2013", type="programme")) == [tree.programme.url]
    assert result_urls(search(client, q="introduction", year="2017", type="programme")) == [tree.programme.url]


def test_filters_without_a_query_list_the_pages(client, filter_tree):
    tree, other, training = filter_tree
    urls = result_urls(search(client, type="training-outline"))
    assert set(urls) == {tree.training_outline.url, training.url}


def test_filters_are_a_plain_form_kept_in_the_address_and_by_pagination(client, filter_tree):
    tree, other, training = filter_tree
    for number in range(12):
        factories.TrainingOutlinePageFactory(
            parent=other, year=2015, title=f"Prevention seminar {number}", slug=f"seminar-{number}"
        )
    response = search(client, q="prevention", programme=other.pk, year="2015")
    soup = BeautifulSoup(response.content, "html.parser")
    form = soup.find("form", class_="search-form--filters")
    assert form["method"] == "get"
    for name in ("q", "programme", "country", "type", "year"):
        field = form.find(attrs={"name": name})
        assert field is not None, name
        assert soup.find("label", attrs={"for": field["id"]}), name  # every field has its label
    assert form.find("select", attrs={"name": "programme"}).find("option", selected=True)["value"] == str(other.pk)
    assert form.find("select", attrs={"name": "year"}).find("option", selected=True)["value"] == "2015"
    next_link = soup.find("a", rel="next")["href"]
    assert f"programme={other.pk}" in next_link
    assert "year=2015" in next_link
    assert "q=prevention" in next_link


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc"},
        {"year": "1999"},
        {"year": "2015.0"},
        {"country": "ZZ"},
        {"country": "md"},
        {"type": "recipe"},
        {"programme": "999999"},
        {"programme": "-1"},
        {"page": "x", "type": "\x00"},
    ],
)
def test_a_malformed_filter_is_ignored(client, filter_tree, params):
    tree, other, training = filter_tree
    response = search(client, q="introduction", **params)
    assert set(result_urls(response)) >= {tree.training_outline.url, training.url}


# Documents


def test_a_phrase_inside_an_uploaded_pdf_finds_it(client, site_tree):
    document = upload(
        "Annual report",
        pdf_with_text("The working group met in Chisinau.", "Methadone maintenance reduced overdoses by a third."),
    )
    assert "Methadone maintenance" in document.text
    response = search(client, q='"methadone maintenance"')
    assert document.url in result_urls(response)
    html = response.content.decode()
    assert "<mark>Methadone</mark> <mark>maintenance</mark>" in html
    assert "(PDF, " in html  # type and size
    # Inflected, too: "overdose" finds "overdoses".
    assert document.url in result_urls(search(client, q="overdose"))


def test_the_text_of_a_word_document_is_found(client, site_tree):
    document = upload("Minutes", docx_with_text("Peer educators in Odesa"), name="minutes.docx")
    assert document.url in result_urls(search(client, q="odesa educator"))


def test_a_damaged_file_is_saved_and_found_by_its_title(client, site_tree):
    document = upload("Broken leaflet", b"%PDF-1.4 not really a pdf")
    assert document.text == ""
    assert document.url in result_urls(search(client, q="leaflet"))


def test_replacing_the_file_reads_its_text_again(client, site_tree):
    document = upload("Agenda", pdf_with_text("Kyiv workshop"))
    document.file.save("agenda.pdf", ContentFile(pdf_with_text("Lviv workshop")), save=False)
    document._set_document_file_metadata()
    document.save()
    assert document.url in result_urls(search(client, q="lviv"))
    assert document.url not in result_urls(search(client, q="kyiv"))


def test_private_documents_never_appear(client, site_tree, private_collection):
    secret = upload("Budget draft", pdf_with_text("Confidential budget figures"), collection=private_collection)
    below = Collection.objects.get(pk=private_collection.pk).add_child(name="Sub-folder")
    deeper = upload("Budget annex", pdf_with_text("Confidential budget annex"), collection=below)
    public = upload("Budget summary", pdf_with_text("Public budget figures"))
    urls = result_urls(search(client, q="budget"))
    assert public.url in urls
    assert secret.url not in urls
    assert deeper.url not in urls
    library = search(client, type="document").content.decode()
    assert public.url in library
    assert secret.url not in library
    assert deeper.url not in library


def test_the_document_library_lists_every_public_document_with_its_facts(client, site_tree):
    report = upload("Country report", pdf_with_text("Prison health in Moldova"))
    leaflet = upload("Leaflet", pdf_with_text("Prévention en prison"), name="leaflet.pdf", language="fr")
    site_tree.training_outline.outline_documents = document_blocks(report)
    site_tree.training_outline.save_revision().publish()
    response = search(client, type="document")
    assert response.context["library"] is not None
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("h1").get_text() == "Document library"
    rows = {
        row.find(class_="document-link__title").get_text(): [
            cell.get_text(" ", strip=True) for cell in row.find_all("td")
        ]
        for row in soup.find("table").find("tbody").find_all("tr")
    }
    assert rows["Country report"][1:4] == ["PDF", rows["Country report"][2], "English"]
    assert rows["Country report"][2]  # the size
    assert rows["Country report"][4] == "2012"
    assert rows["Country report"][5] == "Drugs in Prisons"
    assert rows["Leaflet"][3] == "French"
    assert [th.get("scope") for th in soup.find("table").find_all("th")] == ["col"] * 6
    # Filtered by programme, only the documents its pages link to.
    filtered = search(client, type="document", programme=site_tree.programme.pk).content.decode()
    assert report.url in filtered
    assert leaflet.url not in filtered


def test_a_document_linked_from_a_programme_is_found_by_its_filters(client, site_tree):
    report = upload("Evaluation report", pdf_with_text("Evaluation of the prison project"))
    site_tree.training_outline.outline_documents = document_blocks(report)
    site_tree.training_outline.save_revision().publish()
    assert report.url in result_urls(search(client, q="evaluation", programme=site_tree.programme.pk))
    assert report.url in result_urls(search(client, q="evaluation", country="MD"))
    assert report.url in result_urls(search(client, q="evaluation", type="document"))
    assert report.url not in result_urls(search(client, q="evaluation", country="RO"))
    assert report.url not in result_urls(search(client, q="evaluation", type="programme"))


# Visibility


def test_drafts_and_private_pages_never_appear(client, site_tree):
    draft = factories.StandardPageFactory(parent=site_tree.home, title="Zanzibar draft", slug="draft", live=False)
    private = factories.StandardPageFactory(parent=site_tree.home, title="Zanzibar private", slug="private")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    shown = factories.StandardPageFactory(parent=site_tree.home, title="Zanzibar public", slug="public")
    urls = result_urls(search(client, q="zanzibar"))
    assert urls == [shown.url]
    assert draft.url not in search(client, type="programme").content.decode()


# Promotions and the search terms report


def test_promoted_pages_come_above_the_results(client, site_tree):
    query = Query.get("help")
    SearchPromotion.objects.create(query=query, page=site_tree.standard_page, description="Who we are.", sort_order=0)
    SearchPromotion.objects.create(
        query=query, external_link_url="https://www.coe.int/", external_link_text="Council of Europe", sort_order=1
    )
    draft = factories.StandardPageFactory(parent=site_tree.home, title="Unpublished", slug="unpublished", live=False)
    SearchPromotion.objects.create(query=query, page=draft, sort_order=2)
    response = search(client, q="Help")
    soup = BeautifulSoup(response.content, "html.parser")
    promoted = soup.find("section", class_="search-promotions")
    links = [link["href"] for link in promoted.find_all("a")]
    assert links == [site_tree.standard_page.url, "https://www.coe.int/"]
    assert "Who we are." in promoted.get_text()
    # The French visitor is promoted the French page, when there is one.
    standard_fr = translate(site_tree.standard_page, site_tree.home_fr.locale)
    html_fr = search(client, "fr", q="help").content.decode()
    assert standard_fr.url in html_fr


def test_each_search_is_counted_for_the_search_terms_report(client, site_tree, superuser):
    search(client, q="Prisons")
    search(client, q="prisons  ")
    search(client, q="prisons", page="2")  # the same search, paged through: counted once
    assert Query.get("prisons").hits == 2
    search(client, q="")
    search(client, q="!!!")
    assert not Query.objects.filter(query_string="").exists()
    client.force_login(superuser)
    report = client.get(reverse("wagtailsearchpromotions:search_terms"))
    assert report.status_code == 200
    assert "prisons" in report.content.decode()


# The query itself


@pytest.mark.parametrize(
    ("typed", "words", "phrases"),
    [
        ('"drugs in prisons" moldova', ["drugs", "in", "prisons", "moldova"], [["drugs", "in", "prisons"]]),
        ('unbalanced "quote', ["unbalanced", "quote"], []),
        ("a\x00b", ["ab"], []),
        ("(AND OR NOT) *", ["AND", "OR", "NOT"], []),
        ("x" * 500, ["x" * 200], []),
    ],
)
def test_only_the_words_of_a_query_reach_the_backend(typed, words, phrases):
    query = parse_query(typed)
    assert query.words == words
    assert query.phrases == phrases


@pytest.mark.parametrize(
    ("typed", "heading"),
    [
        ('"drugs in prisons"', "for “drugs in prisons”"),
        ('"drugs in prisons" moldova', 'for “"drugs in prisons" moldova”'),
        ("prisons", "for “prisons”"),
    ],
)
def test_a_quoted_query_is_not_quoted_twice_in_the_headings(client, site_tree, typed, heading):
    soup = BeautifulSoup(search(client, q=typed).content, "html.parser")
    assert soup.title.get_text().endswith(f"{heading} – Pompidou Group"), soup.title.get_text()
    assert soup.find(class_="result-count").get_text().endswith(heading)
    # The search box keeps exactly what was typed.
    assert soup.find("input", attrs={"name": "q"})["value"] == typed


def test_editors_may_promote_search_results(client, site_tree, django_user_model):
    from django.contrib.auth.models import Group

    editor = django_user_model.objects.create_user("promoter", "promoter@example.org", "a-long-test-password")
    editor.groups.add(Group.objects.get(name="Editors"))
    assert editor.has_perm("wagtailsearchpromotions.add_searchpromotion")
    client.force_login(editor)
    assert client.get(reverse("wagtailsearchpromotions:add")).status_code == 200
