"""Security headers, cookies, hostile uploads, request limits and replayed forms (issue 8)."""

import importlib
import io
import struct
import time
import zipfile
import zlib

import pytest
from PIL import Image as PILImage

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Collection, Page

from pompidou_site.forms import started_token
from pompidou_site.models import CustomDocument, CustomImage, FeedbackFormPage
from programmes.models import ProgrammePage


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: sources
        for name, _, sources in (item.strip().partition(" ") for item in policy.split(";") if item.strip())
    }


def report_form():
    return FeedbackFormPage.objects.get(locale__language_code="en")


# ---- Headers ------------------------------------------------------------------------------------

PUBLIC_URLS = ["/en/", "/fr/", "/en/search/?q=prison", "/en/countries/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_send_a_strict_content_security_policy(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'self'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", [*PUBLIC_URLS, "/admin/login/"])
def test_every_response_sends_the_observatory_headers(client, seeded, url):
    response = client.get(url)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    features = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics", "autoplay"):
        assert features[feature] == "()", feature
    assert features["fullscreen"] == "(self)"


@pytest.mark.django_db
def test_https_responses_send_hsts(client, seeded, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/en/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


ADMIN_URLS = ["/admin/", "/admin/images/", "/admin/documents/", "/admin/reports/locked/", "/admin/login/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ADMIN_URLS)
def test_the_admin_has_its_own_policy_with_no_third_party_source(client, superuser, url):
    if url != "/admin/login/":
        client.force_login(superuser)
    response = client.get(url)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self' 'unsafe-inline'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-src"] == "'self'", "the preview panel frames the site"
    assert policy["frame-ancestors"] == "'self'"
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    sources = {source for value in policy.values() for source in value.split()}
    assert sources <= {"'self'", "'none'", "'unsafe-inline'", "data:", "blob:"}


@pytest.mark.django_db
def test_the_preview_of_a_page_is_served_under_the_admin_policy(client, superuser, seeded):
    client.force_login(superuser)
    page = report_form()
    response = client.get(f"/admin/pages/{page.pk}/edit/preview/")
    assert response.status_code == 200
    assert directives(response)["frame-ancestors"] == "'self'"


@pytest.mark.django_db
def test_avatars_make_no_outside_request(client, superuser):
    client.force_login(superuser)
    assert "gravatar" not in client.get("/admin/").content.decode()


@pytest.fixture
def production_cookie_settings(settings, monkeypatch):
    """The production settings' cookie names, read from the module itself."""
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("ALLOWED_HOSTS", "testserver")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///:memory:")
    monkeypatch.setenv("WAGTAILADMIN_BASE_URL", "https://example.org")
    production = importlib.reload(importlib.import_module("pompidou_site.settings.production"))
    for name in dir(production):
        if name.startswith(("SESSION_COOKIE_", "CSRF_COOKIE_", "LANGUAGE_COOKIE_")):
            setattr(settings, name, getattr(production, name))
    return production


@pytest.mark.django_db
def test_production_cookies_carry_the_host_prefix(client, superuser, seeded, production_cookie_settings):
    assert production_cookie_settings.SESSION_COOKIE_NAME == "__Host-sessionid"
    assert production_cookie_settings.CSRF_COOKIE_NAME == "__Host-csrftoken"
    client.post("/admin/login/", {"username": "editor", "password": "a-long-test-password"}, secure=True)
    client.get(report_form().url, secure=True)
    for name in ("__Host-sessionid", "__Host-csrftoken"):
        cookie = client.cookies[name]
        assert cookie["secure"] is True
        assert cookie["path"] == "/"
        assert not cookie["domain"]
    assert client.cookies["__Host-sessionid"]["httponly"] is True
    assert "sessionid" not in client.cookies
    assert "csrftoken" not in client.cookies


# ---- Hostile images -----------------------------------------------------------------------------


def image_bytes(size=(40, 30), image_format="PNG", mode="RGB"):
    buffer = io.BytesIO()
    PILImage.new(mode, size, "red" if mode == "RGB" else 1).save(buffer, image_format)
    return buffer.getvalue()


def png_with_header_size(width, height):
    """A tiny PNG whose header claims the given size: a decompression bomb."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + chunk(b"IEND", b"")
    )


def huge_plain_png():
    """A real 8000 × 6000 PNG of one colour: a few kilobytes, 48 million pixels."""
    buffer = io.BytesIO()
    PILImage.new("1", (8000, 6000)).save(buffer, "PNG")
    return buffer.getvalue()


def animated_gif_bomb():
    frames = [PILImage.new("RGB", (1500, 1500), (index * 12, 255 - index * 12, 0)) for index in range(20)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


NOT_READABLE = "This file is not a readable image"
HOSTILE_IMAGES = {
    "truncated-png": ("photo.png", image_bytes((400, 400))[:120], NOT_READABLE),
    "truncated-jpeg": ("photo.jpg", image_bytes((400, 400), "JPEG")[:400], NOT_READABLE),
    "zero-bytes": ("photo.png", b"", "The submitted file is empty."),
    "bomb": ("photo.png", png_with_header_size(20000, 20000), NOT_READABLE),
    "huge-header": ("photo.png", png_with_header_size(100000, 100000), NOT_READABLE),
    "over-the-pixel-limit": ("photo.png", huge_plain_png(), "This file has too many pixels"),
    "animated-gif-bomb": ("photo.gif", animated_gif_bomb(), "This file has too many pixels"),
    "svg-as-png": ("photo.png", b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>', "Not a valid .png"),
    "pdf-as-png": ("photo.png", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "Upload a valid image"),
    "gif-as-jpg": ("photo.jpg", image_bytes(image_format="GIF", mode="P"), "Not a valid .jpeg"),
}


def root():
    return Collection.get_first_root_node().pk


def upload_image(client, path, name, content):
    upload = SimpleUploadedFile(name, content)
    if path == "single":
        return client.post("/admin/images/add/", {"title": "Photo", "file": upload, "collection": root()})
    if path == "multiple":
        return client.post("/admin/images/multiple/add/", {"files[]": upload, "collection": root()})
    return client.post(
        "/admin/images/chooser/create/",
        {
            "image-chooser-upload-title": "Photo",
            "image-chooser-upload-file": upload,
            "image-chooser-upload-collection": root(),
        },
    )


UPLOAD_PATHS = ["single", "multiple", "chooser"]


@pytest.fixture
def editor_client(client, superuser):
    client.force_login(superuser)
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("path", UPLOAD_PATHS)
@pytest.mark.parametrize("case", list(HOSTILE_IMAGES))
def test_a_hostile_image_is_a_form_error_on_every_upload_path(editor_client, path, case):
    name, content, message = HOSTILE_IMAGES[case]
    images = CustomImage.objects.count()
    response = upload_image(editor_client, path, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert CustomImage.objects.count() == images


@pytest.mark.django_db
@pytest.mark.parametrize("path", UPLOAD_PATHS)
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", image_bytes()),
        ("photo.jpg", image_bytes(image_format="JPEG")),
        ("photo.webp", image_bytes(image_format="WEBP")),
    ],
    ids=["png", "jpeg", "webp"],
)
def test_a_sound_image_is_accepted_on_every_upload_path(editor_client, path, name, content):
    response = upload_image(editor_client, path, name, content)
    assert response.status_code in (200, 302)
    image = CustomImage.objects.latest("pk")
    assert (image.width, image.height) == (40, 30)


# ---- Documents ----------------------------------------------------------------------------------


def zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
SOUND_DOCUMENTS = {
    "pdf": ("report.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"),
    "docx": ("report.docx", zip_bytes([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")])),
    "xlsx": ("table.xlsx", zip_bytes([("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")])),
    "odt": (
        "report.odt",
        zip_bytes([("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<office/>")]),
    ),
    "doc": ("report.doc", OLE),
    "rtf": ("report.rtf", b"{\\rtf1\\ansi Hello}"),
    "txt": ("notes.txt", "Réunion à Strasbourg, 3–7 mai.\n".encode()),
    "csv-windows-1252": ("table.csv", "pays;année\nFrance;2010\n".encode("cp1252")),
}
MISMATCHED_DOCUMENTS = {
    "html-as-pdf": ("report.pdf", HTML),
    "html-as-txt": ("notes.txt", b"  \n<html><body onload=alert(1)>"),
    "svg-as-csv": ("table.csv", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    "binary-as-txt": ("notes.txt", b"MZ\x90\x00\x03\x00\x00\x00"),
    "zip-as-docx": ("report.docx", zip_bytes([("evil.html", HTML)])),
    "docx-as-xlsx": ("table.xlsx", SOUND_DOCUMENTS["docx"][1]),
    "odt-as-ods": ("table.ods", SOUND_DOCUMENTS["odt"][1]),
    "pdf-as-doc": ("report.doc", SOUND_DOCUMENTS["pdf"][1]),
    "html-as-rtf": ("report.rtf", HTML),
}


def upload_document(client, path, name, content):
    upload = SimpleUploadedFile(name, content)
    if path == "single":
        return client.post("/admin/documents/add/", {"title": "Report", "file": upload, "collection": root()})
    if path == "multiple":
        return client.post("/admin/documents/multiple/add/", {"files[]": upload, "collection": root()})
    return client.post(
        "/admin/documents/chooser/create/",
        {
            "document-chooser-upload-title": "Report",
            "document-chooser-upload-file": upload,
            "document-chooser-upload-collection": root(),
        },
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", UPLOAD_PATHS)
@pytest.mark.parametrize("case", list(MISMATCHED_DOCUMENTS))
def test_a_document_whose_content_belies_its_extension_is_refused(editor_client, path, case):
    name, content = MISMATCHED_DOCUMENTS[case]
    documents = CustomDocument.objects.count()
    response = upload_document(editor_client, path, name, content)
    assert response.status_code == 200
    assert "The content of this file is not a ." in response.content.decode()
    assert CustomDocument.objects.count() == documents


@pytest.mark.django_db
@pytest.mark.parametrize("path", UPLOAD_PATHS)
@pytest.mark.parametrize("case", list(SOUND_DOCUMENTS))
def test_a_sound_document_is_accepted_on_every_upload_path(editor_client, path, case):
    name, content = SOUND_DOCUMENTS[case]
    documents = CustomDocument.objects.count()
    response = upload_document(editor_client, path, name, content)
    assert response.status_code in (200, 302)
    assert CustomDocument.objects.count() == documents + 1
    assert CustomDocument.objects.latest("pk").file.read() == content


@pytest.mark.django_db
def test_a_document_over_the_size_cap_is_refused(editor_client, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1000
    documents = CustomDocument.objects.count()
    response = upload_document(editor_client, "single", "notes.txt", b"a" * 1001)
    assert "This file is too big" in response.content.decode()
    assert CustomDocument.objects.count() == documents


# ---- Requests -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_oversized_anonymous_post_is_refused_with_413_before_it_is_read(client, seeded):
    response = client.post(
        report_form().url,
        {"what_went_wrong": "x" * (1024 * 1024), "started": started_token(time.time() - 20)},
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "Too much sent at once" in html
    assert 'id="main-content"' in html, "the page has the site's layout"
    assert response["Content-Security-Policy"]
    assert not FormSubmission.objects.exists()


@pytest.mark.django_db
def test_a_signed_in_editor_is_not_held_by_the_anonymous_cap(editor_client, seeded):
    response = editor_client.post("/admin/pages/search/", {"q": "x" * (1024 * 1024 + 1)})
    assert response.status_code != 413


@pytest.mark.django_db
def test_a_form_token_cannot_be_replayed(client, seeded):
    data = {"what_went_wrong": "The menu does not open.", "started": started_token(time.time() - 20)}
    assert "Your report has reached" in client.post(report_form().url, data).content.decode()
    replay = client.post(report_form().url, data)
    assert replay.status_code == 200
    assert "This form was already sent." in replay.content.decode()
    assert FormSubmission.objects.count() == 1


@pytest.mark.django_db
def test_a_visitor_who_fixes_a_field_can_send_the_same_form(client, seeded):
    token = started_token(time.time() - 20)
    first = client.post(report_form().url, {"what_went_wrong": "", "started": token})
    assert "The form could not be sent" in first.content.decode()
    second = client.post(report_form().url, {"what_went_wrong": "Low contrast.", "started": token})
    assert "Your report has reached" in second.content.decode()
    assert FormSubmission.objects.count() == 1


@pytest.mark.django_db
def test_a_post_without_csrf_token_gets_the_403_page(seeded):
    client = Client(enforce_csrf_checks=True)
    response = client.post(report_form().url, {"what_went_wrong": "x", "started": started_token(time.time() - 20)})
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()
    assert not FormSubmission.objects.exists()


@pytest.mark.django_db
def test_a_post_to_a_page_without_a_form_is_refused_with_405_not_a_form_error(seeded):
    client = Client(enforce_csrf_checks=True)
    page = Page.objects.live().type(ProgrammePage).filter(locale__language_code="en").first()
    for method in (client.post, client.put, client.delete):
        response = method(page.url, {"what_went_wrong": "x"})
        assert response.status_code == 405, method
        assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert client.post("/en/no-such-page/", {"x": "1"}).status_code == 404
    # The form pages still take theirs (and without a token, the form has expired).
    response = client.post(report_form().url, {"what_went_wrong": "x"})
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()


@pytest.mark.django_db
def test_a_wrong_host_gets_the_400_page(client, seeded):
    response = client.get("/en/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "Request not understood" in response.content.decode()
