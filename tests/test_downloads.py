"""Document downloads: what the reader is told before the click, and what the click gives."""

import json

import pytest
from bs4 import BeautifulSoup

from django.template.defaultfilters import filesizeformat

from . import factories

pytestmark = pytest.mark.django_db


def document_block(document, title=""):
    return json.dumps([{"type": "document", "value": {"document": document.pk, "title": title}}])


def downloaded_bytes(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def normalised(text):
    return " ".join(text.replace("\xa0", " ").split())


@pytest.fixture
def document():
    return factories.CustomDocumentFactory(title="Training outline 2012")


@pytest.fixture
def page_with_document(site_tree, document):
    return factories.StandardPageFactory(
        parent=site_tree.home, title="Documents", slug="documents", body=document_block(document)
    )


def test_download_serves_the_file_with_its_type_name_and_length(client, document):
    document.file.open("rb")
    expected = document.file.read()
    document.file.close()

    response = client.get(document.url)
    assert response.status_code == 200
    assert downloaded_bytes(response) == expected
    assert response["Content-Type"] == "application/pdf"
    assert document.filename in response["Content-Disposition"]
    assert int(response["Content-Length"]) == len(expected) == document.get_file_size()


def test_page_tells_the_file_type_and_size_in_the_link(client, page_with_document, document):
    response = client.get(page_with_document.url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    links = soup.find_all("a", href=document.url)
    assert links, f"no link to {document.url} on the page"
    text = normalised(links[0].get_text())
    assert document.title in text
    assert "PDF" in text
    assert normalised(str(filesizeformat(document.get_file_size()))) in text


def test_link_text_chosen_by_the_editor_replaces_the_document_title(client, site_tree, document):
    page = factories.StandardPageFactory(
        parent=site_tree.home, title="Outline", slug="outline", body=document_block(document, "Read the outline")
    )
    soup = BeautifulSoup(client.get(page.url).content, "html.parser")
    text = normalised(soup.find("a", href=document.url).get_text())
    assert "Read the outline" in text
    assert "PDF" in text


@pytest.mark.parametrize("collection_fixture", ["private_collection", "password_collection"])
def test_document_in_a_restricted_collection_is_not_served_to_a_visitor(client, request, collection_fixture):
    collection = request.getfixturevalue(collection_fixture)
    document = factories.CustomDocumentFactory(title="Internal note", collection=collection)
    document.file.open("rb")
    content = document.file.read()
    document.file.close()

    response = client.get(document.url)
    assert response.status_code in (200, 302, 403)
    assert response.get("Content-Type", "") != "application/pdf"
    assert downloaded_bytes(response) != content


def test_document_in_a_private_collection_is_served_to_a_signed_in_editor(client, superuser, private_collection):
    document = factories.CustomDocumentFactory(title="Internal note", collection=private_collection)
    client.force_login(superuser)
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_unknown_document_is_not_found(client, document):
    assert client.get(f"/documents/{document.pk + 1000}/{document.filename}").status_code == 404


@pytest.mark.django_db
def test_uploaded_images_and_renditions_are_served_without_debug(client, settings):
    assert settings.DEBUG is False
    image = factories.CustomImageFactory()
    rendition = image.get_rendition("width-200|format-webp")
    for url in (rendition.url, image.file.url):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("image/")
        assert "max-age" in response["Cache-Control"]
        assert b"".join(response.streaming_content)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["documents/outline.pdf", "images/../documents/outline.pdf", "images/missing.webp"])
def test_documents_are_never_served_from_the_media_folder(client, path):
    document = factories.CustomDocumentFactory(title="Outline")
    # A path that climbs out of the images folder is refused as a bad request.
    assert client.get(f"/media/{path}").status_code in (400, 404)
    assert client.get(f"/media/{document.file.name}").status_code == 404
