"""The secretariat's collections: the private one keeps its documents from the public, uploads from
a page go to the right collection, and moderators manage the redirects renamed pages leave."""

import importlib
import json

import pytest

from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.permissions import permission_policy as document_permissions
from wagtail.images.permissions import permission_policy as image_permissions
from wagtail.models import Collection, GroupCollectionPermission
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from pompidou_site.models import CustomDocument, StandardPage

from . import factories

pytestmark = pytest.mark.django_db

collections_migration = importlib.import_module("pompidou_site.migrations.0006_collections")


@pytest.fixture
def collections(db):
    """The collections the migrations leave (0006_collections), by name."""
    return {collection.name: collection for collection in Collection.objects.filter(depth=2)}


@pytest.fixture
def member(collections, django_user_model):
    def make(group_name, username):
        user = django_user_model.objects.create_user(username, f"{username}@example.org", "a-long-test-password")
        user.groups.add(Group.objects.get(name=group_name))
        return user

    return make


@pytest.fixture
def private_document(collections):
    return factories.CustomDocumentFactory(title="Budget draft 2027", collection=collections["Secretariat only"])


def downloaded(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_migration_creates_the_collections_once(collections):
    assert set(collections) == {"Training outlines", "Reports", "Images", "Secretariat only"}
    # It runs again after `migrate pompidou_site 0005` (its reverse does nothing).
    before = (Collection.objects.count(), GroupCollectionPermission.objects.count())
    collections_migration.create_collections(apps)
    assert (Collection.objects.count(), GroupCollectionPermission.objects.count()) == before
    restriction = collections["Secretariat only"].view_restrictions.get()
    assert set(restriction.groups.values_list("name", flat=True)) == {"Editors", "Moderators"}
    for name in ("Training outlines", "Reports", "Images"):
        assert not collections[name].view_restrictions.exists()


def test_editors_and_moderators_upload_to_every_collection(collections, member):
    for group_name in ("Editors", "Moderators"):
        user = member(group_name, group_name.lower())
        for collection in collections.values():
            assert GroupCollectionPermission.objects.filter(
                group__name=group_name, collection=collection, permission__codename="add_document"
            ).exists()
        for policy in (document_permissions, image_permissions):
            assert set(policy.collections_user_has_permission_for(user, "add")) >= set(collections.values())


def test_a_visitor_cannot_download_a_private_document(client, private_document):
    response = client.get(private_document.url)
    assert response.status_code == 302
    # To the sign-in page, then back to the document.
    assert "login" in response["Location"]
    assert f"next={private_document.url}" in response["Location"]


def test_the_sign_in_for_a_private_document_is_in_the_site_layout(client, site_tree, private_document):
    sign_in = client.get(client.get(private_document.url)["Location"])
    assert sign_in.status_code == 200
    html = sign_in.content.decode()
    assert 'id="main-content"' in html
    assert "<h1>Sign in</h1>" in html
    assert "secretariat" in html
    assert 'name="username"' in html and 'name="password"' in html
    assert f'name="next" value="{private_document.url}"' in html


def test_the_private_document_sign_in_lets_a_secretariat_member_through(client, member, private_document):
    member("Editors", "edith")
    login_url = client.get(private_document.url)["Location"]
    response = client.post(
        login_url.split("?")[0],
        {"username": "edith", "password": "a-long-test-password", "next": private_document.url},
    )
    assert response.status_code == 302
    assert response["Location"] == private_document.url
    assert downloaded(client.get(private_document.url)).startswith(b"%PDF")


def test_a_secretariat_member_downloads_a_private_document(client, member, private_document):
    client.force_login(member("Editors", "edith"))
    response = client.get(private_document.url)
    assert response.status_code == 200
    assert downloaded(response).startswith(b"%PDF")


def test_a_signed_in_user_outside_the_secretariat_cannot_download_it(client, django_user_model, private_document):
    client.force_login(django_user_model.objects.create_user("reader", "reader@example.org", "a-long-password-1"))
    response = client.get(private_document.url)
    assert response.status_code in (302, 403)
    assert not downloaded(response).startswith(b"%PDF")


def document_blocks(*documents):
    return json.dumps([{"type": "document", "value": {"document": doc.pk, "title": ""}} for doc in documents])


def test_a_private_document_is_never_linked_from_a_public_page(client, site_tree, collections, private_document):
    public = factories.CustomDocumentFactory(title="Annual report 2026", collection=collections["Reports"])
    page = factories.StandardPageFactory(
        parent=site_tree.home, title="Reports", slug="reports", body=document_blocks(public, private_document)
    )
    html = client.get(page.url).content.decode()
    assert public.url in html
    assert private_document.url not in html
    assert private_document.title not in html


def test_a_private_outline_is_not_listed_on_the_programme(client, site_tree, collections, private_document):
    public = factories.CustomDocumentFactory(title="Outline 2012", collection=collections["Training outlines"])
    outline = site_tree.training_outline
    outline.outline_documents = document_blocks(public, private_document)
    outline.save_revision().publish()
    for url in (site_tree.programme.url, outline.url):
        html = client.get(url).content.decode()
        assert public.url in html
        assert private_document.url not in html


def test_a_private_document_is_absent_from_search_feed_and_sitemap(client, site_tree, private_document):
    factories.StandardPageFactory(
        parent=site_tree.home, title="Budget", slug="budget", body=document_blocks(private_document)
    )
    for url in ("/en/search/?q=Budget", "/en/feed/", "/sitemap.xml"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert private_document.url not in response.content.decode(), url


def test_the_private_collection_list_follows_a_new_restriction(collections):
    from pompidou_site.documents import is_public_document

    report = factories.CustomDocumentFactory(title="Report", collection=collections["Reports"])
    assert is_public_document(report)
    collections["Reports"].view_restrictions.create(restriction_type="login")
    assert not is_public_document(CustomDocument.objects.get(pk=report.pk))


def test_an_upload_from_a_page_defaults_to_training_outlines(client, member, collections):
    client.force_login(member("Editors", "edith"))
    response = client.get(reverse("wagtaildocs_chooser:choose"))
    assert response.status_code == 200
    form = response.context["creation_form"]
    assert form.prefix == "document-chooser-upload"
    assert form["collection"].value() == collections["Training outlines"].pk

    response = client.get(reverse("wagtailimages_chooser:choose"))
    assert response.context["creation_form"]["collection"].value() == collections["Images"].pk


def test_the_document_library_upload_form_keeps_its_own_default(client, member, collections):
    client.force_login(member("Editors", "edith"))
    response = client.get(reverse("wagtaildocs:add"))
    assert response.status_code == 200
    assert response.context["form"]["collection"].value() != collections["Training outlines"].pk


# Redirects


def test_moderators_manage_redirects_and_editors_do_not(client, member):
    moderator = member("Moderators", "maurice")
    editor = member("Editors", "edith")
    client.force_login(moderator)
    assert client.get(reverse("wagtailredirects:index")).status_code == 200
    response = client.post(
        reverse("wagtailredirects:add"),
        {"old_path": "/old-training/", "site": "", "is_permanent": "on", "redirect_link": "https://example.org/"},
    )
    assert response.status_code == 302
    assert Redirect.objects.filter(old_path="/old-training").exists()

    client.force_login(editor)
    assert client.get(reverse("wagtailredirects:index")).status_code in (302, 403)


def test_a_renamed_page_keeps_its_old_address(client, superuser, site_tree, django_capture_on_commit_callbacks):
    page = site_tree.standard_page
    old_url = page.url
    client.force_login(superuser)
    data = nested_form_data(
        {
            "comments": inline_formset([]),
            "title": page.title,
            "slug": "about-the-group",
            "introduction": "",
            "body": streamfield([]),
            "last_reviewed": "",
            "action-publish": "action-publish",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302
    new_url = StandardPage.objects.get(pk=page.pk).url
    assert new_url != old_url
    client.logout()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"].endswith(new_url)


def test_a_moderator_adds_a_collection_beside_the_migrations_ones(client, superuser, collections):
    # Collections are kept in name order: the migration's must be numbered so, or adding one fails.
    client.force_login(superuser)
    root = Collection.get_first_root_node()
    response = client.post(reverse("wagtailadmin_collections:add"), {"name": "Annual reports", "parent": root.pk})
    assert response.status_code == 302
    names = [collection.name for collection in Collection.objects.filter(depth=2).order_by("path")]
    assert names == ["Annual reports", "Images", "Reports", "Secretariat only", "Training outlines"]


def test_documents_moved_to_the_private_collection_in_bulk_leave_the_pages_at_once(
    client, site_tree, collections, superuser, settings
):
    """Wagtail's bulk "Add to collection" writes with a plain update, which no signal announces."""
    settings.PAGE_CACHE_ENABLED = False
    document = factories.CustomDocumentFactory(title="Visit report 2013", collection=collections["Reports"])
    project = site_tree.country_project
    project.documents = [("document", {"document": document, "title": ""})]
    project.save_revision().publish()
    assert "Visit report 2013" in client.get(project.url).content.decode()

    client.force_login(superuser)
    bulk_url = reverse("wagtail_bulk_action", args=("pompidou_site", "customdocument", "add_to_collection"))
    response = client.post(f"{bulk_url}?id={document.pk}", {"collection": collections["Secretariat only"].pk})
    assert response.status_code == 302
    client.logout()
    assert CustomDocument.objects.get(pk=document.pk).collection == collections["Secretariat only"]
    assert "Visit report 2013" not in client.get(project.url).content.decode()
