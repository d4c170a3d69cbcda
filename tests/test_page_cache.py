"""The full-page cache: anonymous visitors get the cached page, and never a stale or private one.

Every test runs twice: with the page cache in local memory and in the Redis on this machine
(TEST_PAGE_CACHE_REDIS_URL, database 8 by default), each run under a key prefix of its own.
"""

import os
import uuid
from unittest import mock

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.contrib.redirects.models import Redirect
from wagtail.models import PageViewRestriction

from pompidou_site import page_cache
from pompidou_site.models import FooterText, SiteSettings

from . import factories

REDIS_URL = os.environ.get("TEST_PAGE_CACHE_REDIS_URL", "redis://127.0.0.1:6379/8")
UNUSED_REDIS = "redis://127.0.0.1:6390/0"
HIT = "X-Page-Cache"


def redis_alias(url, prefix):
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": prefix,
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25, "IGNORE_EXCEPTIONS": True},
    }


@pytest.fixture(params=["locmem", "redis"])
def page_cache_backend(request, settings):
    """The page cache in local memory, then in Redis (only this test's keys, deleted afterwards)."""
    settings.PAGE_CACHE_ENABLED = True
    if request.param == "locmem":
        yield request.param
        return
    settings.CACHES = {
        **settings.CACHES,
        settings.PAGE_CACHE_ALIAS: redis_alias(REDIS_URL, f"test-pages-{uuid.uuid4().hex}"),
    }
    from django.core.cache import caches

    pages = caches[settings.PAGE_CACHE_ALIAS]
    pages.set("ping", "pong")
    assert pages.get("ping") == "pong", f"the Redis at {REDIS_URL} does not answer"
    yield request.param
    pages.delete_pattern("*")


def get(client, url, **headers):
    return client.get(url, headers=headers)


@pytest.mark.django_db
def test_an_anonymous_visitor_gets_the_cached_page_without_a_query(client, site_tree, page_cache_backend):
    url = site_tree.programme.url
    first = get(client, url)
    assert first.status_code == 200
    assert first[HIT] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = get(client, url)
    assert second[HIT] == "hit"
    assert second.content == first.content
    assert len(queries) == 0
    assert "public" in second["Cache-Control"] and "no-cache" in second["Cache-Control"]


@pytest.mark.django_db
def test_a_publish_refreshes_the_cached_page_in_both_languages(client, site_tree, page_cache_backend):
    english, french = site_tree.programme, site_tree.programme_fr
    assert b'hreflang="en"' in get(client, french.url).content
    assert "Drugs in Prisons" in get(client, english.url).content.decode()
    assert get(client, english.url)[HIT] == "hit"

    english.title = "Drugs in Prisons, renewed"
    english.save_revision().publish()
    assert "Drugs in Prisons, renewed" in get(client, english.url).content.decode()

    french.title = "Drogues en prison, renouvelé"
    french.save_revision().publish()
    assert "Drogues en prison, renouvelé" in get(client, french.url).content.decode()

    # Unpublishing the English page takes it out of the French page's language links at once.
    english.unpublish()
    french_page = get(client, french.url)
    assert french_page[HIT] == "miss"
    assert f'hreflang="en" href="http://testserver{english.url}"'.encode() not in french_page.content
    assert get(client, english.url).status_code == 404


@pytest.mark.django_db
def test_moving_and_deleting_a_page_refreshes_the_cached_pages(client, site_tree, page_cache_backend):
    programme_url = site_tree.programme.url
    assert site_tree.country_project.title in get(client, programme_url).content.decode()
    site_tree.country_project.move(site_tree.home, pos="last-child")
    assert site_tree.country_project.title not in get(client, programme_url).content.decode()

    assert site_tree.planned_project.title in get(client, programme_url).content.decode()
    planned_url = site_tree.planned_project.url
    assert get(client, planned_url).status_code == 200
    site_tree.planned_project.delete()
    assert site_tree.planned_project.title not in get(client, programme_url).content.decode()
    assert get(client, planned_url).status_code == 404


@pytest.mark.django_db
def test_a_moved_page_names_its_new_programme_at_once(client, site_tree, page_cache_backend):
    other = factories.ProgrammePageFactory(parent=site_tree.index, title="MedNET", slug="mednet")
    outline = site_tree.training_outline
    assert "Back to the programme: Drugs in Prisons" in get(client, outline.url).content.decode()
    outline.move(other, pos="last-child")
    outline.refresh_from_db()
    page = get(client, outline.url).content.decode()
    assert "Back to the programme: MedNET" in page
    assert "Drugs in Prisons" not in page.split("<main", 1)[1]


@pytest.mark.django_db
@pytest.mark.parametrize("whole_pages_cached", [True, False])
def test_a_new_slug_gives_every_link_the_new_address_at_once(client, site_tree, settings, whole_pages_cached):
    """Page addresses are worked out once per change of content: a published slug is such a change."""
    settings.PAGE_CACHE_ENABLED = whole_pages_cached
    old_url = site_tree.programme.url
    assert f'href="{old_url}"' in get(client, site_tree.index.url).content.decode()
    assert f'href="{old_url}"' in get(client, site_tree.country_project.url).content.decode()

    site_tree.programme.slug = "prisons"
    site_tree.programme.save_revision().publish()
    new_url = old_url.replace("/drugs-in-prisons/", "/prisons/")
    project_url = site_tree.country_project.url.replace("/drugs-in-prisons/", "/prisons/")
    for url in (site_tree.index.url, project_url):
        page = get(client, url).content.decode()
        assert f'href="{new_url}"' in page
        assert old_url not in page
    assert get(client, old_url).status_code in (301, 302, 404)


@pytest.mark.django_db
def test_a_programmes_kept_listings_show_every_change_at_once(client, site_tree, settings):
    """Whole pages not cached: the programme's listings are kept between changes, never past one."""
    settings.PAGE_CACHE_ENABLED = False
    programme_url = site_tree.programme.url
    assert site_tree.country_project.title in get(client, programme_url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert site_tree.training_outline.title in get(client, programme_url).content.decode()
    listed_tables = ("programmes_countryprojectpage", "trainings_trainingoutlinepage")
    assert not [query for query in queries if any(table in query["sql"] for table in listed_tables)]

    factories.CountryProjectPageFactory(parent=site_tree.programme, title="Project in Georgia")
    factories.TrainingOutlinePageFactory(parent=site_tree.programme, title="Training in Tbilisi 2015", year=2015)
    page = get(client, programme_url).content.decode()
    assert "Project in Georgia" in page
    assert "Training in Tbilisi 2015" in page
    site_tree.country_project.unpublish()
    assert site_tree.country_project.title not in get(client, programme_url).content.decode()


@pytest.mark.django_db
def test_the_programme_index_keeps_its_programmes_until_one_changes(client, site_tree, settings):
    settings.PAGE_CACHE_ENABLED = False
    get(client, site_tree.index.url)
    with CaptureQueriesContext(connection) as queries:
        assert "Drugs in Prisons" in get(client, site_tree.index.url).content.decode()
    assert not [query for query in queries if "programmes_programmepage" in query["sql"]]
    factories.ProgrammePageFactory(parent=site_tree.index, title="MedNET", slug="mednet")
    assert "MedNET" in get(client, site_tree.index.url).content.decode()


@pytest.mark.django_db
def test_a_pages_documents_are_kept_until_one_changes(client, site_tree, settings):
    """Whole pages not cached: a page's documents cost no query at the next render, and a
    document renamed or deleted shows at once."""
    settings.PAGE_CACHE_ENABLED = False
    document = factories.CustomDocumentFactory(title="Report of the 2012 visit")
    project = site_tree.country_project
    project.documents = [("document", {"document": document, "title": ""})]
    project.save_revision().publish()
    assert "Report of the 2012 visit" in get(client, project.url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert "Report of the 2012 visit" in get(client, project.url).content.decode()
    assert not [query for query in queries if "customdocument" in query["sql"]]

    document.title = "Report of the 2012 visit, revised"
    document.save()
    assert "Report of the 2012 visit, revised" in get(client, project.url).content.decode()
    document.delete()
    assert "Report of the 2012 visit" not in get(client, project.url).content.decode()


@pytest.mark.django_db
def test_the_not_found_page_is_rendered_once_per_language_and_change(client, site_tree, settings, superuser):
    """Whole pages not cached (a 404 never is): every missing address shares one rendered page,
    in its language, until the content changes."""
    settings.PAGE_CACHE_ENABLED = False
    assert "404.html" in [template.name for template in get(client, "/en/no-such-page/").templates]
    response = get(client, "/en/another-missing-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert not response.templates, "the 404 page was rendered again"
    assert "Page introuvable" in get(client, "/fr/page-absente/").content.decode()
    # A missing country's page is kept apart: the menu marks "Where we work" on it.
    assert 'href="/en/countries/" class="is-current-section"' in main_menu(client, "/en/countries/ZZ/")
    assert "is-current-section" not in main_menu(client, "/en/yet-another-missing-page/")

    FooterText.objects.create(locale=site_tree.home.locale, body="<p>Council of Europe, Strasbourg</p>")
    assert "Council of Europe, Strasbourg" in get(client, "/en/no-such-page/").content.decode()
    # An editor's 404 is rendered for them.
    client.force_login(superuser)
    response = get(client, "/en/no-such-page/")
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]


@pytest.mark.django_db
def test_a_missing_address_costs_no_query(client, site_tree, settings):
    """Whole pages not cached: Wagtail would look a missing address up slug by slug, then look for
    a redirect; the page tree and the redirects' paths are kept until the content changes."""
    settings.PAGE_CACHE_ENABLED = False
    # The first missing address of each language fills what is kept (and the 404 page itself).
    assert get(client, "/en/no-such-page/").status_code == 404
    assert get(client, "/fr/no-such-page/").status_code == 404
    for url in ("/en/another-missing-page/", "/fr/page-absente/", f"{site_tree.index.url}nothing/", "/en/a/b/c/"):
        with CaptureQueriesContext(connection) as queries:
            response = get(client, url)
        assert response.status_code == 404, url
        assert "Page not found" in response.content.decode() or "Page introuvable" in response.content.decode()
        assert not queries.captured_queries, f"{url}: {[query['sql'] for query in queries.captured_queries]}"


@pytest.mark.django_db
def test_a_page_at_an_address_kept_as_missing_is_served_once_published(client, site_tree, settings):
    settings.PAGE_CACHE_ENABLED = False
    assert get(client, "/en/annual-report/").status_code == 404
    page = factories.StandardPageFactory(parent=site_tree.home, title="Annual report", slug="annual-report")
    assert get(client, "/en/annual-report/").status_code == 200
    page.unpublish()
    assert get(client, "/en/annual-report/").status_code == 404


@pytest.mark.django_db
def test_a_live_page_below_a_draft_is_served_as_wagtail_routes_it(client, site_tree, settings):
    """Wagtail routes through a page that is not live to its live children: so do the kept paths."""
    settings.PAGE_CACHE_ENABLED = False
    draft = factories.StandardPageFactory(parent=site_tree.home, title="Our network", slug="network", live=False)
    child = factories.StandardPageFactory(parent=draft, title="Contact", slug="contact")
    assert get(client, "/en/network/").status_code == 404
    response = get(client, "/en/network/contact/")
    assert response.status_code == 200
    assert child.title in response.content.decode()


@pytest.mark.django_db
def test_a_redirect_is_followed_as_soon_as_it_is_saved(client, site_tree, settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_ENABLED = False
    assert get(client, "/en/old-programme/").status_code == 404
    redirect = Redirect.objects.create(old_path="/en/old-programme", redirect_page=site_tree.programme)
    for url in ("/en/old-programme/", "/en/old-programme/?from=newsletter"):
        response = get(client, url)
        assert response.status_code == 301, url
        assert response["Location"].endswith(site_tree.programme.url)
    redirect.delete()
    assert get(client, "/en/old-programme/").status_code == 404

    # Wagtail's own redirects, created in bulk (no signal) when a slug change is committed: the
    # publish that commits it starts a new generation after them.
    old_url = site_tree.programme.url
    site_tree.programme.slug = "prisons"
    with django_capture_on_commit_callbacks(execute=True):
        site_tree.programme.save_revision().publish()
    assert Redirect.objects.filter(old_path=old_url.rstrip("/")).exists()
    response = get(client, old_url)
    assert response.status_code == 301
    assert response["Location"].endswith("/en/programmes/prisons/")


@pytest.mark.django_db
def test_a_moved_pages_old_address_redirects_though_a_404_was_served_during_the_move(
    client, site_tree, settings, monkeypatch
):
    """Wagtail creates a moved page's redirects after the move, in bulk and with no signal: a
    missing address served in between must not leave the redirects' paths kept without them."""
    settings.PAGE_CACHE_ENABLED = False
    from wagtail.contrib.redirects import signal_handlers

    create_redirects = signal_handlers.create_redirects

    def visited_while_moving(*args, **kwargs):
        assert get(client, "/en/wp-login.php/").status_code == 404
        return create_redirects(*args, **kwargs)

    monkeypatch.setattr(signal_handlers, "create_redirects", visited_while_moving)
    old_url = site_tree.standard_page.url
    site_tree.standard_page.move(site_tree.index, pos="last-child")
    response = get(client, old_url)
    assert response.status_code == 301
    assert response["Location"].endswith(f"{site_tree.index.url}{site_tree.standard_page.slug}/")


def main_menu(client, url):
    return get(client, url).content.decode().split('id="main-nav-list"')[1].split("</ul>")[0]


@pytest.mark.django_db
def test_the_kept_menu_still_marks_where_each_page_is(client, site_tree, settings):
    """The menu is rendered once per state of its items, not once per page: each page still gets
    its own place in it, and a page added to it shows at once."""
    settings.PAGE_CACHE_ENABLED = False
    site_tree.index.show_in_menus = True
    site_tree.index.save_revision().publish()
    link = f'href="{site_tree.index.url}"'
    for url, marked in (
        (site_tree.index.url, f'{link} aria-current="page"'),
        (site_tree.country_project.url, f'{link} class="is-current-section"'),
        (site_tree.programme.url, f'{link} class="is-current-section"'),
        (site_tree.index.url, f'{link} aria-current="page"'),
    ):
        assert marked in main_menu(client, url)
    home_menu = main_menu(client, site_tree.home.url)
    assert link in home_menu
    assert "aria-current" not in home_menu
    assert "is-current-section" not in home_menu
    countries_menu = main_menu(client, "/en/countries/")
    assert 'href="/en/countries/" aria-current="page"' in countries_menu

    factories.StandardPageFactory(parent=site_tree.home, title="Contact the secretariat", show_in_menus=True)
    assert "Contact the secretariat" in main_menu(client, site_tree.home.url)


@pytest.mark.django_db
def test_editing_a_snippet_refreshes_every_page_that_shows_it(client, site_tree, page_cache_backend):
    programme_url, home_url = site_tree.programme.url, site_tree.home.url
    assert "Republic of Moldova" in get(client, programme_url).content.decode()
    FooterText.objects.create(body="<p>The first footer</p>", locale=site_tree.home.locale)
    assert "The first footer" in get(client, home_url).content.decode()
    assert get(client, home_url)[HIT] == "hit"

    site_tree.moldova.name = "Moldova (renamed)"
    site_tree.moldova.save()
    assert "Moldova (renamed)" in get(client, programme_url).content.decode()

    footer = FooterText.objects.get()
    footer.body = "<p>The second footer</p>"
    footer.save()
    for url in (home_url, programme_url):
        page = get(client, url).content.decode()
        assert "The second footer" in page
        assert "The first footer" not in page


@pytest.mark.django_db
def test_changing_the_site_settings_refreshes_the_cached_pages(client, site_tree, page_cache_backend):
    home_url = site_tree.home.url
    assert "contact@example.org" not in get(client, home_url).content.decode()
    site_settings = SiteSettings.for_site(site_tree.site)
    site_settings.contact_email = "contact@example.org"
    site_settings.save()
    assert "contact@example.org" in get(client, home_url).content.decode()


@pytest.mark.django_db
def test_a_page_made_private_is_never_served_from_the_cache(client, site_tree, page_cache_backend):
    url = site_tree.standard_page.url
    assert get(client, url).status_code == 200
    assert get(client, url)[HIT] == "hit"
    PageViewRestriction.objects.create(page=site_tree.standard_page, restriction_type=PageViewRestriction.LOGIN)
    response = get(client, url)
    assert response.status_code == 302
    assert "/login/" in response["Location"] or "login" in response["Location"]
    # Nor its child, covered by the same restriction.
    assert get(client, site_tree.feedback_form.url).status_code == 302


@pytest.mark.django_db
def test_a_private_page_seen_by_an_editor_is_not_cached_for_visitors(client, site_tree, superuser, page_cache_backend):
    PageViewRestriction.objects.create(page=site_tree.standard_page, restriction_type=PageViewRestriction.LOGIN)
    editor = client.__class__()
    editor.force_login(superuser)
    seen = editor.get(site_tree.standard_page.url)
    assert seen.status_code == 200
    assert HIT not in seen
    assert "private" in seen["Cache-Control"]
    assert get(client, site_tree.standard_page.url).status_code == 302


@pytest.mark.django_db
def test_a_password_protected_page_is_never_cached(client, site_tree, page_cache_backend):
    PageViewRestriction.objects.create(
        page=site_tree.standard_page, restriction_type=PageViewRestriction.PASSWORD, password="s3cret-passw0rd"
    )
    for _ in range(2):
        response = get(client, site_tree.standard_page.url)
        assert HIT not in response
        assert "private" in response["Cache-Control"]
        assert b"csrfmiddlewaretoken" in response.content
        assert site_tree.standard_page.title.encode() not in response.content or b'type="password"' in response.content


@pytest.mark.django_db
def test_a_signed_in_editor_bypasses_the_cache_and_leaves_nothing_in_it(
    client, site_tree, superuser, page_cache_backend
):
    url = site_tree.programme.url
    editor = client.__class__()
    editor.force_login(superuser)
    for _ in range(2):
        response = editor.get(url)
        assert response.status_code == 200
        assert HIT not in response
        assert "private" in response["Cache-Control"]
    # What the editor saw (the user bar, their CSRF token) is not what the next visitor gets.
    visitor = get(client, url)
    assert visitor[HIT] == "miss"
    assert b"wagtail-userbar" not in visitor.content


@pytest.mark.django_db
def test_a_form_with_a_csrf_token_is_never_cached(client, site_tree, page_cache_backend):
    url = site_tree.feedback_form.url
    first = get(client, url)
    assert first.status_code == 200
    assert b"csrfmiddlewaretoken" in first.content
    second = get(client, url)
    assert HIT not in second
    assert "private" in second["Cache-Control"]
    assert first.content != second.content or first.cookies  # a fresh token each time


@pytest.mark.django_db
def test_errors_and_the_admin_are_never_cached(client, site_tree, superuser, page_cache_backend):
    for _ in range(2):
        missing = get(client, "/en/no-such-page/")
        assert missing.status_code == 404
        assert HIT not in missing
    assert HIT not in get(client, "/admin/login/")


@pytest.mark.django_db
def test_the_language_versions_are_cached_apart(client, site_tree, page_cache_backend):
    english = get(client, site_tree.home.url)
    french = get(client, site_tree.home_fr.url)
    assert b'lang="en"' in english.content
    assert b'lang="fr"' in french.content
    assert get(client, site_tree.home_fr.url).content == french.content


@pytest.mark.django_db
def test_each_encoding_is_cached_apart(client, site_tree, page_cache_backend):
    url = site_tree.programme.url
    plain = get(client, url)
    brotli_page = get(client, url, accept_encoding="br, gzip")
    gzip_page = get(client, url, accept_encoding="gzip")
    assert "Content-Encoding" not in plain
    assert brotli_page["Content-Encoding"] == "br"
    assert gzip_page["Content-Encoding"] == "gzip"
    assert get(client, url, accept_encoding="br")[HIT] == "hit"
    assert "Accept-Encoding" in plain["Vary"]


@pytest.mark.django_db
def test_the_site_serves_when_the_page_cache_redis_is_down(client, site_tree, settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.CACHES = {**settings.CACHES, settings.PAGE_CACHE_ALIAS: redis_alias(UNUSED_REDIS, "down")}
    for url in (site_tree.home.url, site_tree.programme.url, site_tree.home_fr.url, "/sitemap.xml", "/en/feed/"):
        for _ in range(2):
            assert get(client, url).status_code == 200, url


@pytest.mark.django_db
def test_a_page_cache_that_raises_is_a_miss_not_an_error(client, site_tree, settings):
    """Django's own Redis backend raises when Redis is down (django-redis is told to ignore it):
    pages are still served, uncached, and a publish still reaches the next visitor."""
    settings.PAGE_CACHE_ENABLED = True
    settings.CACHES = {
        **settings.CACHES,
        settings.PAGE_CACHE_ALIAS: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": UNUSED_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        },
    }
    for url in (site_tree.home.url, site_tree.programme.url, "/sitemap.xml"):
        response = get(client, url)
        assert response.status_code == 200, url
        assert response[HIT] == "miss"
    site_tree.programme.title = "A programme renamed while Redis is down"
    site_tree.programme.save_revision().publish()
    assert b"A programme renamed while Redis is down" in get(client, site_tree.programme.url).content


@pytest.mark.django_db
def test_the_page_cache_can_be_switched_off(client, site_tree, settings):
    settings.PAGE_CACHE_ENABLED = False
    get(client, site_tree.home.url)
    assert HIT not in get(client, site_tree.home.url)


@pytest.mark.django_db
def test_invalidation_never_touches_the_default_cache(client, site_tree, page_cache_backend):
    from django.core.cache import cache

    cache.set("a-throttle-counter", 3, 60)
    factories.CountryFactory(name="Ukraine", iso_code="UA")
    site_tree.programme.save_revision().publish()
    assert cache.get("a-throttle-counter") == 3


@pytest.mark.django_db
def test_a_change_purges_the_whole_site_from_the_cdn_when_one_is_configured(
    site_tree, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": "http://127.0.0.1:6081",
        }
    }
    with (
        mock.patch("wagtail.contrib.frontend_cache.backends.HTTPBackend.purge_batch") as purge_batch,
        django_capture_on_commit_callbacks(execute=True),
    ):
        site_tree.moldova.name = "Moldova, renamed"
        site_tree.moldova.save()
    purged = {url for call in purge_batch.call_args_list for url in call.args[0]}
    assert any(url.endswith(site_tree.programme.url) for url in purged)
    assert any(url.endswith(site_tree.programme_fr.url) for url in purged)
    assert any(url.endswith("/sitemap.xml") for url in purged)
    assert any(url.endswith("/fr/flux/") for url in purged)


@pytest.mark.django_db
def test_a_change_made_by_another_process_is_seen_despite_this_processs_copies(client, site_tree, settings):
    """Each gunicorn worker keeps copies of pages; another worker's publish (seen here only as a
    new generation in the shared Redis, as that worker's signal handlers wrote it) reaches this one
    at its very next request."""
    settings.PAGE_CACHE_ENABLED = True
    settings.CACHES = {
        **settings.CACHES,
        settings.PAGE_CACHE_ALIAS: redis_alias(REDIS_URL, f"test-pages-{uuid.uuid4().hex}"),
    }
    url = site_tree.programme.url
    get(client, url)
    assert get(client, url)[HIT] == "hit"
    # Another process renames the programme: no signal fires in this one.
    type(site_tree.programme).objects.filter(pk=site_tree.programme.pk).update(title="Renamed elsewhere")
    unaware = get(client, url)
    assert unaware[HIT] == "hit" and b"Renamed elsewhere" not in unaware.content
    # What that process's signal handlers write: a new generation in the shared cache.
    page_cache.page_cache().set(page_cache._generation_key(), "1-elsewhere", None)
    response = get(client, url)
    assert response[HIT] == "miss"
    assert b"Renamed elsewhere" in response.content
    page_cache.page_cache().delete_pattern("*")


@pytest.mark.django_db
def test_a_hit_reads_the_shared_cache_once(client, site_tree, settings):
    """With copies in this process, a hit costs one read of Redis (the generation), not two."""
    settings.PAGE_CACHE_ENABLED = True
    settings.CACHES = {
        **settings.CACHES,
        settings.PAGE_CACHE_ALIAS: redis_alias(REDIS_URL, f"test-pages-{uuid.uuid4().hex}"),
    }
    url = site_tree.programme.url
    get(client, url)
    from django_redis.cache import RedisCache

    with mock.patch.object(RedisCache, "get", autospec=True, side_effect=RedisCache.get) as redis_get:
        assert get(client, url)[HIT] == "hit"
    keys = [call.args[1] for call in redis_get.call_args_list]
    assert keys == [page_cache._generation_key()]
    page_cache.page_cache().delete_pattern("*")


def test_local_copies_keep_the_most_recently_used_within_their_bytes():
    copies = page_cache.LocalCopies()
    limit = 16 * 4096
    for number in range(40):
        copies.set(f"page:1:{number}", b"x" * 2000, 600, limit)
        copies.get("page:1:0")  # used all along: kept
    assert copies.get("page:1:0") == b"x" * 2000
    assert copies.get("page:1:1") is None  # the least recently used went first
    assert copies.get("page:1:39") == b"x" * 2000
    assert copies._size <= limit
    copies.set("page:1:huge", b"x" * (limit // 8), 600, limit)
    assert copies.get("page:1:huge") is None  # too large to keep beside the others


def test_local_copies_expire_with_their_timeout_and_are_never_shared_objects():
    copies = page_cache.LocalCopies()
    copies.set("fragment:1:a", {"menu": ["Programmes"]}, 600, 1 << 20)
    first = copies.get("fragment:1:a")
    first["menu"].append("changed by one request")
    assert copies.get("fragment:1:a") == {"menu": ["Programmes"]}
    with mock.patch("pompidou_site.page_cache.time.monotonic", return_value=10**12):
        assert copies.get("fragment:1:a") is None


@pytest.mark.django_db
def test_a_copy_read_from_redis_never_outlives_the_shortest_timeout(settings):
    """Search results stay 60 s in Redis: a copy this process takes of one, not knowing its
    timeout, is dropped by then too."""
    settings.CACHES = {
        **settings.CACHES,
        settings.PAGE_CACHE_ALIAS: redis_alias(REDIS_URL, f"test-pages-{uuid.uuid4().hex}"),
    }
    shared = page_cache.page_cache()
    shared._cache.set("page:1:search", b"results", 60)  # as another process stored it
    copies = page_cache.LocalCopies()
    with mock.patch("pompidou_site.page_cache.local_copies", copies):
        assert shared.get("page:1:search") == b"results"
        assert copies.get("page:1:search") == b"results"
        later = page_cache.time.monotonic() + 61
        with mock.patch("pompidou_site.page_cache.time.monotonic", return_value=later):
            assert copies.get("page:1:search") is None
    shared.delete_pattern("*")
