"""sitemap.xml: every live, public page in every language, and the country pages, each with the
addresses of its versions in the other languages (hreflang) and when it last changed."""

from collections import defaultdict
from functools import cached_property

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.timezone import template_localtime

from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Locale, Page, Site

from .models import Country
from .page_cache import cached_until_content_changes
from .sections import country_sections


def alternate_links(versions):
    """The hreflang alternates of one address, from (language code, URL) of each of its versions:
    every language's, and x-default for the default language's. None for a page in one language."""
    if len(versions) < 2:
        return []
    links = [{"lang_code": code, "location": url} for code, url in sorted(versions)]
    links += [{"lang_code": "x-default", "location": url} for code, url in versions if code == settings.LANGUAGE_CODE]
    return links


class SitemapXml:
    """Writes the sitemap as Django's own `sitemap.xml` template does, byte for byte, in place of it.

    The template renders a loop of some seventy addresses and two hundred language alternates
    through Django's template engine, which took most of the sitemap's time; the same XML written
    here takes a tenth of it. Passed to Django's sitemap view as its `template_name`, which
    TemplateResponse takes as a template when it is not a name (tests/test_sitemap.py compares
    the two).
    """

    HEAD = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
    )
    TAIL = "\n</urlset>\n"

    def render(self, context=None, request=None):
        return self.HEAD + "".join(self._url(url) for url in (context or {}).get("urlset", ())) + self.TAIL

    @staticmethod
    def _url(url):
        parts = [f"<url><loc>{escape(url['location'])}</loc>"]
        if url.get("lastmod"):
            # As the template's `date:"Y-m-d"`: in the current time zone.
            moment = template_localtime(url["lastmod"])
            parts.append(f"<lastmod>{moment.year:04d}-{moment.month:02d}-{moment.day:02d}</lastmod>")
        if url.get("changefreq"):
            parts.append(f"<changefreq>{escape(url['changefreq'])}</changefreq>")
        if url.get("priority"):
            parts.append(f"<priority>{escape(url['priority'])}</priority>")
        for alternate in url.get("alternates") or ():
            parts.append(
                f'<xhtml:link rel="alternate" hreflang="{escape(alternate["lang_code"])}"'
                f' href="{escape(alternate["location"])}"/>'
            )
        parts.append("</url>")
        return "".join(parts)


class BilingualSitemap(Sitemap):
    """Every live, public page in every language, each listed with its translations.

    Wagtail's own sitemap walks the site root only, which is the English home page; ours walks
    the root in every language and adds the hreflang alternates search engines use to pair them.
    The entries are computed once per change of content, like the menu (`_page_entries`).
    """

    def items(self):
        return self._entries

    @cached_property
    def _entries(self):
        return _page_entries(self.request, self.get_wagtail_site().pk)

    def _urls(self, page, protocol, domain):
        urls = [dict(entry) for entry in self.paginator.page(page).object_list]
        last_mods = {url["lastmod"] for url in urls}
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls


# What Page.get_url_parts() and get_sitemap_urls() read, and no more: a sitemap loads every page.
PAGE_FIELDS = ("path", "url_path", "translation_key", "locale__language_code", "last_published_at")
PAGE_FIELDS += ("latest_revision_created_at",)


@cached_until_content_changes
def _page_entries(request, site_pk):
    """The sitemap's entries for the pages (location, lastmod, alternates), from one query."""
    root = Site.objects.select_related("root_page").get(pk=site_pk).root_page
    in_any_language = Q()
    for translated_root in root.get_translations(inclusive=True):
        in_any_language |= Q(path__startswith=translated_root.path)
    # Plain pages, not .specific(): Page.get_sitemap_urls() needs only the base fields, and
    # specific pages would cost a query per page type. A page type that overrides
    # get_sitemap_urls() would need .specific() back here.
    pages = Page.objects.filter(in_any_language).live().public().select_related("locale")
    entries, versions = [], defaultdict(list)
    for page in pages.only(*PAGE_FIELDS).order_by("path"):
        for url_info in page.get_sitemap_urls(request):
            entries.append({"location": url_info["location"], "lastmod": url_info["lastmod"]})
            versions[page.translation_key].append((page.locale.language_code, url_info["location"]))
    alternates = {url: alternate_links(languages) for languages in versions.values() for _code, url in languages}
    for entry in entries:
        entry["alternates"] = alternates.get(entry["location"], [])
    return entries


class CountrySitemap(Sitemap):
    """The country pages (/en/countries/MD/, /fr/pays/MD/) in each language where pages name the
    country, last modified when the latest of those pages was published (as the country index
    counts them: live, public, in that language)."""

    def items(self):
        return self._entries

    @cached_property
    def _entries(self):
        return _country_entries(self.request, self.get_wagtail_site().root_url)

    def _urls(self, page, protocol, domain):
        entries = self.paginator.page(page).object_list
        versions = defaultdict(list)
        for entry in self.items():
            versions[entry["iso_code"]].append((entry["language"], entry["location"]))
        urls = [
            {
                "item": entry,
                "location": entry["location"],
                "lastmod": entry["lastmod"],
                "changefreq": None,
                "priority": None,
                "alternates": alternate_links(versions[entry["iso_code"]]),
            }
            for entry in entries
        ]
        if urls:
            self.latest_lastmod = max(url["lastmod"] for url in urls)
        return urls


@cached_until_content_changes
def _country_entries(request, root_url):
    """One query per language, whatever the number of countries and pages."""
    languages = dict(settings.LANGUAGES)
    sections = country_sections()
    entries = []
    for locale in Locale.objects.filter(language_code__in=languages).order_by("language_code"):
        visible = Page.objects.live().public().filter(locale=locale).values("pk")
        countries = (
            Country.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
            .annotate(**{section.latest_annotation: section.latest(visible) for section in sections})
            .order_by("iso_code")
        )
        with translation.override(locale.language_code):
            for country in countries:
                published = [getattr(country, section.latest_annotation) for section in sections]
                published = [moment for moment in published if moment is not None]
                if not published:
                    continue  # No page of this language names it: the country index leaves it out.
                entries.append(
                    {
                        "iso_code": country.iso_code,
                        "language": locale.language_code,
                        "location": root_url + reverse("country_detail", kwargs={"iso_code": country.iso_code}),
                        "lastmod": max(published),
                    }
                )
    return entries
