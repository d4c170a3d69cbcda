"""The seed loader resolves a page's relations by the model each field refers to."""

import copy

import pytest

from django.core.management.base import CommandError

from pompidou_site.models import HomePage
from pompidou_site.seed import SeedLoader, load_fixture

from .test_seed import seeded_page


def fixture_page(data, key):
    def walk(spec):
        if spec["key"] == key:
            return spec
        return next((found for child in spec.get("children", []) if (found := walk(child))), None)

    return walk(data["pages"])


@pytest.mark.django_db
def test_a_foreign_key_to_another_model_than_the_taxonomy_is_refused_not_taken_for_a_country():
    assert not HomePage.objects.exists(), "this test needs the database as `migrate` leaves it"
    data = copy.deepcopy(load_fixture())
    fixture_page(data, "executive-training-2010")["listing_image"] = "PL"
    with pytest.raises(CommandError, match="listing_image"):
        SeedLoader(data).load()


@pytest.mark.django_db
def test_each_foreign_key_refers_to_its_own_model():
    assert not HomePage.objects.exists(), "this test needs the database as `migrate` leaves it"
    # The training's country is found among the countries by its code, not by a rule for the field's name.
    SeedLoader(load_fixture()).load()
    page = seeded_page("executive-training-2010")
    assert page.country.iso_code == "PL"
    assert page.country.locale.language_code == "en"
