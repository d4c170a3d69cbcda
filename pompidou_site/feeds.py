from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wagtail.models import Locale, Page, Site

from .page_cache import cached_until_content_changes


@cached_until_content_changes
def _language_home(request):
    """The home page of the active language, looked up once per change of content."""
    site = Site.find_for_request(request) or Site.objects.get(is_default_site=True)
    return site.root_page.get_translation_or_none(Locale.get_active())


class LanguageRssFeed(Rss201rev2Feed):
    """RSS that declares its language, so readers know what they subscribe to."""

    def __init__(self, *args, **kwargs):
        kwargs["language"] = get_language()
        super().__init__(*args, **kwargs)


class LatestUpdatesFeed(Feed):
    """The pages published or updated lately, in the visitor's language only."""

    feed_type = LanguageRssFeed
    title = _("Pompidou Group – training and co-operation programmes: latest updates")
    description = _("Programmes, country projects and training outlines published or updated lately.")
    item_count = 20

    def get_object(self, request, *args, **kwargs):
        self.request = request
        home = _language_home(request)
        if home is None or not home.live:
            raise Http404("This language has no live home page.")
        return home

    def link(self, home):
        return home.get_url(self.request)

    def items(self, home):
        return (
            Page.objects.descendant_of(home)
            .live()
            .public()
            .filter(last_published_at__isnull=False)
            .order_by("-last_published_at")
            .specific()[: self.item_count]
        )

    def item_title(self, page):
        return page.title

    def item_description(self, page):
        return getattr(page, "listing_text", "") or page.search_description

    def item_link(self, page):
        return page.get_url(self.request)

    def item_pubdate(self, page):
        return page.first_published_at

    def item_updateddate(self, page):
        return page.last_published_at
