"""Shared fixtures.

Each test database is built by the project's real migrations, once per session (and per xdist
worker): every test starts from the database a fresh `migrate` leaves in production, with Wagtail's
default locale, root page, welcome page and default site, root collection, its Editors and
Moderators groups and moderation workflow, and what this project's data migrations add to them.

Data many tests read (the small `site_tree`, the seed content) is built once per module inside
an outer transaction and rolled back after the module (`kept_for_the_module`); each test runs in
a savepoint within it, so tests stay independent while the suite stays fast.
"""

import dataclasses
import json
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import translation

from wagtail.coreutils import get_dummy_request
from wagtail.models import Collection, CollectionViewRestriction, Site
from wagtail.test.utils import WagtailPageTestCase

from pompidou_site.models import Country, FeedbackFormPage, HomePage, Partner, StandardPage
from programmes.models import CountryProjectPage, ProgrammeIndexPage, ProgrammePage
from trainings.models import TrainingOutlinePage

from . import factories


def snapshot_database():
    """The database's rows as a string: taken before a module commits, for `restore_database`.

    The content types come first: saving other rows may look one up, which must find it, not
    create it under another key.
    """
    rows = json.loads(connection.creation.serialize_db_to_string())
    rows.sort(key=lambda row: row["model"] != "contenttypes.contenttype")
    return json.dumps(rows)


def restore_database(snapshot):
    """Empty every table a module committed to and put back the rows of `snapshot`.

    What a fresh `migrate` leaves (the default locale, root page and site, the root collection, the
    groups with their permissions and collections) comes back with the rows' own keys, as Django's
    serialised rollback does; the sequences go on from where they were.
    """
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False, inhibit_post_migrate=True)
    # A transactional test's flush made the content types again, under other keys.
    ContentType.objects.clear_cache()
    connection.creation.deserialize_db_from_string(snapshot)
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def page_assertions(client):
    """Wagtail's page assertions (assertCanCreate, assertPageIsRenderable...) for pytest tests."""
    case = WagtailPageTestCase()
    case.client = client
    case.dummy_request = get_dummy_request()
    return case


@pytest.fixture
def french(db):
    return factories.LocaleFactory(language_code="fr")


def translate(page, locale):
    """Copy a page into another locale and publish the copy, as a translator would."""
    translation = page.copy_for_translation(locale)
    translation.save_revision().publish()
    return translation.specific_class.objects.get(pk=translation.pk)


@dataclass
class SiteTree:
    home: HomePage
    home_fr: HomePage
    index: ProgrammeIndexPage
    index_fr: ProgrammeIndexPage
    programme: ProgrammePage
    programme_fr: ProgrammePage
    country_project: CountryProjectPage
    planned_project: CountryProjectPage
    training_outline: TrainingOutlinePage
    standard_page: StandardPage
    feedback_form: FeedbackFormPage
    moldova: Country
    romania: Country
    partner: Partner
    site: Site


def build_site_tree():
    """A small bilingual site: home, programme index, one programme with its children, a standard page."""
    french = factories.LocaleFactory(language_code="fr")
    moldova = factories.CountryFactory(name="Republic of Moldova", iso_code="MD")
    romania = factories.CountryFactory(name="Romania", iso_code="RO")
    partner = factories.PartnerFactory(name="Polish National Office of Drug Prevention")

    home = factories.HomePageFactory(title="Pompidou Group training and co-operation", slug="home-en")
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()

    index = factories.ProgrammeIndexPageFactory(parent=home, title="Training and co-operation programmes")
    programme = factories.ProgrammePageFactory(
        parent=index,
        title="Drugs in Prisons",
        slug="drugs-in-prisons",
        countries=[moldova, romania],
        partners=[partner],
        start_year=2011,
    )
    country_project = factories.CountryProjectPageFactory(
        parent=programme,
        title="Preventing drug trafficking and abuse in prisons in the Republic of Moldova",
        slug="moldova",
        countries=[moldova],
        status=CountryProjectPage.Status.ONGOING,
    )
    planned_project = factories.CountryProjectPageFactory(
        parent=programme,
        title="Preventing drug trafficking and abuse in prisons in Romania",
        slug="romania",
        countries=[romania],
        status=CountryProjectPage.Status.PLANNED,
    )
    training_outline = factories.TrainingOutlinePageFactory(parent=programme, year=2012, country=moldova)
    standard_page = factories.StandardPageFactory(parent=home, title="About the Pompidou Group", slug="about")
    feedback_form = factories.FeedbackFormPageFactory(parent=standard_page, title="Report a problem", slug="report")

    return SiteTree(
        home=home,
        home_fr=translate(home, french),
        index=index,
        index_fr=translate(index, french),
        programme=programme,
        programme_fr=translate(programme, french),
        country_project=country_project,
        planned_project=planned_project,
        training_outline=training_outline,
        standard_page=standard_page,
        feedback_form=feedback_form,
        moldova=moldova,
        romania=romania,
        partner=partner,
        site=site,
    )


@contextmanager
def kept_for_the_module(django_db_blocker):
    """An outer transaction for data shared by many tests, rolled back when they are done.

    Like Django's setUpTestData: each test runs in a savepoint inside it, so what a test changes
    is undone before the next one, and the shared data is built once instead of once per test.
    The database is blocked again in between, so tests without database access stay without it.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
        # Wagtail caches site root paths; rolled-back sites must not linger in it.
        cache.clear()


@pytest.fixture(scope="module")
def site_tree_module(django_db_setup, django_db_blocker):
    with kept_for_the_module(django_db_blocker):
        with django_db_blocker.unblock():
            tree = build_site_tree()
        yield tree


def refetch(instance):
    return type(instance).objects.get(pk=instance.pk)


@pytest.fixture
def site_tree(site_tree_module, db):
    """The module's site tree, as fresh instances for this test (treebeard caches child counts on them)."""
    return SiteTree(
        **{field.name: refetch(getattr(site_tree_module, field.name)) for field in dataclasses.fields(SiteTree)}
    )


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")


@pytest.fixture
def admin_page_assertions(client, superuser):
    """Wagtail's page assertions with a logged-in superuser, for admin creation tests."""
    client.force_login(superuser)
    case = WagtailPageTestCase()
    case.client = client
    case.dummy_request = get_dummy_request()
    return case


@pytest.fixture(scope="module")
def seeded_module(django_db_setup, django_db_blocker):
    """The seed content, loaded once for a whole module and rolled back after it."""
    with kept_for_the_module(django_db_blocker):
        with django_db_blocker.unblock():
            call_command("load_seed_content", verbosity=0)
        yield


@pytest.fixture
def seeded(seeded_module, db):
    """The seed content, for a test that reads it."""


@pytest.fixture(autouse=True)
def _clear_cache():
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """The language a request activated (LocaleMiddleware leaves it on the thread) ends with the test,
    so that a later test on the same worker does not render in French by chance."""
    yield
    translation.deactivate()


@pytest.fixture
def private_collection(db):
    """A collection only signed-in users may download from."""
    collection = Collection.get_first_root_node().add_child(name="Secretariat only")
    CollectionViewRestriction.objects.create(collection=collection, restriction_type=CollectionViewRestriction.LOGIN)
    return collection


@pytest.fixture
def password_collection(db):
    """A collection whose documents ask for a password."""
    collection = Collection.get_first_root_node().add_child(name="Members")
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.PASSWORD, password="s3cret"
    )
    return collection


# ---- Screenshot tests: where the run's screenshots went (tests/test_screenshots.py) -------------

SCREENSHOTS_DIR = pytest.StashKey()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    directory = config.stash.get(SCREENSHOTS_DIR, None)
    if directory is not None and directory.exists():
        terminalreporter.write_line(f"Screenshots of this run (and -diff.png of failures): {directory}/")
