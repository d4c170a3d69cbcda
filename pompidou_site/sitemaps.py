from collections import defaultdict
from functools import cached_property

from django.conf import settings
from django.db.models import Q

from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class BilingualSitemap(Sitemap):
    """Every live, public page in every language, each listed with its translations.

    Wagtail's own sitemap walks the site root only, which is the English home page; ours walks
    the root in every language and adds the hreflang alternates search engines use to pair them.
    """

    def items(self):
        root = self.get_wagtail_site().root_page
        in_any_language = Q()
        for translated_root in root.get_translations(inclusive=True):
            in_any_language |= Q(path__startswith=translated_root.path)
        return Page.objects.filter(in_any_language).live().public().select_related("locale").order_by("path")
        # Plain pages, not .specific(): Page.get_sitemap_urls() needs only the base fields, and
        # specific pages would cost a query per page type (and the locale a query per page). A page
        # type that overrides get_sitemap_urls() would need .specific() back here.

    @cached_property
    def _alternates_by_location(self):
        """For each page's address, the addresses of it in every language, from one query."""
        versions = defaultdict(list)
        for page in self.items():
            versions[page.translation_key].append((page.locale.language_code, page.get_full_url(self.request)))
        alternates = {}
        for languages in versions.values():
            links = [{"lang_code": code, "location": url} for code, url in sorted(languages)]
            default = [url for code, url in languages if code == settings.LANGUAGE_CODE]
            if default:
                links.append({"lang_code": "x-default", "location": default[0]})
            for _code, url in languages:
                alternates[url] = links if len(languages) > 1 else []
        return alternates

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url_info in urls:
            url_info["alternates"] = self._alternates_by_location.get(url_info["location"], [])
        return urls
