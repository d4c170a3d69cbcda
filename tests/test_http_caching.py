"""HTTP caching: validators on pages, feeds, the sitemap and documents; 304 answers; compression."""

import gzip

import brotli
import pytest

from . import factories


def get(client, url, **headers):
    return client.get(url, headers=headers)


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_of",
    [
        lambda tree: tree.programme.url,
        lambda tree: tree.home_fr.url,
        lambda _: "/sitemap.xml",
        lambda _: "/en/feed/",
        lambda _: "/en/feed/atom/",
        lambda _: "/fr/flux/atom/",
        lambda tree: factories.TrainingCalendarPageFactory(parent=tree.home).url + "ics/",
    ],
)
def test_pages_feeds_and_the_sitemap_carry_validators_and_answer_304(client, site_tree, page_cache_on, url_of):
    url = url_of(site_tree)
    first = get(client, url)
    assert first.status_code == 200
    assert first["ETag"]
    assert first["Last-Modified"]
    assert "no-cache" in first["Cache-Control"] and "public" in first["Cache-Control"]
    assert get(client, url)["X-Page-Cache"] == "hit"
    by_etag = get(client, url, if_none_match=first["ETag"])
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    by_date = get(client, url, if_modified_since=first["Last-Modified"])
    assert by_date.status_code == 304


@pytest.mark.django_db
def test_a_publish_moves_last_modified_on_and_the_old_validators_get_the_new_page(client, site_tree, page_cache_on):
    url = site_tree.programme.url
    first = get(client, url)
    site_tree.programme.title = "Drugs in Prisons, updated"
    site_tree.programme.save_revision().publish()
    again = get(client, url, if_none_match=first["ETag"])
    assert again.status_code == 200
    assert "Drugs in Prisons, updated" in again.content.decode()


@pytest.mark.django_db
def test_uncached_pages_still_answer_304_from_their_etag(client, site_tree):
    first = get(client, site_tree.programme.url)
    assert first["ETag"]
    assert get(client, site_tree.programme.url, if_none_match=first["ETag"]).status_code == 304


@pytest.mark.django_db
@pytest.mark.parametrize("cache_on", [True, False])
def test_pages_are_compressed_with_brotli_or_gzip_as_the_client_accepts(client, site_tree, settings, cache_on):
    settings.PAGE_CACHE_ENABLED = cache_on
    url = site_tree.programme.url
    plain = get(client, url)
    assert "Content-Encoding" not in plain
    brotli_page = get(client, url, accept_encoding="gzip, deflate, br")
    assert brotli_page["Content-Encoding"] == "br"
    assert brotli.decompress(brotli_page.content) == plain.content
    assert int(brotli_page["Content-Length"]) == len(brotli_page.content) < len(plain.content) / 2
    gzip_page = get(client, url, accept_encoding="gzip")
    assert gzip_page["Content-Encoding"] == "gzip"
    assert gzip.decompress(gzip_page.content) == plain.content
    assert "Content-Encoding" not in get(client, url, accept_encoding="br;q=0, gzip;q=0")


@pytest.mark.django_db
def test_responses_with_a_csrf_token_or_for_an_editor_are_not_compressed(client, site_tree, superuser):
    # BREACH needs a secret in a compressed response: none is compressed.
    form = get(client, site_tree.feedback_form.url, accept_encoding="br, gzip")
    assert b"csrfmiddlewaretoken" in form.content
    assert "Content-Encoding" not in form
    client.force_login(superuser)
    assert "Content-Encoding" not in get(client, site_tree.programme.url, accept_encoding="br, gzip")


@pytest.mark.django_db
def test_public_documents_are_revalidated_by_etag(client):
    document = factories.CustomDocumentFactory(title="Outline")
    first = get(client, document.url)
    assert first.status_code == 200
    b"".join(first.streaming_content)
    assert first["Cache-Control"] == "public, no-cache"
    assert first["ETag"]
    assert first["Last-Modified"]
    # Wagtail's sendfile writes "None" when a file has no encoding: no such header reaches a client.
    assert "Content-Encoding" not in first
    assert get(client, document.url, if_none_match=first["ETag"]).status_code == 304


@pytest.mark.django_db
def test_private_documents_are_never_kept_by_a_shared_cache(client, superuser, private_collection):
    document = factories.CustomDocumentFactory(title="Internal note", collection=private_collection)
    assert get(client, document.url).status_code == 302
    client.force_login(superuser)
    response = get(client, document.url)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert response["Cache-Control"] == "private, no-cache"


def test_static_files_are_hashed_and_compressed_with_brotli_in_production():
    from pompidou_site.settings import base

    # Production keeps base's storage: hashed names (cached for ever by whitenoise), .gz and .br.
    assert base.STORAGES["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    # whitenoise writes .br files only when the Brotli package is importable.
    from whitenoise.compress import Compressor

    assert Compressor(quiet=True).use_brotli


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/feed/atom/", "/fr/flux/atom/", "/en/feed/"])
def test_the_feeds_are_compressed_like_the_pages(client, site_tree, url):
    plain = get(client, url)
    compressed = get(client, url, accept_encoding="br, gzip")
    assert compressed["Content-Encoding"] == "br"
    assert brotli.decompress(compressed.content) == plain.content
