"""One place for each rule (issue 9): the taxonomy resolver, the request cache, the listing
queryset and the accessibility statement chosen in the site settings."""

import importlib

from django.apps import apps
from django.test import RequestFactory
from django.utils import translation

from pompidou_site import taxonomy
from pompidou_site.models import SiteSettings, StandardPage
from programmes.models import ProgrammePage
from trainings.models import TrainingOutlinePage

from . import factories
from .conftest import translate

statement_migration = importlib.import_module("pompidou_site.migrations.0008_accessibility_statement_setting")


def footer(client, url):
    html = client.get(url).content.decode()
    return html[html.index('<footer class="site-footer">') :]


def test_every_taxonomy_field_is_synchronised_and_offers_only_the_default_locale(site_tree):
    for model in (ProgrammePage, TrainingOutlinePage):
        for field_name in taxonomy.taxonomy_field_names(model, site_tree.moldova._meta.model) + (
            taxonomy.taxonomy_field_names(model, site_tree.partner._meta.model)
        ):
            field = model._meta.get_field(field_name)
            assert field.remote_field.limit_choices_to == taxonomy.IN_DEFAULT_LOCALE
            assert field_name in [synced.field_name for synced in model.override_translatable_fields]


def test_the_resolver_asks_once_per_model_and_language_for_the_whole_request(
    site_tree, french, django_assert_num_queries
):
    translate_snippet = site_tree.moldova.copy_for_translation(french)
    translate_snippet.name = "République de Moldavie"
    translate_snippet.save()
    request = RequestFactory().get("/fr/")
    with translation.override("fr"):
        with django_assert_num_queries(2):  # The locale, then the French countries.
            first = taxonomy.in_locale([site_tree.romania, site_tree.moldova], request)
        with django_assert_num_queries(0):
            again = taxonomy.in_locale(site_tree.moldova, request)
    # Sorted by name in French; Romania, not yet translated, keeps its English name.
    assert [country.name for country in first] == ["République de Moldavie", "Romania"]
    assert [country.name for country in again] == ["République de Moldavie"]


def test_the_listing_queryset_is_live_public_and_fetches_what_cards_show(site_tree, django_assert_num_queries):
    draft = factories.ProgrammePageFactory(parent=site_tree.index, title="A draft programme")
    draft.unpublish()
    with django_assert_num_queries(4):  # Pages, countries, partners, image renditions.
        pages = list(ProgrammePage.listing("countries", "partners").order_by("path"))
        for page in pages:
            taxonomy.of_page(page, "countries")
            taxonomy.of_page(page, "partners")
    assert draft.pk not in {page.pk for page in pages}
    assert site_tree.programme.pk in {page.pk for page in pages}


def test_the_migration_chooses_the_statement_found_by_its_former_slug(site_tree):
    statement = factories.StandardPageFactory(parent=site_tree.home, title="Statement", slug="accessibility")
    SiteSettings.objects.filter(site=site_tree.site).delete()
    statement_migration.choose_the_existing_statement(apps, None)
    assert SiteSettings.objects.get(site=site_tree.site).accessibility_statement_id == statement.pk


def test_the_footer_links_the_chosen_statement_in_the_reader_language(client, site_tree):
    statement = factories.StandardPageFactory(parent=site_tree.home, title="Accessibility statement", slug="access")
    french_statement = translate(statement, site_tree.home_fr.locale)
    french_statement.title = "Déclaration d'accessibilité"
    french_statement.save_revision().publish()
    assert "Accessibility statement" not in footer(client, site_tree.home.url)

    site_settings = SiteSettings.for_site(site_tree.site)
    site_settings.accessibility_statement = statement
    site_settings.save()
    assert f'href="{statement.url}"' in footer(client, site_tree.home.url)
    french_footer = footer(client, site_tree.home_fr.url)
    assert f'href="{StandardPage.objects.get(pk=french_statement.pk).url}"' in french_footer
    assert "Déclaration d&#x27;accessibilité" in french_footer


def codes(countries):
    return sorted(country.iso_code for country in countries)


def test_a_draft_names_its_own_countries_and_the_live_page_the_published_ones(client, site_tree):
    programme = site_tree.programme
    # Shown once: the published countries are now among the page cache's fragments.
    assert client.get(programme.url).status_code == 200
    assert codes(taxonomy.of_page(ProgrammePage.objects.get(pk=programme.pk), "countries")) == ["MD", "RO"]

    draft = ProgrammePage.objects.get(pk=programme.pk)
    draft.countries = [site_tree.moldova]
    draft.save_revision()
    preview = ProgrammePage.objects.get(pk=programme.pk).get_latest_revision_as_object()
    assert codes(taxonomy.of_page(preview, "countries")) == ["MD"]
    assert codes(taxonomy.of_page(ProgrammePage.objects.get(pk=programme.pk), "countries")) == ["MD", "RO"]

    preview.save_revision().publish()
    assert codes(taxonomy.of_page(ProgrammePage.objects.get(pk=programme.pk), "countries")) == ["MD"]
