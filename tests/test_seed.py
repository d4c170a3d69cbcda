"""The seed content: what `load_seed_content` builds, that it can run twice, and that the brief is all there.

Page slugs and titles come from fixtures/seed_content.json (the contract); the facts come from the
client's brief (/work/shared/seed/CONTENT_MAP.md) and must be visible on the rendered pages and in
the generated PDFs.
"""

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from django.conf import settings
from django.core.management import call_command

from wagtail.documents import get_document_model
from wagtail.models import Collection, Locale, Page, Revision, Site

from pompidou_site.models import Country, FooterText, HomePage, Partner, StandardPage
from programmes.models import CountryProjectPage, ProgrammeIndexPage, ProgrammePage
from trainings.models import TrainingOutlinePage

SEED_FILE = Path(settings.BASE_DIR) / "fixtures" / "seed_content.json"
PAGE_MODELS = [HomePage, ProgrammeIndexPage, ProgrammePage, CountryProjectPage, TrainingOutlinePage, StandardPage]


def seed_data():
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


def fixture_pages(node=None):
    node = node or seed_data()["pages"]
    yield node
    for child in node.get("children", []):
        yield from fixture_pages(child)


def fixture_slug(key, language="en"):
    return next(spec["slug"][language] for spec in fixture_pages() if spec["key"] == key)


def seeded_page(key, language="en"):
    return Page.objects.get(slug=fixture_slug(key, language), locale__language_code=language).specific


def main_text(client, page):
    response = client.get(page.url)
    assert response.status_code == 200, f"{page.url} answered {response.status_code}"
    main = BeautifulSoup(response.content, "html.parser").find("main")
    return " ".join(main.get_text(" ").replace("\xa0", " ").split())


def object_counts():
    return {
        "pages": Page.objects.count(),
        "countries": Country.objects.count(),
        "partners": Partner.objects.count(),
        "documents": get_document_model().objects.count(),
        "collections": Collection.objects.count(),
        "locales": Locale.objects.count(),
        "sites": Site.objects.count(),
        "footer texts": FooterText.objects.count(),
    }


def duplicate_slugs():
    siblings = Counter(Page.objects.values_list("path", "slug"))
    by_parent = Counter((path[: -Page.steplen], slug) for (path, slug) in siblings.elements())
    return [key for key, count in by_parent.items() if count > 1]


@pytest.mark.django_db
def test_loader_builds_the_whole_site_on_a_freshly_migrated_database():
    assert not HomePage.objects.exists(), "this test needs the database as `migrate` leaves it"
    out = io.StringIO()
    call_command("load_seed_content", stdout=out)
    assert out.getvalue().strip(), "the loader reports what it did"

    # The fixture says how many pages of each type; each exists once in each language.
    expected = Counter(spec["type"] for spec in fixture_pages())
    for language in seed_data()["locales"]:
        for model in PAGE_MODELS:
            label = f"{model._meta.app_label}.{model.__name__}"
            count = model.objects.filter(locale__language_code=language).live().count()
            assert count == expected[label], f"{count} live {label} in {language}, expected {expected[label]}"

    # Each English page has its French translation (same translation key), and the other way round.
    english = Page.objects.filter(locale__language_code="en", depth__gte=2)
    untranslated = [page.url_path for page in english if not page.get_translations().filter(locale__language_code="fr")]
    assert untranslated == []
    assert Page.objects.filter(locale__language_code="fr", depth__gte=2).count() == english.count()

    # The brief's shape: one index with five programmes, per language.
    for language in ("en", "fr"):
        assert ProgrammePage.objects.filter(locale__language_code=language).live().count() == 5
        assert ProgrammeIndexPage.objects.filter(locale__language_code=language).count() == 1

    # Wagtail's welcome page is gone and the site serves the English home page.
    assert not Page.objects.filter(depth=2, content_type__model="page").exists()
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific_class is HomePage
    assert site.root_page.locale.language_code == "en"
    assert site.root_page.get_translations().filter(locale__language_code="fr").live().exists()


@pytest.mark.django_db
def test_loader_run_twice_creates_nothing_more():
    assert not HomePage.objects.exists(), "this test needs the database as `migrate` leaves it"
    call_command("load_seed_content", stdout=io.StringIO())
    first = object_counts()
    revisions = Revision.objects.count()
    files = sorted(get_document_model().objects.values_list("file", flat=True))
    call_command("load_seed_content", stdout=io.StringIO())

    assert object_counts() == first
    assert Revision.objects.count() == revisions, "a second run republished unchanged content"
    assert sorted(get_document_model().objects.values_list("file", flat=True)) == files
    assert duplicate_slugs() == []


def test_three_country_projects_are_to_come_on_the_drugs_in_prisons_page(client, seeded):
    programme = seeded_page("drugs-in-prisons")
    planned = CountryProjectPage.objects.child_of(programme).filter(status=CountryProjectPage.Status.PLANNED)
    assert sorted(project.title for project in planned) == ["Bosnia and Herzegovina", "Romania", "Ukraine"]
    moldova = CountryProjectPage.objects.child_of(programme).get(slug=fixture_slug("drugs-in-prisons-moldova"))
    assert moldova.status != CountryProjectPage.Status.PLANNED

    html = client.get(programme.url).content.decode()
    main = BeautifulSoup(html, "html.parser").find("main")
    for project in planned:
        item = main.find("a", href=project.url) or main.find(string=lambda text, p=project: text and p.title in text)
        assert item is not None, f"{project.title} is not listed on the programme page"
        container = item.find_parent("li") or item.find_parent()
        assert "To come" in container.get_text(" "), f"{project.title} is not marked as to come"
    moldova_link = main.find("a", href=moldova.url)
    assert moldova_link is not None
    assert "To come" not in (moldova_link.find_parent("li") or moldova_link).get_text(" ")


def test_executive_training_lists_its_outlines_newest_first(client, seeded):
    programme = seeded_page("executive-training")
    outlines = TrainingOutlinePage.objects.child_of(programme).live()
    assert sorted(outlines.values_list("year", flat=True)) == [2010, 2011, 2012]

    main = BeautifulSoup(client.get(programme.url).content, "html.parser").find("main")
    hrefs = [a["href"] for a in main.find_all("a", href=True)]
    positions = [hrefs.index(outline.url) for outline in sorted(outlines, key=lambda page: -page.year)]
    assert positions == sorted(positions), "the training outlines are not listed newest first"


# The brief, page by page (English): every fact must be readable on the page itself.
BRIEF_FACTS = {
    "executive-training": [
        "Polish Presidency",
        "2010",
        "Warsaw",
        "May 2010",
        "Polish National Office of Drug Prevention",
        "about 30",
        "2011",
        "2014",
        "Training outline 2010",
        "Training outline 2011",
        "Training outline 2012",
    ],
    "executive-training-2010": ["Warsaw", "May 2010", "about 30", "Polish National Office of Drug Prevention"],
    "drugs-in-prisons": [
        "Preventing Drug Trafficking and Abuse in Prisons",
        "Eastern Europe",
        "Bosnia and Herzegovina",
        "supply",
        "demand",
        "human rights",
        "reintegration",
        "through-care",
        "Project outline for a regional conference",
        "Republic of Moldova",
        "Romania",
        "Ukraine",
    ],
    "drugs-in-prisons-moldova": ["Republic of Moldova", "Preventing Drug Trafficking and Abuse in Prisons"],
    "mednet": [
        "MedNET",
        "opiate substitution",
        "Algeria",
        "Morocco",
        "Lebanon",
        "Egypt",
        "law-enforcement",
        "addictology",
        "Tunisia",
        "2012",
        "MedNET country-by-country co-operation report",
    ],
    "qualitative-research": [
        "European Society for Social Drug Research",
        "ESSD",
        "young researchers",
        "policy makers",
        "Amsterdam",
        "August 2008",
        "August 2009",
    ],
    "prevention-training": [
        "2007",
        "2008",
        "five",
        "life-skills",
        "150",
        "Zaporozhye",
        "Ukraine",
        "NGO",
        "Bulgaria",
        "Georgia",
        "Lithuania",
        "Romania",
    ],
    "prevention-zaporozhye-seminars": ["Zaporozhye", "more than 150", "2007", "2008"],
    "home": ["Council of Europe", "Co-operation Group to Combat Drug Abuse and Illicit Trafficking in Drugs"],
}

# In French: the names and numbers a French reader must find.
BRIEF_FACTS_FR = {
    "executive-training": ["Varsovie", "mai 2010", "2010", "Bureau national polonais de prévention de la toxicomanie"],
    "executive-training-2010": ["Varsovie", "mai 2010", "30"],
    "drugs-in-prisons": ["Bosnie-Herzégovine", "République de Moldova", "Roumanie", "Ukraine"],
    "mednet": ["MedNET", "Algérie", "Maroc", "Liban", "Égypte", "Tunisie", "2012"],
    "qualitative-research": ["ESSD", "Amsterdam", "2008", "2009"],
    "prevention-training": ["150", "2007", "2008", "Ukraine", "Bulgarie", "Géorgie", "Lituanie", "Roumanie"],
}


@pytest.mark.parametrize(
    ("key", "language", "facts"),
    [(key, "en", facts) for key, facts in BRIEF_FACTS.items()]
    + [(key, "fr", facts) for key, facts in BRIEF_FACTS_FR.items()],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_every_fact_of_the_brief_is_on_its_page(client, seeded, key, language, facts):
    text = main_text(client, seeded_page(key, language)).casefold()
    missing = [fact for fact in facts if fact.casefold() not in text]
    assert missing == [], f"missing from the {language} page {key}: {missing}"


# Each generated document: what it must say, as its page does.
PDF_FACTS = {
    # The facts as the page formats them: "about 30 participants", as the page says.
    ("Training outline 2010", "en"): [
        "Warsaw",
        "May 2010",
        "about 30 participants",
        "Polish National Office of Drug Prevention",
    ],
    ("Training outline 2011", "en"): ["2011", "Executive Training for drug policy managers"],
    ("Training outline 2012", "en"): ["2012", "Executive Training for drug policy managers"],
    ("Descriptif de la formation 2010", "fr"): ["Varsovie", "mai 2010", "environ 30 participants"],
    ("Descriptif de la formation 2011", "fr"): ["2011"],
    ("Descriptif de la formation 2012", "fr"): ["2012"],
    ("Project outline for a regional conference", "en"): [
        "Preventing Drug Trafficking and Abuse in Prisons",
        "Republic of Moldova",
        "Romania",
        "Ukraine",
        "Bosnia and Herzegovina",
        "human rights",
    ],
    ("Preventing Drug Trafficking and Abuse in Prisons in the Republic of Moldova", "en"): [
        "Republic of Moldova",
        "Preventing Drug Trafficking and Abuse in Prisons",
    ],
    ("MedNET country-by-country co-operation report", "en"): [
        "MedNET",
        "Algeria",
        "Morocco",
        "Lebanon",
        "Egypt",
        "Tunisia",
        "2012",
        "addictology",
    ],
}


def pdf_text(document):
    with document.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF-"), f"{document.title} is not a PDF"
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 1
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.replace("\xa0", " ").split())


def test_every_seeded_document_is_a_readable_pdf(seeded):
    documents = get_document_model().objects.all()
    assert {(document.title, document.language) for document in documents} == set(PDF_FACTS)
    for document in documents:
        assert document.file_type == "PDF"
        assert pdf_text(document).strip(), f"{document.title} has no text"


@pytest.mark.parametrize(("title", "language"), list(PDF_FACTS), ids=lambda value: value)
def test_each_pdf_says_what_its_page_says(seeded, title, language):
    document = get_document_model().objects.get(title=title, language=language)
    text = pdf_text(document).casefold()
    missing = [fact for fact in PDF_FACTS[(title, language)] if fact.casefold() not in text]
    assert missing == [], f"missing from {title} ({language}): {missing}"
