"""The page tree: where each page type may live, checked from both ends."""

import pytest

from django.urls import reverse

from wagtail.models import Page

from pompidou_site.models import FeedbackFormPage, HomePage, StandardPage
from programmes.models import CountryProjectPage, ProgrammeIndexPage, ProgrammePage
from trainings.models import TrainingCalendarPage, TrainingOutlinePage

from . import factories

SITE_PAGE_TYPES = [
    HomePage,
    StandardPage,
    FeedbackFormPage,
    ProgrammeIndexPage,
    ProgrammePage,
    CountryProjectPage,
    TrainingOutlinePage,
    TrainingCalendarPage,
]

# The whole tree, written once: each page type and the page types it may hold.
ALLOWED_CHILDREN = {
    # Wagtail's own base Page is allowed everywhere it is not excluded, but is never creatable.
    Page: {Page, HomePage},
    HomePage: {ProgrammeIndexPage, TrainingCalendarPage, StandardPage, FeedbackFormPage},
    StandardPage: {StandardPage, FeedbackFormPage},
    FeedbackFormPage: set(),
    ProgrammeIndexPage: {ProgrammePage},
    ProgrammePage: {CountryProjectPage, TrainingOutlinePage},
    CountryProjectPage: set(),
    TrainingOutlinePage: set(),
    TrainingCalendarPage: set(),
}


def allowed_parents(child_model):
    return {parent for parent, children in ALLOWED_CHILDREN.items() if child_model in children}


@pytest.mark.parametrize("parent_model", list(ALLOWED_CHILDREN), ids=lambda model: model.__name__)
def test_each_page_type_allows_exactly_its_subpage_types(page_assertions, parent_model):
    page_assertions.assertAllowedSubpageTypes(parent_model, ALLOWED_CHILDREN[parent_model])


@pytest.mark.parametrize("child_model", SITE_PAGE_TYPES, ids=lambda model: model.__name__)
def test_each_page_type_allows_exactly_its_parent_page_types(page_assertions, child_model):
    page_assertions.assertAllowedParentPageTypes(child_model, allowed_parents(child_model))


@pytest.mark.parametrize(
    ("parent_model", "child_model"),
    [
        (parent, child)
        for parent in ALLOWED_CHILDREN
        for child in SITE_PAGE_TYPES
        if child not in ALLOWED_CHILDREN[parent]
    ],
    ids=lambda model: model.__name__,
)
def test_page_type_cannot_be_created_outside_its_place(page_assertions, parent_model, child_model):
    page_assertions.assertCanNotCreateAt(parent_model, child_model)


def test_every_page_type_has_a_description_for_editors():
    for model in SITE_PAGE_TYPES:
        assert str(model.page_description).strip(), f"{model.__name__} has no page_description"


@pytest.mark.django_db
def test_programme_index_only_once_per_home_page(site_tree):
    # The English home page already has its index; the French one has its translation.
    assert not ProgrammeIndexPage.can_create_at(site_tree.home)
    assert not ProgrammeIndexPage.can_create_at(site_tree.home_fr)

    other_home = factories.HomePageFactory()
    assert ProgrammeIndexPage.can_create_at(other_home)


@pytest.mark.django_db
def test_home_pages_live_only_at_the_root_one_per_language(site_tree):
    root = Page.get_first_root_node()
    # A home page per language: the English one exists, a further one is still allowed at the root.
    assert HomePage.can_create_at(root)
    for page in (site_tree.home, site_tree.index, site_tree.programme, site_tree.standard_page):
        assert not HomePage.can_create_at(page), f"A home page could be created under {page}"


@pytest.mark.django_db
def test_training_outline_cannot_be_created_under_a_country_project(site_tree):
    assert TrainingOutlinePage.can_create_at(site_tree.programme)
    assert not TrainingOutlinePage.can_create_at(site_tree.country_project)
    assert not CountryProjectPage.can_create_at(site_tree.training_outline)


@pytest.mark.django_db
def test_admin_refuses_a_training_outline_under_a_country_project(client, superuser, site_tree):
    client.force_login(superuser)
    add_url = reverse("wagtailadmin_pages:add", args=["trainings", "trainingoutlinepage", site_tree.country_project.pk])
    # Wagtail's admin answers a forbidden page type with a refusal or a redirect away, never the form.
    response = client.get(add_url)
    assert response.status_code in (302, 403, 404)
    assert response.get("Location") != add_url

    response = client.post(add_url, {"title": "Misplaced outline", "slug": "misplaced", "year": "2012"})
    assert response.status_code in (302, 403, 404)
    assert not TrainingOutlinePage.objects.filter(slug="misplaced").exists()


@pytest.mark.django_db
def test_admin_offers_only_allowed_page_types_when_adding_a_child(client, superuser, site_tree):
    client.force_login(superuser)
    response = client.get(reverse("wagtailadmin_pages:add_subpage", args=[site_tree.programme.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("wagtailadmin_pages:add", args=["programmes", "countryprojectpage", site_tree.programme.pk]) in (
        content
    )
    assert reverse("wagtailadmin_pages:add", args=["trainings", "trainingoutlinepage", site_tree.programme.pk]) in (
        content
    )
    assert reverse("wagtailadmin_pages:add", args=["pompidou_site", "standardpage", site_tree.programme.pk]) not in (
        content
    )
