"""Hostile input never breaks the site: no 5xx for any query string or path a visitor sends, and
no script or markup an editor types comes out unescaped on a public page."""

from html import escape

import pytest

from django.urls import reverse

from wagtail.test.utils.form_data import rich_text, streamfield

from pompidou_site.models import Country, StandardPage

from .test_admin import page_form

pytestmark = pytest.mark.django_db

HOSTILE_STRINGS = [
    "",
    "\x00",
    "a\x00b",
    "'\"<script>alert(1)</script>",
    "{{ settings.SECRET_KEY }}{% debug %}",
    "%s%s%n%x",
    "' OR 1=1 --",
    "../../../../etc/passwd",
    "😀" * 50,
    "\u202e\u200b\ufeff",
    "-1",
    "99999999999999999999999999",
    "x" * 5000,
]


def public_addresses(site_tree):
    return [
        site_tree.home.url,
        site_tree.programme.url,
        site_tree.country_project.url,
        site_tree.training_outline.url,
        site_tree.standard_page.url,
        site_tree.feedback_form.url,
        "/en/search/",
        "/fr/recherche/",
        "/en/countries/",
        "/en/countries/MD/",
        "/en/feed/",
        "/sitemap.xml",
        "/robots.txt",
        "/health/",
    ]


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_no_query_string_gives_a_server_error(client, site_tree, value):
    parameters = {"q": value, "page": value, "utm_source": value}
    for address in public_addresses(site_tree):
        response = client.get(address, parameters)
        assert response.status_code < 500, f"{address} with {value!r} answered {response.status_code}"


@pytest.mark.parametrize(
    "path",
    [
        "/en/%00/",
        "/en/" + "a" * 3000 + "/",
        "/en/..%2f..%2fetc/passwd",
        "/en/%ff%fe/",
        "/en/countries/ZZ/",
        "/en/countries/%00%00/",
        "/documents/999999/missing.pdf",
        "/documents/abc/x.pdf",
        "/media/images/../../settings.py",
        "/media/original_images/%00.png",
        "/%E2%80%AE/",
        "/xx/",
    ],
)
def test_no_path_gives_a_server_error(client, site_tree, path):
    response = client.get(path)
    assert response.status_code < 500
    assert response.status_code in {301, 302, 400, 404}


def test_markup_an_editor_types_is_shown_as_text(client, admin_page_assertions, site_tree):
    hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    response = admin_page_assertions.client.post(
        reverse("wagtailadmin_pages:add", args=("pompidou_site", "standardpage", site_tree.home.pk)),
        {
            **page_form(
                title=f"About {hostile}",
                slug="about-hostile",
                introduction=f"Introduction {hostile} {{{{ settings.SECRET_KEY }}}}",
                body=streamfield(
                    [
                        ("heading", {"text": hostile, "level": "h2"}),
                        # Draftail sends its own format, never raw HTML: what an editor types is text.
                        ("paragraph", rich_text(f"<p>{escape(hostile)}</p>")),
                    ]
                ),
            ),
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = StandardPage.objects.get(slug="about-hostile")
    html = client.get(page.url).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert" in html
    assert "test-only-key" not in html


@pytest.mark.parametrize("name", ["<b>Moldova</b>", "\x00", "x" * 101, "Ukraine\u202e"])
def test_hostile_snippet_names_are_a_form_error_or_stored_as_text(client, superuser, name):
    client.force_login(superuser)
    response = client.post(
        reverse("wagtailsnippets_pompidou_site_country:add"),
        {"name": name, "iso_code": "ZZ", "region": "europe", "locale": "1"},
    )
    assert response.status_code in {200, 302}
    if response.status_code == 200:  # the form is shown again with its error
        assert "error" in response.content.decode().lower()
    else:
        assert Country.objects.filter(iso_code="ZZ").exists()
