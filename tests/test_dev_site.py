"""`make run` on any PORT: the development settings and the Wagtail site take their address from it.

Canonical, hreflang, sitemap and feed links are built from the Wagtail site's host name and port,
the admin's e-mail links from WAGTAILADMIN_BASE_URL. In development both follow PORT; a site that
is not on a local address (a production site an editor configured) is never changed.
"""

import io
import re
import runpy

import pytest
from bs4 import BeautifulSoup

from django.core.management import call_command
from django.core.management.base import CommandError

from wagtail.models import Site

from pompidou_site.models import HomePage

from .test_seed import seeded_page

DEV_ADDRESS = "http://127.0.0.1:8117"


def dev_settings(monkeypatch, **environ):
    for name in ("PORT", "WAGTAILADMIN_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_module("pompidou_site.settings.dev")


def test_development_settings_take_the_address_from_port(monkeypatch):
    assert dev_settings(monkeypatch, PORT="8117")["WAGTAILADMIN_BASE_URL"] == DEV_ADDRESS
    assert dev_settings(monkeypatch)["WAGTAILADMIN_BASE_URL"] == "http://127.0.0.1:8000"
    explicit = dev_settings(monkeypatch, PORT="8117", WAGTAILADMIN_BASE_URL="http://localhost:9000")
    assert explicit["WAGTAILADMIN_BASE_URL"] == "http://localhost:9000"


# First in the module: it needs the database as `migrate` leaves it, before the seed content is shared.
@pytest.mark.django_db
def test_the_first_load_gives_the_site_the_development_address(settings):
    assert not HomePage.objects.exists(), "this test needs the database as `migrate` leaves it"
    settings.WAGTAILADMIN_BASE_URL = DEV_ADDRESS
    call_command("load_seed_content", verbosity=0)
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == ("127.0.0.1", 8117, DEV_ADDRESS)


def ensure_dev_site():
    out = io.StringIO()
    call_command("ensure_dev_site", stdout=out)
    return out.getvalue()


@pytest.fixture
def dev_site(seeded, settings):
    """The seeded site as the first `make run` on port 8000 left it, now served on port 8117."""
    settings.DEBUG = True
    settings.WAGTAILADMIN_BASE_URL = DEV_ADDRESS
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "127.0.0.1", 8000
    site.save()
    return site


def test_every_absolute_link_uses_the_port_the_site_is_served_on(client, dev_site):
    assert "http://127.0.0.1:8117" in ensure_dev_site()
    dev_site.refresh_from_db()
    assert (dev_site.hostname, dev_site.port) == ("127.0.0.1", 8117)
    home = seeded_page("home")

    head = BeautifulSoup(client.get(home.url, HTTP_HOST="127.0.0.1:8117").content, "html.parser").head
    assert head.find("link", rel="canonical")["href"] == f"{DEV_ADDRESS}/en/"
    alternates = {link["hreflang"]: link["href"] for link in head.find_all("link", rel="alternate", hreflang=True)}
    assert alternates == {"en": f"{DEV_ADDRESS}/en/", "fr": f"{DEV_ADDRESS}/fr/", "x-default": f"{DEV_ADDRESS}/en/"}

    sitemap = client.get("/sitemap.xml", HTTP_HOST="127.0.0.1:8117").content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locations and all(location.startswith(f"{DEV_ADDRESS}/") for location in locations), locations

    feed = client.get("/en/feed/", HTTP_HOST="127.0.0.1:8117").content.decode()
    links = re.findall(r"<link>([^<]+)</link>", feed)
    assert links and all(link.startswith(f"{DEV_ADDRESS}/") for link in links), links

    assert "already" in ensure_dev_site(), "a second run changed the site again"


def test_a_site_an_editor_configured_is_left_as_it_is(dev_site):
    dev_site.hostname, dev_site.port = "pompidou.example.org", 443
    dev_site.save()
    assert "left as it is" in ensure_dev_site()
    dev_site.refresh_from_db()
    assert (dev_site.hostname, dev_site.port) == ("pompidou.example.org", 443)


def test_it_runs_in_development_only(dev_site, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        ensure_dev_site()
    dev_site.refresh_from_db()
    assert dev_site.port == 8000


def test_a_port_that_is_not_a_number_is_a_clear_error(dev_site, settings):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:eighty"
    with pytest.raises(CommandError, match="PORT"):
        ensure_dev_site()
