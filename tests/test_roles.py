"""The secretariat's roles: editors keep the taxonomy up to date, moderators also own the settings."""

import importlib

import pytest

from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from wagtail.models import Site

from pompidou_site.models import Country

from . import factories


@pytest.fixture
def roles(db):
    """Editors and Moderators as the migrations leave them (Wagtail's, then 0003_secretariat_roles)."""
    return {group.name: group for group in Group.objects.filter(name__in=["Editors", "Moderators"])}


def member_of(django_user_model, group, username):
    user = django_user_model.objects.create_user(username, f"{username}@example.org", "a-long-test-password")
    user.groups.add(group)
    return user


def test_granting_twice_changes_nothing(roles):
    # The migration runs again after `migrate pompidou_site 0002` (its reverse does nothing).
    grant_secretariat_permissions = importlib.import_module(
        "pompidou_site.migrations.0003_secretariat_roles"
    ).grant_secretariat_permissions
    before = {name: set(group.permissions.values_list("codename", flat=True)) for name, group in roles.items()}
    grant_secretariat_permissions(apps)
    after = {group.name: set(group.permissions.values_list("codename", flat=True)) for group in Group.objects.all()}
    assert before == after


def test_an_editor_adds_a_country_but_cannot_delete_one(client, roles, django_user_model):
    client.force_login(member_of(django_user_model, roles["Editors"], "editor"))
    factories.LocaleFactory(language_code="fr")
    add_url = reverse("wagtailsnippets_pompidou_site_country:add")
    response = client.post(add_url, {"name": "Serbia", "iso_code": "RS", "region": "europe"})
    assert response.status_code == 302, response.content.decode()[:500]
    serbia = Country.objects.get(iso_code="RS")

    delete_url = reverse("wagtailsnippets_pompidou_site_country:delete", args=[serbia.pk])
    assert client.get(delete_url).status_code in (302, 403)
    assert Country.objects.filter(pk=serbia.pk).exists()


def test_an_editor_cannot_change_site_settings_but_a_moderator_can(client, roles, django_user_model):
    site = Site.objects.get(is_default_site=True)
    settings_url = reverse("wagtailsettings:edit", args=["pompidou_site", "sitesettings", site.pk])

    client.force_login(member_of(django_user_model, roles["Editors"], "editor"))
    assert client.get(settings_url).status_code in (302, 403)

    client.force_login(member_of(django_user_model, roles["Moderators"], "moderator"))
    assert client.get(settings_url).status_code == 200
    response = client.post(settings_url, {"contact_email": "secretariat@example.org"})
    assert response.status_code == 302


def test_an_editor_edits_the_footer_text_and_a_moderator_may_also_delete_it(roles, django_user_model):
    editor = member_of(django_user_model, roles["Editors"], "editor")
    moderator = member_of(django_user_model, roles["Moderators"], "moderator")
    assert editor.has_perm("pompidou_site.change_footertext")
    assert not editor.has_perm("pompidou_site.delete_footertext")
    assert moderator.has_perm("pompidou_site.delete_footertext")
