"""Purging a CDN in front of the site (wagtail.contrib.frontend_cache), when one is configured.

Wagtail purges a page's own addresses when it is published. What a page shows of the rest of the
site (the menu, the footer, the language links, the listings of other pages) changes too, so on
every change that puts the page cache out of date (pompidou_site/page_cache.py) every live page,
the sitemap and the feeds are purged, in both languages: by the worker, in one batch, so that an
editor's save never waits on the CDN's API. The site has a few hundred pages; a CDN that can purge
everything at once (Cloudflare's "purge everything") would do the same in one call at 100 times
the size.
"""

from django_tasks import task

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Page, Site


@task()
def purge_everything_task():
    batch = PurgeBatch()
    batch.add_pages(Page.objects.live().public().specific())
    for site in Site.objects.all():
        batch.add_url(f"{site.root_url}{reverse('sitemap')}")
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                batch.add_url(f"{site.root_url}{reverse('latest_updates_feed')}")
    batch.purge()


def purge_everything():
    """Queue one purge of the whole site after the current transaction commits."""
    transaction.on_commit(purge_everything_task.enqueue)
