"""RSS and Atom feeds of pages: the whole site's in each language, and any part of the tree's (a
programme's feeds are routes of its page, built on `PageTreeFeed`)."""

import copy

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from wagtail.models import Locale, Page, Site, get_page_models

from .models import BasePage
from .page_cache import cached_until_content_changes


@cached_until_content_changes
def _language_home(request):
    """The home page of the active language, looked up once per change of content."""
    site = Site.find_for_request(request) or Site.objects.get(is_default_site=True)
    return site.root_page.get_translation_or_none(Locale.get_active())


def announced_page_types():
    """The page types whose publications the feeds announce (`BasePage.announced_in_feeds`)."""
    return [model for model in get_page_models() if getattr(model, "announced_in_feeds", False)]


class LanguageFeedMixin:
    """A feed that declares its language (the address's), so readers know what they subscribe to."""

    def __init__(self, *args, **kwargs):
        kwargs["language"] = get_language()
        super().__init__(*args, **kwargs)


class LanguageRssFeed(LanguageFeedMixin, Rss201rev2Feed):
    pass


class LanguageAtomFeed(LanguageFeedMixin, Atom1Feed):
    pass


FEED_TYPES = {"rss": LanguageRssFeed, "atom": LanguageAtomFeed}


class PageTreeFeed(Feed):
    """The live, public pages below a root page (the page itself included) published or updated
    lately, newest first. `PageTreeFeed("atom")(request, root=page)` answers with its Atom feed.

    Entries are titled with each page's `standalone_title` ("Ukraine — Drugs in Prisons"), which
    reads on its own in a feed reader; the parents it names are fetched for all entries at once.
    """

    item_count = 20
    include_root = True
    author_name = _("Pompidou Group, Council of Europe")

    def __init__(self, kind="rss"):
        super().__init__()
        self.feed_type = FEED_TYPES[kind]

    def __call__(self, request, *args, **kwargs):
        # A copy per request: the instance in the URLconf is shared by every thread.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def get_object(self, request, root):
        return root

    def title(self, root):
        return gettext("%(title)s: latest updates") % {"title": root.standalone_title}

    def description(self, root):
        return getattr(root, "listing_text", "") or root.search_description or self.title(root)

    # Absolute addresses from the Wagtail site, as canonical links and the sitemap give them.
    def link(self, root):
        return root.get_full_url(self.request)

    def items(self, root):
        pages = (
            Page.objects.descendant_of(root, inclusive=self.include_root)
            .live()
            .public()
            .filter(last_published_at__isnull=False)
            .type(*announced_page_types())
            .order_by("-last_published_at", "path")
            .defer_streamfields()
            .specific()[: self.item_count]
        )
        return BasePage.with_title_parents(pages)

    def item_title(self, page):
        return getattr(page, "standalone_title", page.title)

    def item_description(self, page):
        return getattr(page, "listing_text", "") or page.search_description

    def item_link(self, page):
        return page.get_full_url(self.request)

    def item_pubdate(self, page):
        return page.first_published_at

    def item_updateddate(self, page):
        return page.last_published_at


class LatestUpdatesFeed(PageTreeFeed):
    """The pages published or updated lately on the whole site, in the visitor's language only."""

    title = _("Pompidou Group – training and co-operation programmes: latest updates")
    description = _("Programmes, country projects and training outlines published or updated lately.")
    include_root = False

    def get_object(self, request, *args, **kwargs):
        home = _language_home(request)
        if home is None or not home.live:
            raise Http404("This language has no live home page.")
        return home
