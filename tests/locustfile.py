"""Many visitors at once over the seeded site, in both languages: `make loadtest` runs it headless.

Before the visitors start, the sitemap gives every page; a few pages give the country and
document links. Every visitor then browses: pages, home pages, search, countries, document
downloads, the sitemap and the feeds. Any error (status 400 or more, or a refused connection)
counts as a failure, and locust then exits non-zero.
"""

import random
import re
from urllib.parse import urlsplit
from xml.etree import ElementTree  # noqa: S405 - our own sitemap, read once

import requests
from locust import HttpUser, between, events, task

HEADERS = {"X-Forwarded-Proto": "https"}  # as the TLS proxy would: no redirect to HTTPS
SEARCHES = {
    "en": ["prisons", "treatment", "training", "drug policy", "Moldova", "harm reduction", '"drug demand"'],
    "fr": ["prisons", "traitement", "formation", "politique drogues", "Moldavie", "réduction des risques"],
}
SEARCH_PATHS = {"en": "/en/search/", "fr": "/fr/recherche/"}
COUNTRY_PATHS = {"en": "/en/countries/", "fr": "/fr/pays/"}
FEED_PATHS = {"en": "/en/feed/", "fr": "/fr/flux/"}
SITEMAP_NAMESPACE = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

site = {"pages": [], "countries": [], "documents": []}


@events.test_start.add_listener
def discover_the_site(environment, **kwargs):
    """The pages from the sitemap; country and document links from the pages that list them."""
    host = environment.host.rstrip("/")
    sitemap = requests.get(f"{host}/sitemap.xml", headers=HEADERS, timeout=30)
    sitemap.raise_for_status()
    locations = ElementTree.fromstring(sitemap.content).iter(f"{SITEMAP_NAMESPACE}loc")  # noqa: S314
    site["pages"] = sorted({urlsplit(location.text).path for location in locations})
    if len(site["pages"]) < 10:
        raise RuntimeError(f"The sitemap lists {len(site['pages'])} pages: is the site seeded?")
    links = set()
    for path in [*COUNTRY_PATHS.values(), *site["pages"]]:
        html = requests.get(f"{host}{path}", headers=HEADERS, timeout=30).text
        links.update(re.findall(r'href="(/(?:en/countries|fr/pays)/[A-Z]{2}/|/documents/[^"]+)"', html))
    site["countries"] = sorted(link for link in links if "/documents/" not in link)
    site["documents"] = sorted(link for link in links if link.startswith("/documents/"))
    print(  # noqa: T201 - locust's own output
        f"Load test over {len(site['pages'])} pages, {len(site['countries'])} country pages "
        f"and {len(site['documents'])} documents."
    )


class Visitor(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers.update(HEADERS)
        self.language = random.choice(["en", "fr"])  # noqa: S311 - not for security

    @task(10)
    def page(self):
        self.client.get(random.choice(site["pages"]), name="page (from the sitemap)")  # noqa: S311

    @task(3)
    def home(self):
        self.client.get(f"/{self.language}/", name=f"/{self.language}/")

    @task(3)
    def search(self):
        query = random.choice(SEARCHES[self.language])  # noqa: S311
        self.client.get(SEARCH_PATHS[self.language], params={"q": query}, name=f"{SEARCH_PATHS[self.language]}?q=")

    @task(2)
    def countries(self):
        self.client.get(COUNTRY_PATHS[self.language])
        if site["countries"]:
            self.client.get(random.choice(site["countries"]), name="country page")  # noqa: S311

    @task(1)
    def document(self):
        if site["documents"]:
            self.client.get(random.choice(site["documents"]), name="document download")  # noqa: S311

    @task(1)
    def sitemap(self):
        self.client.get("/sitemap.xml")

    @task(1)
    def feed(self):
        self.client.get(FEED_PATHS[self.language])
