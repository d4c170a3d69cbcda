"""Shared fixtures.

The suite runs with --no-migrations, so the rows Wagtail's data migrations would create (the
default locale, the root page with its welcome page and default site, the root collection) are
created once per session here: every test starts from the database a fresh `migrate` leaves.

Data many tests read (the small `site_tree`, the seed content) is built once per module inside
an outer transaction and rolled back after the module (`kept_for_the_module`); each test runs in
a savepoint within it, so tests stay independent while the suite stays fast.
"""

import dataclasses
import importlib
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, migrations, transaction
from django.db.migrations.recorder import MigrationRecorder

from wagtail.coreutils import get_dummy_request
from wagtail.models import Collection, Locale, Page, Site
from wagtail.search.models import IndexEntry
from wagtail.test.utils import WagtailPageTestCase

from pompidou_site.models import Country, FeedbackFormPage, HomePage, Partner, StandardPage
from programmes.models import CountryProjectPage, ProgrammeIndexPage, ProgrammePage
from trainings.models import TrainingOutlinePage

from . import factories


def create_migrated_state():
    """What `manage.py migrate` leaves in an empty database (wagtail 0002, 0025 and 0054)."""
    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Page.objects.exists():
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale, live=True))
        welcome = root.add_child(
            instance=Page(title="Welcome to your new Wagtail site!", slug="home", locale=locale, live=True)
        )
        Site.objects.create(hostname="localhost", port=80, root_page=welcome, is_default_site=True)
    if not Collection.objects.exists():
        Collection.add_root(name="Root")


def create_sqlite_full_text_index():
    """Wagtail's SQLite search needs an FTS5 virtual table that only its migration creates.

    Without migrations the table is created as a plain one and every search fails, so it is
    replaced here with the migration's own SQL.
    """
    if connection.vendor != "sqlite":
        return
    migration = importlib.import_module("wagtail.search.migrations.0006_customise_indexentry").Migration
    statements = [
        operation.sql
        for outer in migration.operations
        if isinstance(outer, migrations.SeparateDatabaseAndState)
        for operation in outer.database_operations
    ]
    if not statements:  # SQLite built without FTS5: Wagtail falls back to plain matching.
        return
    fts_table = f"{IndexEntry._meta.db_table}_fts"
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [fts_table])
        row = cursor.fetchone()
        if row and "VIRTUAL" in row[0].upper():
            return
        cursor.execute(f"DROP TABLE IF EXISTS {fts_table}")
        for statement in statements:
            cursor.execute(statement)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        # wagtail-localize reads the migration history to version its translation sources.
        MigrationRecorder(connection).ensure_schema()
        create_sqlite_full_text_index()
        create_migrated_state()


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
    cache.clear()
