"""The seeded training calendar (its own module: the seed content and the small site tree of
tests/test_calendar.py cannot share a database)."""

import pytest
from bs4 import BeautifulSoup

from wagtail.models import PageLogEntry

from pompidou_site.models import HomePage
from pompidou_site.seed import SEED_LOG_ACTION, SeedLoader, load_fixture
from trainings.models import TrainingCalendarPage

pytestmark = pytest.mark.django_db


def test_the_seed_creates_the_calendar_in_both_languages(client, seeded):
    english = TrainingCalendarPage.objects.get(locale__language_code="en")
    french = TrainingCalendarPage.objects.get(locale__language_code="fr")
    assert english.live and french.live and english.show_in_menus
    assert french.translation_key == english.translation_key
    assert french.title == "Calendrier des formations"
    assert english.get_parent().specific_class is HomePage
    menu = BeautifulSoup(client.get("/en/").content, "html.parser").find("nav", class_="main-nav")
    assert menu.find("a", href=english.url, string="Training calendar")
    assert client.get(french.url).status_code == 200

    # A site seeded before the calendar was in the seed gets it from the next run, and nothing else.
    PageLogEntry.objects.filter(action=SEED_LOG_ACTION, data__seed_key__startswith="page:training-calendar:").delete()
    TrainingCalendarPage.objects.filter(pk__in=[french.pk]).delete()
    TrainingCalendarPage.objects.filter(pk__in=[english.pk]).delete()
    report = SeedLoader(load_fixture()).load()
    assert report.counts["Pages (en)"]["created"] == 1
    assert report.counts["Pages (fr)"]["created"] == 1
    assert TrainingCalendarPage.objects.live().count() == 2
    assert SeedLoader(load_fixture()).load().counts["Pages (en)"]["created"] == 0
