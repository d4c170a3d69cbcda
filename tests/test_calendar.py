"""The trainings calendar: every training of a language, upcoming and past, filtered from the
address; its iCalendar feed and each training's .ics, with nothing invented for dates known only
to the month or the year."""

import datetime

import icalendar
import pytest
import time_machine
from bs4 import BeautifulSoup

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

from pompidou_site.models import HomePage
from trainings.models import TrainingCalendarPage, TrainingOutlinePage

from . import factories
from .conftest import translate
from .test_hostile_input import HOSTILE_STRINGS

pytestmark = pytest.mark.django_db

# The clock of these tests: mid-June 2026.
TODAY = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def calendar(site_tree, clock):
    """The calendar in both languages, and trainings of every precision around today."""
    page = factories.TrainingCalendarPageFactory(parent=site_tree.home, title="Training calendar")
    page_fr = translate(page, site_tree.home_fr.locale)
    page_fr.title = "Calendrier des formations"
    page_fr.save_revision().publish()
    other_programme = factories.ProgrammePageFactory(parent=site_tree.index, title="MedNET", slug="mednet")

    def training(title, parent=None, **fields):
        return factories.TrainingOutlinePageFactory(parent=parent or site_tree.programme, title=title, **fields)

    trainings = {
        "march": training(
            "Spring seminar",
            year=2026,
            date_precision="day",
            start_date=datetime.date(2026, 3, 2),
            end_date=datetime.date(2026, 3, 6),
            city="Chișinău",
            country=site_tree.moldova,
        ),
        "september": training(
            "Autumn course",
            parent=other_programme,
            year=2026,
            date_precision="day",
            start_date=datetime.date(2026, 9, 14),
            end_date=None,
            city="Bucharest",
            country=site_tree.romania,
        ),
        "june": training("June workshop", year=2026, date_precision="month", start_date=datetime.date(2026, 6, 1)),
        "may": training("May workshop", year=2026, date_precision="month", start_date=datetime.date(2026, 5, 1)),
        "this-year": training("Annual meeting", year=2026, date_precision="year", start_date=None),
        "last-year": training("Former meeting", year=2025, date_precision="year", start_date=None, city=""),
    }
    return {"page": page, "page_fr": page_fr, "programme": other_programme, **trainings}


def soup_of(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def listed_titles(soup, heading_id):
    section = soup.find("section", attrs={"aria-labelledby": heading_id})
    return [link.get_text(strip=True) for link in section.select(".training-list__title")]


def parse_calendar(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events_of(response):
    return {str(event["SUMMARY"]): event for event in parse_calendar(response).walk("VEVENT")}


# ---- The page type ---------------------------------------------------------------------------------


def test_the_calendar_lives_once_under_a_home_page(page_assertions, site_tree):
    page_assertions.assertAllowedParentPageTypes(TrainingCalendarPage, {HomePage})
    page_assertions.assertAllowedSubpageTypes(TrainingCalendarPage, set())
    assert TrainingCalendarPage.can_create_at(site_tree.home)
    factories.TrainingCalendarPageFactory(parent=site_tree.home)
    assert not TrainingCalendarPage.can_create_at(site_tree.home)
    # Each language's home page has its own.
    assert TrainingCalendarPage.can_create_at(site_tree.home_fr)


def test_an_editor_creates_the_calendar_in_the_admin(admin_page_assertions, site_tree):
    from wagtail.test.utils.form_data import nested_form_data

    admin_page_assertions.assertCanCreate(
        site_tree.home,
        TrainingCalendarPage,
        nested_form_data({"title": "Training calendar", "slug": "calendar", "introduction": "Every training."}),
    )


# ---- Upcoming and past -----------------------------------------------------------------------------


def test_upcoming_and_past_are_split_by_today_and_by_what_is_known(client, calendar):
    soup = soup_of(client.get(calendar["page"].url))
    # A training known to its month or year is upcoming until that month or year is over.
    assert listed_titles(soup, "upcoming-heading") == [
        "Annual meeting — Drugs in Prisons",
        "June workshop — Drugs in Prisons",
        "Autumn course — MedNET",
    ]
    # The past, most recent first.
    assert listed_titles(soup, "past-heading") == [
        "May workshop — Drugs in Prisons",
        "Spring seminar — Drugs in Prisons",
        "Former meeting — Drugs in Prisons",
        "Training outline 2012 — Drugs in Prisons",  # The site tree's, May 2012.
    ]


def test_a_month_ends_a_training_known_to_it(client, calendar):
    with time_machine.travel(datetime.datetime(2026, 7, 1, 8, 0, tzinfo=datetime.UTC), tick=False):
        soup = soup_of(client.get(calendar["page"].url))
    assert "June workshop — Drugs in Prisons" in listed_titles(soup, "past-heading")
    assert "Annual meeting — Drugs in Prisons" in listed_titles(soup, "upcoming-heading")


def test_each_training_shows_its_dates_as_precisely_as_known(client, calendar):
    soup = soup_of(client.get(calendar["page"].url))
    items = {
        item.select_one(".training-list__title").get_text(strip=True): item
        for item in soup.select(".training-list__item")
    }
    assert (
        items["Spring seminar — Drugs in Prisons"]
        .select_one(".training-list__meta")
        .get_text()
        .strip()
        .startswith("2–6 March 2026")
    )
    assert "Chișinău, Republic of Moldova" in items["Spring seminar — Drugs in Prisons"].get_text()
    assert items["June workshop — Drugs in Prisons"].find("time")["datetime"] == "2026-06"
    assert items["Annual meeting — Drugs in Prisons"].find("time")["datetime"] == "2026"


def test_the_french_calendar_lists_the_french_trainings(client, calendar, site_tree):
    french = translate(calendar["march"], site_tree.home_fr.locale)
    french.title = "Séminaire de printemps"
    french.save_revision().publish()
    soup = soup_of(client.get(calendar["page_fr"].url))
    assert soup.find("html")["lang"] == "fr"
    titles = listed_titles(soup, "past-heading")
    assert titles == ["Séminaire de printemps — Drugs in Prisons"]
    assert "2–6 mars 2026" in soup.find("main").get_text()
    assert soup.find("h2", id="upcoming-heading").get_text() == "Formations à venir"


# ---- Filters ---------------------------------------------------------------------------------------


def all_titles(soup):
    return set(listed_titles(soup, "upcoming-heading")) | set(listed_titles(soup, "past-heading"))


def test_the_filters_are_a_labelled_get_form(client, calendar):
    soup = soup_of(client.get(calendar["page"].url))
    form = soup.find("form", class_="filter-form")
    assert form["method"] == "get"
    for name in ("programme", "country", "year"):
        select = form.find("select", attrs={"name": name})
        assert form.find("label", attrs={"for": select["id"]}).get_text(strip=True)
    assert [option["value"] for option in form.find("select", attrs={"name": "country"}).find_all("option")] == [
        "",
        "MD",
        "RO",
    ]
    assert [option["value"] for option in form.find("select", attrs={"name": "year"}).find_all("option")] == [
        "",
        "2026",
        "2025",
        "2012",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"programme": "mednet"}, {"Autumn course — MedNET"}),
        ({"country": "MD"}, {"Spring seminar — Drugs in Prisons", "Training outline 2012 — Drugs in Prisons"}),
        ({"country": "md"}, {"Spring seminar — Drugs in Prisons", "Training outline 2012 — Drugs in Prisons"}),
        ({"year": "2025"}, {"Former meeting — Drugs in Prisons"}),
        ({"programme": "drugs-in-prisons", "country": "RO"}, set()),
        ({"programme": "mednet", "year": "2026"}, {"Autumn course — MedNET"}),
    ],
)
def test_the_filters_combine(client, calendar, query, expected):
    soup = soup_of(client.get(calendar["page"].url, query))
    assert all_titles(soup) == expected
    # The choices stay selected, and a link shows every training again.
    for name, value in query.items():
        # A country code typed in lower case is the country's choice.
        expected_value = value.upper() if name == "country" else value
        assert soup.find("select", attrs={"name": name}).find("option", selected=True)["value"] == expected_value
    assert soup.find("a", string="Show every training")["href"] == calendar["page"].url


@pytest.mark.parametrize(
    "query",
    [
        {"year": "abc"},
        {"year": "99999999999999999999"},
        {"year": "-1"},
        {"country": "ZZ"},
        {"country": "<script>"},
        {"programme": "no-such-programme"},
        {"programme": "\x00"},
        {"page": "2", "unknown": "x"},
    ],
)
def test_malformed_filters_are_ignored(client, calendar, query):
    soup = soup_of(client.get(calendar["page"].url, query))
    assert len(all_titles(soup)) == 7
    assert soup.find("a", string="Show every training") is None


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_hostile_filters_never_break_the_calendar_or_its_feed(client, calendar, value):
    query = {"programme": value, "country": value, "year": value}
    for url in (calendar["page"].url, calendar["page"].url + "ics/", calendar["page_fr"].url):
        response = client.get(url, query)
        assert response.status_code == 200, f"{url} with {value!r} answered {response.status_code}"


def test_an_invalid_choice_is_named_without_its_unprintable_characters(client, calendar):
    # NUL is a parse error in HTML: the error message must not echo it.
    soup_text = client.get(calendar["page"].url, {"year": "20\x0010", "country": "Z\x01Z"}).content.decode()
    assert "\x00" not in soup_text and "\x01" not in soup_text
    assert "2010 is not one of the available choices" in soup_text
    assert "ZZ is not one of the available choices" in soup_text


def test_a_training_spanning_years_is_found_in_each(client, site_tree, calendar):
    factories.TrainingOutlinePageFactory(
        parent=site_tree.programme,
        title="Two-year seminars",
        year=2023,
        date_precision="year",
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2024, 1, 1),
    )
    for year in ("2023", "2024"):
        assert all_titles(soup_of(client.get(calendar["page"].url, {"year": year}))) == {
            "Two-year seminars — Drugs in Prisons"
        }


# ---- iCalendar ---------------------------------------------------------------------------------------


def test_the_feed_has_an_all_day_event_for_each_training_known_to_the_day(client, calendar):
    response = client.get(calendar["page"].url + "ics/")
    assert "attachment" in response["Content-Disposition"]
    cal = parse_calendar(response)
    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"]
    assert str(cal["X-WR-CALNAME"]) == "Training calendar"
    events = {str(event["SUMMARY"]): event for event in cal.walk("VEVENT")}
    # Trainings known only to their month or year are left out: no day is invented for them.
    assert set(events) == {"Spring seminar — Drugs in Prisons", "Autumn course — MedNET"}

    spring = events["Spring seminar — Drugs in Prisons"]
    start, end = spring["DTSTART"], spring["DTEND"]
    assert start.params.get("VALUE") == "DATE" and end.params.get("VALUE") == "DATE"
    assert start.dt == datetime.date(2026, 3, 2)
    assert end.dt == datetime.date(2026, 3, 7)  # Exclusive: the day after the last.
    assert type(start.dt) is datetime.date
    assert str(spring["LOCATION"]) == "Chișinău, Republic of Moldova"
    assert str(spring["URL"]) == calendar["march"].get_full_url()
    assert spring["DTSTAMP"].dt == calendar["march"].last_published_at
    assert str(spring["UID"]).startswith(f"training-outline-{calendar['march'].pk}@")

    autumn = events["Autumn course — MedNET"]
    assert (autumn["DTSTART"].dt, autumn["DTEND"].dt) == (datetime.date(2026, 9, 14), datetime.date(2026, 9, 15))


def test_the_uid_stays_the_same_when_the_training_is_edited(client, calendar):
    url = calendar["page"].url + "ics/"
    before = str(events_of(client.get(url))["Spring seminar — Drugs in Prisons"]["UID"])
    march = TrainingOutlinePage.objects.get(pk=calendar["march"].pk)
    march.title = "Spring seminar, revised"
    march.save_revision().publish()
    after = str(events_of(client.get(url))["Spring seminar, revised — Drugs in Prisons"]["UID"])
    assert before == after


def test_the_feed_follows_the_filters_and_the_language(client, calendar, site_tree):
    assert set(events_of(client.get(calendar["page"].url + "ics/", {"country": "RO"}))) == {"Autumn course — MedNET"}
    french = translate(calendar["march"], site_tree.home_fr.locale)
    french.title = "Séminaire de printemps"
    french.save_revision().publish()
    events = events_of(client.get(calendar["page_fr"].url + "ics/"))
    assert set(events) == {"Séminaire de printemps — Drugs in Prisons"}
    assert str(events["Séminaire de printemps — Drugs in Prisons"]["LOCATION"]) == "Chișinău, Republic of Moldova"


def french_link(soup):
    return soup.find("nav", class_="language-switcher").find("a", hreflang="fr")["href"]


def test_changing_language_keeps_the_filters_chosen(client, calendar, site_tree):
    programme_fr = site_tree.programme_fr
    programme_fr.slug = "drogues-en-prison"
    programme_fr.save_revision().publish()
    french = translate(calendar["march"], site_tree.home_fr.locale)
    french.title = "Séminaire de printemps"
    french.save_revision().publish()

    soup = soup_of(client.get(calendar["page"].url, {"programme": "drugs-in-prisons", "country": "md", "year": "2026"}))
    # The programme by its French slug, the country and year as chosen.
    assert french_link(soup) == calendar["page_fr"].url + "?programme=drogues-en-prison&country=MD&year=2026"
    french_soup = soup_of(client.get(french_link(soup)))
    for name, value in {"programme": "drogues-en-prison", "country": "MD", "year": "2026"}.items():
        assert french_soup.find("select", attrs={"name": name}).find("option", selected=True)["value"] == value
    assert all_titles(french_soup) == {"Séminaire de printemps — Drugs in Prisons"}

    # A programme with no French version is left out; the other choices are kept.
    soup = soup_of(client.get(calendar["page"].url, {"programme": "mednet", "year": "2026"}))
    assert french_link(soup) == calendar["page_fr"].url + "?year=2026"
    # No filter: the plain address of the other calendar.
    assert french_link(soup_of(client.get(calendar["page"].url))) == calendar["page_fr"].url


def test_the_calendar_page_links_its_feed(client, calendar):
    soup = soup_of(client.get(calendar["page"].url, {"country": "RO"}))
    link = soup.find("a", attrs={"type": "text/calendar", "href": lambda href: "/ics/" in href and "?" in href})
    assert link["href"] == calendar["page"].url + "ics/?country=RO"
    assert "not in it" in soup.find("section", attrs={"aria-labelledby": "subscribe-heading"}).get_text()


def test_a_training_known_to_the_day_offers_its_own_ics(client, calendar):
    march = calendar["march"]
    soup = soup_of(client.get(march.url))
    link = soup.find("a", attrs={"type": "text/calendar"})
    assert link.get_text(strip=True) == "Add to calendar"
    response = client.get(link["href"])
    assert 'filename="spring-seminar.ics"' in response["Content-Disposition"]
    events = events_of(response)
    assert list(events) == ["Spring seminar — Drugs in Prisons"]
    assert events["Spring seminar — Drugs in Prisons"]["DTEND"].dt == datetime.date(2026, 3, 7)


@pytest.mark.parametrize("key", ["june", "this-year"])
def test_a_training_known_to_the_month_or_year_offers_no_ics(client, calendar, key):
    training = calendar[key]
    soup = soup_of(client.get(training.url))
    assert soup.find("a", attrs={"type": "text/calendar"}) is None
    assert client.get(training.url + "ics/").status_code == 404


# ---- What the public never sees ----------------------------------------------------------------


def test_drafts_and_private_trainings_appear_nowhere(client, site_tree, calendar):
    draft = factories.TrainingOutlinePageFactory(
        parent=site_tree.programme,
        title="Draft course",
        date_precision="day",
        start_date=datetime.date(2026, 10, 1),
        year=2026,
        live=False,
    )
    private = factories.TrainingOutlinePageFactory(
        parent=site_tree.programme,
        title="Private course",
        date_precision="day",
        start_date=datetime.date(2026, 10, 2),
        year=2026,
    )
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    page_html = client.get(calendar["page"].url).content.decode()
    feed = client.get(calendar["page"].url + "ics/").content.decode()
    for text in ("Draft course", "Private course"):
        assert text not in page_html
        assert text not in feed
    # Their own .ics is not served to the public either.
    assert client.get(draft.url + "ics/").status_code == 404
    response = client.get(private.url + "ics/")
    assert response.status_code == 302 and "login" in response["Location"]


# ---- Queries ---------------------------------------------------------------------------------------


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("suffix", ["", "ics/"])
def test_the_calendar_does_not_query_once_per_training(client, site_tree, calendar, suffix):
    url = calendar["page"].url + suffix
    few = count_queries(client, url)
    for number in range(6):
        programme = factories.ProgrammePageFactory(parent=site_tree.index)
        factories.TrainingOutlinePageFactory(
            parent=programme,
            title=f"Course {number}",
            year=2020 + number,
            date_precision="day",
            start_date=datetime.date(2020 + number, 4, 1),
            country=site_tree.romania if number % 2 else site_tree.moldova,
        )
    assert count_queries(client, url) == few


def test_a_private_document_appears_in_none_of_the_calendar_feeds_or_sitemap(
    client, site_tree, calendar, private_collection
):
    document = factories.CustomDocumentFactory(title="Secretariat budget", collection=private_collection)
    march = TrainingOutlinePage.objects.get(pk=calendar["march"].pk)
    march.outline_documents = [("document", {"document": document, "title": "Budget of the seminar"})]
    march.save_revision().publish()
    urls = [
        calendar["page"].url,
        calendar["page"].url + "ics/",
        march.url + "ics/",
        "/en/feed/",
        "/en/feed/atom/",
        site_tree.programme.url + "feed/",
        site_tree.programme.url + "feed/atom/",
        "/sitemap.xml",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        for text in (document.url, document.file.name, "Secretariat budget", "Budget of the seminar"):
            assert text not in content, f"{text} in {url}"
