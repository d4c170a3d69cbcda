from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from pompidou_site.accounts.views import TwoFactorDeviceDeleteView, TwoFactorLoginView

from . import download_statistics, views
from .feeds import LatestUpdatesFeed
from .sitemaps import BilingualSitemap, CountrySitemap, SitemapXml

urlpatterns = [
    # Before the admin's own: two of wagtail-2fa's pages at the same addresses and names (pompidou_site.accounts.views).
    path("admin/2fa/auth", TwoFactorLoginView.as_view(), name="wagtail_2fa_auth"),
    path("admin/2fa/devices/<int:pk>/remove", TwoFactorDeviceDeleteView.as_view(), name="wagtail_2fa_device_remove"),
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's document view, counting downloads; its own pattern below still names the address.
    re_path(r"^documents/(\d+)/(.*)$", download_statistics.serve_document),
    path("documents/", include(wagtaildocs_urls)),
    # The open data API, read-only JSON (pompidou_site/api.py).
    path("", include("pompidou_site.api")),
    path("health/", views.health, name="health"),
    path("health/live/", views.health_live, name="health_live"),
    path("health/ready/", views.health_ready, name="health_ready"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"pages": BilingualSitemap, "countries": CountrySitemap}, "template_name": SitemapXml()},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    re_path(
        rf"^{settings.MEDIA_URL.strip('/')}/(?P<folder>{'|'.join(views.PUBLIC_MEDIA_FOLDERS)})/(?P<path>.+)$",
        views.public_image,
        name="public_image",
    ),
]


# Addresses in the visitor's language: /en/countries/ and /fr/pays/. Placed before Wagtail's
# pages, whose slugs must therefore avoid these words.
# A database that cannot be reached answers 503, from whichever middleware or view noticed.
handler500 = "pompidou_site.views.server_error"
# The same 404 page at every missing address, rendered once per language and change of content.
handler404 = "pompidou_site.views.page_not_found"

urlpatterns += i18n_patterns(
    path(_("search/"), views.search, name="search"),
    path(_("feed/"), LatestUpdatesFeed("rss"), name="latest_updates_feed"),
    path(_("feed/atom/"), LatestUpdatesFeed("atom"), name="latest_updates_atom_feed"),
    path(_("countries/"), views.country_index, name="country_index"),
    re_path(_(r"^countries/(?P<iso_code>[A-Za-z]{2})/$"), views.country_detail, name="country_detail"),
    path("", include(wagtail_urls)),
)
