"""What the seeded programme, country project and training pages show: each thing once, and only
what the seed states (its status, its period, the countries a programme works in)."""

import re
from collections import Counter

import pytest
from bs4 import BeautifulSoup

from django.utils import translation

from wagtail.documents import get_document_model

from programmes.models import CountryProjectPage, ProgrammePage

from .factories import ProgrammePageFactory
from .test_seed import fixture_pages, main_text, seeded_page


def main_of(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").find("main")


def specs_of(model):
    label = f"{model._meta.app_label}.{model.__name__}"
    return [spec for spec in fixture_pages() if spec["type"] == label]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_country_project_shows_the_status_the_seed_states_and_no_other(client, seeded, language):
    for spec in specs_of(CountryProjectPage):
        page = seeded_page(spec["key"], language)
        text = main_text(client, page)
        stated = dict(CountryProjectPage.Status.choices).get(spec.get("status", ""))
        with translation.override(language):
            shown = [str(label) for value, label in CountryProjectPage.Status.choices if str(label) in text]
            assert shown == ([str(stated)] if stated else []), f"{page.url} shows {shown}"


def test_moldova_has_no_status_the_others_are_to_come(seeded):
    statuses = {spec["key"]: seeded_page(spec["key"]).status for spec in specs_of(CountryProjectPage)}
    assert statuses.pop("drugs-in-prisons-moldova") == ""
    assert set(statuses.values()) == {CountryProjectPage.Status.PLANNED}
    assert len(statuses) == 3


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_period_says_it_runs_still_only_if_the_seed_says_so(client, seeded, language):
    with translation.override(language):
        since = str(ProgrammePage(start_year=2000, still_running=True).period).replace("2000", "")
    for model in (ProgrammePage, CountryProjectPage):
        for spec in specs_of(model):
            page = seeded_page(spec["key"], language)
            text = main_text(client, page)
            start, end = spec.get("start_year"), spec.get("end_year")
            if spec.get("still_running"):
                assert f"{since}{start}" in text
            else:
                assert since.strip() not in text, f"{page.url} says the programme is still running"
            if start and end:
                assert f"{start}–{end}" in text


def test_the_executive_training_and_the_research_course_say_when_they_began(client, seeded):
    assert "Launched 2010" in main_text(client, seeded_page("executive-training"))
    assert "Launched 2008" in main_text(client, seeded_page("qualitative-research"))
    assert "Lancement 2010" in main_text(client, seeded_page("executive-training", "fr"))
    assert "Period 2007–2008" in main_text(client, seeded_page("prevention-training"))


def test_a_period_known_to_run_still_and_one_that_is_not(db):
    with translation.override("en"):
        assert ProgrammePage(start_year=2010, still_running=True).period_fact == ("Period", "since 2010")
        assert ProgrammePage(start_year=2010).period_fact == ("Launched", "2010")
        assert ProgrammePage(start_year=2007, end_year=2008).period_fact == ("Period", "2007–2008")
        assert ProgrammePage(end_year=2012).period_fact == ("Ended", "2012")
        assert ProgrammePage().period_fact is None
    with translation.override("fr"):
        assert str(ProgrammePage(start_year=2010, still_running=True).period) == "depuis 2010"
        assert str(ProgrammePage(start_year=2010).period_label) == "Lancement"


def test_still_running_needs_a_start_and_no_end(db):
    from django.core.exceptions import ValidationError

    for page, field in (
        (ProgrammePageFactory.build(start_year=2010, end_year=2012, still_running=True), "still_running"),
        (ProgrammePageFactory.build(start_year=None, still_running=True), "start_year"),
    ):
        with pytest.raises(ValidationError) as error:
            page.clean()
        assert field in error.value.message_dict


def test_venues_are_not_countries_the_programmes_work_in(client, seeded):
    for key in ("executive-training", "qualitative-research"):
        programme = seeded_page(key)
        assert list(programme.countries.all()) == []
        facts = main_of(client, programme).find("dl", class_="facts")
        assert "Countries" not in (facts.get_text() if facts else "")
    training = seeded_page("executive-training-2010")
    assert training.country.iso_code == "PL"
    place = main_of(client, training).find("dt", string="Place").find_next_sibling("dd").get_text()
    assert "Warsaw" in place and "Poland" in place


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("key", [spec["key"] for spec in specs_of(ProgrammePage)])
def test_a_programme_page_offers_each_document_and_page_once(client, seeded, key, language):
    main = main_of(client, seeded_page(key, language))
    documents = {document.url for document in get_document_model().objects.all()}
    # The site's own pages and documents (a partner's website may be both its name's link and a related link).
    # The map repeats the countries' links for the eye and the pointer: the page's text is what counts.
    for world_map in main.select("svg.world-map"):
        world_map.decompose()
    hrefs = Counter(a["href"] for a in main.find_all("a", href=True) if a["href"].startswith("/"))
    repeated = {href: count for href, count in hrefs.items() if count > 1}
    assert repeated == {}, f"linked more than once: {repeated}"
    if key == "executive-training":
        assert len([href for href in hrefs if href in documents]) == 3


def test_the_prevention_seminars_are_filed_under_their_whole_span_and_linked_once(client, seeded):
    programme = seeded_page("prevention-training")
    seminars = seeded_page("prevention-zaporozhye-seminars")
    main = main_of(client, programme)
    assert [a["href"] for a in main.find_all("a", href=seminars.url)] == [seminars.url]
    listing = main.find("section", attrs={"aria-labelledby": "training-outlines-heading"})
    text = " ".join(listing.get_text(" ").split())
    assert "2007–2008" in text
    assert not re.search(r"\b2007\b(?!–2008)", text), "filed under 2007 alone"
    # Nothing is left in the related list: its one link was to the seminars, listed above.
    assert main.find(id="related-heading") is None


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_edition_says_its_year_once(client, seeded, language):
    main = main_of(client, seeded_page("executive-training", language))
    listing = main.find("section", attrs={"aria-labelledby": "training-outlines-heading"})
    for item in listing.select(".training-list__item"):
        title = item.select_one(".training-list__title").get_text()
        year = re.search(r"20\d\d", title).group()
        meta_element = item.select_one(".training-list__meta")
        meta = " ".join(meta_element.get_text().split()) if meta_element else ""
        # Dates that would say only the year again are left out; a month or a place is kept.
        assert not meta.startswith(year), f"{title}: the year again in its dates"
    assert [h3.get_text() for h3 in listing.find_all("h3")] == [], "a heading repeating each title's year"
    pilot = seeded_page("executive-training-2010", language)
    pilot_item = listing.find("a", href=pilot.url).find_parent("li")
    assert ("May 2010" if language == "en" else "mai 2010") in pilot_item.get_text()


def test_trainings_of_the_same_years_share_a_heading(db):
    rows = [{"page": page, "documents": []} for page in _trainings(2012, 2012, 2011)]
    groups = ProgrammePage.trainings_by_edition(rows)
    assert [(group["heading"], len(group["rows"])) for group in groups] == [("2012", 2), ("", 1)]
    assert [row["show_dates"] for row in groups[0]["rows"]] == [False, False]
    # Alone in its year, with a title that does not give it: its dates say the year.
    assert groups[1]["rows"][0]["show_dates"] is True


def _trainings(*years):
    from .factories import TrainingOutlinePageFactory

    return [
        TrainingOutlinePageFactory.build(year=year, title=f"Course {index}", start_date=None, date_precision="year")
        for index, year in enumerate(years)
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_country_project_page_stands_on_its_own(client, seeded, language):
    project = seeded_page("drugs-in-prisons-moldova", language)
    programme = seeded_page("drugs-in-prisons", language)
    main = main_of(client, project)
    assert main.find("h1").get_text() == f"{project.title} — {programme.title}"
    text = " ".join(main.get_text(" ").split())
    assert programme.introduction in text, "the programme's aims"
    assert main.find("a", href=programme.url) is not None
    # The only country is the title: no "Countries: Republic of Moldova" under it.
    assert main.find("dl", class_="facts") is None
    documents = main.find("section", attrs={"aria-labelledby": "documents-heading"})
    assert re.search(r"\(PDF, [\d.,]+\u00a0(KB|Ko)", documents.get_text())
    # The documents come before the body and the programme's aims.
    assert main.find_all("section")[0] is documents


def test_a_regional_project_lists_its_countries(client, seeded):
    project = seeded_page("drugs-in-prisons-moldova")
    romania = seeded_page("drugs-in-prisons-romania").countries.get()
    project.countries.add(romania)
    project.save()
    facts = main_of(client, project).find("dl", class_="facts")
    assert "Romania" in facts.get_text() and "Republic of Moldova" in facts.get_text()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_training_page_names_its_programme_in_its_heading(client, seeded, language):
    training = seeded_page("executive-training-2011", language)
    programme = seeded_page("executive-training", language)
    assert main_of(client, training).find("h1").get_text() == f"{training.title} — {programme.title}"
