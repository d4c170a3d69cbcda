"""Every link on the seeded site resolves: a visitor starting at either home page never meets a dead end."""

from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
from bs4 import BeautifulSoup

from django.test import Client

from wagtail.documents import get_document_model
from wagtail.models import Page, Site

START_URLS = ["/en/", "/fr/"]
# Enough for the seeded site many times over; stops a runaway loop (endless pagination, say).
MAX_URLS = 1000
FOLLOWED_LINK_RELS = {"canonical", "alternate"}
SCHEMES_NOT_FETCHED = {"mailto", "tel"}


@dataclass
class CrawlResult:
    statuses: dict = field(default_factory=dict)  # internal URL -> final status
    redirects: dict = field(default_factory=dict)  # internal URL -> number of redirects followed
    found_on: dict = field(default_factory=dict)  # URL -> first page linking to it
    external: set = field(default_factory=set)
    malformed: list = field(default_factory=list)


def links_of(html):
    soup = BeautifulSoup(html, "html.parser")
    for anchor in soup.find_all("a", href=True):
        yield anchor["href"]
    for link in soup.find_all("link", href=True):
        if FOLLOWED_LINK_RELS & set(link.get("rel", [])):
            yield link["href"]


def crawl(client, internal_hosts):
    result = CrawlResult()
    queue = deque(START_URLS)
    seen = set(START_URLS)
    while queue:
        url = queue.popleft()
        response = client.get(url, follow=True)
        result.statuses[url] = response.status_code
        result.redirects[url] = len(response.redirect_chain)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        for href in links_of(response.content):
            absolute, _fragment = urldefrag(urljoin(f"http://testserver{url}", href.strip()))
            parsed = urlparse(absolute)
            if parsed.scheme in SCHEMES_NOT_FETCHED:
                continue
            if parsed.scheme not in ("http", "https") or not parsed.netloc or " " in absolute:
                result.malformed.append((href, url))
                continue
            if parsed.netloc not in internal_hosts:
                result.external.add(absolute)
                result.found_on.setdefault(absolute, url)
                continue
            path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if path not in seen and len(seen) < MAX_URLS:
                seen.add(path)
                result.found_on.setdefault(path, url)
                queue.append(path)
    return result


@pytest.fixture(scope="module")
def crawl_result(seeded_module, django_db_blocker):
    """One crawl of the seeded site, read by every test of this module."""
    with django_db_blocker.unblock():
        site = Site.objects.get(is_default_site=True)
        # Absolute links (canonical, alternates) carry the Wagtail site's host; the test client is "testserver".
        internal_hosts = {"testserver", site.hostname, f"{site.hostname}:{site.port}"}
        return crawl(Client(), internal_hosts)


def test_every_internal_link_resolves(crawl_result):
    failures = {
        url: (status, crawl_result.found_on.get(url)) for url, status in crawl_result.statuses.items() if status != 200
    }
    assert failures == {}, f"links that do not resolve (status, found on): {failures}"
    assert len(crawl_result.statuses) < MAX_URLS, "the crawl did not finish: a link loop?"


def test_every_page_and_document_can_be_reached_by_following_links(crawl_result, seeded):
    visited = set(crawl_result.statuses)
    pages = Page.objects.live().public().filter(depth__gte=2).specific()
    unreachable_pages = [page.url for page in pages if page.url not in visited]
    assert unreachable_pages == []

    unreachable_documents = [
        document.url for document in get_document_model().objects.all() if document.url not in visited
    ]
    assert unreachable_documents == []


def test_redirects_are_few(crawl_result):
    chains = {url: count for url, count in crawl_result.redirects.items() if count > 1}
    assert chains == {}, f"links that go through more than one redirect: {chains}"


def test_external_links_are_well_formed_https(crawl_result):
    assert crawl_result.malformed == [], f"malformed links (href, found on): {crawl_result.malformed}"
    assert crawl_result.external, "the seeded site links to the Group's website and ESSD"
    not_https = sorted(url for url in crawl_result.external if urlparse(url).scheme != "https")
    assert not_https == [], f"external links that are not https: {not_https}"
