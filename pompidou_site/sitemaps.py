from django.db.models import Q

from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class BilingualSitemap(Sitemap):
    """Wagtail's sitemap walks the site root only; ours walks the root in every language."""

    def items(self):
        root = self.get_wagtail_site().root_page
        roots = root.get_translations(inclusive=True)
        in_any_language = Q()
        for translated_root in roots:
            in_any_language |= Q(path__startswith=translated_root.path)
        return Page.objects.filter(in_any_language).live().public().order_by("path").defer_streamfields().specific()
