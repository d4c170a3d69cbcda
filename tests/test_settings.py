"""Settings: secure by default, production refuses to start without its essentials, uploads allow-listed."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pompidou_site.models import CustomDocument

from .factories import pdf_bytes, root_collection

PROJECT_ROOT = Path(__file__).resolve().parent.parent

PRINT_SECURITY_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_CONTENT_TYPE_NOSNIFF": settings.SECURE_CONTENT_TYPE_NOSNIFF,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
}))
"""


def run_with_settings(module, code, **environ):
    """Run Python code in a fresh interpreter with only the given environment, as a server would start."""
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": module, **environ}
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


PRODUCTION_ENVIRONMENT = {
    "SECRET_KEY": "a-production-like-secret-key-of-sufficient-length-0123456789-abcdefghij",
    "ALLOWED_HOSTS": "training.example.org",
    "DATABASE_URL": "postgres://pompidou@db.example.org:5432/pompidou",
    "WAGTAILADMIN_BASE_URL": "https://training.example.org",
}


@pytest.mark.parametrize(
    ("environ", "missing"),
    [
        ({}, "SECRET_KEY"),
        ({**PRODUCTION_ENVIRONMENT, "SECRET_KEY": ""}, "SECRET_KEY"),
        ({**PRODUCTION_ENVIRONMENT, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({**PRODUCTION_ENVIRONMENT, "DATABASE_URL": ""}, "DATABASE_URL"),
        ({**PRODUCTION_ENVIRONMENT, "WAGTAILADMIN_BASE_URL": ""}, "WAGTAILADMIN_BASE_URL"),
    ],
    ids=["nothing-set", "no-secret-key", "no-allowed-hosts", "no-database", "no-public-address"],
)
def test_production_settings_refuse_to_load_without_their_environment(environ, missing):
    result = run_with_settings("pompidou_site.settings.production", PRINT_SECURITY_SETTINGS, **environ)
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_settings_load_with_the_environment_and_stay_secure():
    result = run_with_settings(
        "pompidou_site.settings.production",
        PRINT_SECURITY_SETTINGS,
        **{**PRODUCTION_ENVIRONMENT, "ALLOWED_HOSTS": "training.example.org, www.training.example.org"},
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["ALLOWED_HOSTS"] == ["training.example.org", "www.training.example.org"]
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True


def test_base_settings_are_secure_by_default():
    # Imported as a plain module, without the environment: what any environment starts from.
    code = PRINT_SECURITY_SETTINGS.replace(
        "from django.conf import settings", "import pompidou_site.settings.base as settings"
    )
    result = run_with_settings("pompidou_site.settings.base", code)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == []
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365


# Deliberate: Wagtail's preview panel frames the site (SAMEORIGIN), and HSTS preload is a
# commitment for the organisation to make, not a default.
ACCEPTED_DEPLOY_WARNINGS = {"security.W019", "security.W021"}


def test_production_settings_pass_the_deployment_checklist():
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=PROJECT_ROOT,
        env={
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "pompidou_site.settings.production",
            **PRODUCTION_ENVIRONMENT,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    reported = set(re.findall(r"\(([a-z_.]+\.[EW]\d+)\)", output))
    assert reported <= ACCEPTED_DEPLOY_WARNINGS, output


@pytest.mark.parametrize("extension", ["html", "htm", "svg", "exe", "js"])
def test_dangerous_document_extensions_are_not_allowed(extension):
    assert extension not in [allowed.lower() for allowed in settings.WAGTAILDOCS_EXTENSIONS]


def upload_document(client, filename, content):
    return client.post(
        reverse("wagtaildocs:add"),
        {
            "title": f"Upload of {filename}",
            "file": SimpleUploadedFile(filename, content),
            "collection": root_collection().pk,
            "language": "en",
        },
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ],
)
def test_admin_rejects_a_dangerous_document_upload_with_a_form_error(client, superuser, filename, content):
    client.force_login(superuser)
    response = upload_document(client, filename, content)
    assert response.status_code == 200
    assert response.context["form"].errors.get("file"), "the upload was not refused on its file field"
    assert not CustomDocument.objects.filter(title=f"Upload of {filename}").exists()


@pytest.mark.django_db
def test_admin_accepts_a_pdf_upload(client, superuser):
    client.force_login(superuser)
    response = upload_document(client, "outline.pdf", pdf_bytes())
    assert response.status_code == 302
    document = CustomDocument.objects.get(title="Upload of outline.pdf")
    assert document.file_type == "PDF"
    assert document.language == "en"


def _gunicorn_config():
    import runpy

    return runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))


def test_gunicorn_gives_each_worker_its_socket_and_does_not_recycle_workers_by_default(monkeypatch):
    monkeypatch.delenv("MAX_REQUESTS", raising=False)
    config = _gunicorn_config()
    assert config["reuse_port"] is True
    assert config["max_requests"] == 0
    monkeypatch.setenv("MAX_REQUESTS", "20000")
    assert _gunicorn_config()["max_requests_jitter"] == 2000


def test_gunicorn_refuses_to_start_where_another_server_listens():
    """With SO_REUSEPORT a second server on the port would bind silently and take half the traffic."""
    import socket
    from types import SimpleNamespace

    on_starting = _gunicorn_config()["on_starting"]
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(SystemExit, match=f"127.0.0.1:{port} is already in use"):
            on_starting(SimpleNamespace(cfg=SimpleNamespace(address=[("127.0.0.1", port)])))
    # Once it is free, the same check lets gunicorn start.
    on_starting(SimpleNamespace(cfg=SimpleNamespace(address=[("127.0.0.1", port)])))
