import logging
import operator
import sys
import uuid
from functools import reduce
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.http import HttpResponse, HttpResponseNotFound, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template import loader
from django.template.response import TemplateResponse
from django.templatetags.static import static as static_url
from django.urls import reverse
from django.utils import translation
from django.views import defaults, static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from wagtail.models import Page

from .middleware import database_unavailable_response, is_database_unavailable
from .models import Country
from .page_cache import RENDERING_CODE_VERSION, cached_until_content_changes
from .request_cache import active_locale
from .search import search_context
from .sections import country_sections
from .taxonomy import in_locale

logger = logging.getLogger(__name__)


@require_safe
def search(request):
    """The site search: pages and documents of the visitor's language, with filters (see search.py)."""
    return TemplateResponse(request, "pompidou_site/search.html", search_context(request))


def _database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: the database did not answer")
        return False
    return True


def _cache_answers():
    """Whether the cache stores and returns a value. With Redis down, django-redis swallows the error
    (DJANGO_REDIS_IGNORE_EXCEPTIONS) and returns nothing, so the round trip is what tells."""
    key = f"health-check:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=10)
        answered = cache.get(key) == "ok"
        cache.delete(key)
    except Exception:
        logger.exception("Health check: the cache did not answer")
        return False
    if not answered:
        logger.warning("Health check: the cache did not return what was stored")
    return answered


@never_cache
@require_safe
def health(request):
    """For the load balancer: 200 when the application can reach its database, 503 otherwise.

    The cache is left out on purpose: with Redis down the site still serves, so the load balancer
    must not take it out of service. `/health/ready/` reports the cache too.
    """
    if not _database_answers():
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
@require_safe
def health_live(request):
    """Liveness: the process answers. Touches neither the database nor the cache."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def health_ready(request):
    """Readiness: 200 when the database and the cache both answer, 503 naming what failed otherwise."""
    checks = {
        "database": "ok" if _database_answers() else "unavailable",
        "cache": "ok" if _cache_answers() else "unavailable",
    }
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


@cached_until_content_changes
def _not_found_page(request, code_version, url_name):
    return loader.render_to_string("404.html", request=request)


def page_not_found(request, exception):
    """The 404 handler. The page says the same at every missing address (no path, no page), so it
    is rendered once per language and change of content: the addresses that robots and scanners
    try by the thousand, which no page cache holds, cost no render. A signed-in editor, whose
    page may carry Wagtail's user bar, gets it rendered afresh."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return defaults.page_not_found(request, exception)
    # The menu marks "Where we work" on a missing country's page: the view is part of the key.
    url_name = getattr(request.resolver_match, "url_name", None)
    return HttpResponseNotFound(_not_found_page(request, RENDERING_CODE_VERSION, url_name))


def server_error(request):
    """The 500 handler: a 503 when what failed is the database (from any middleware or view), else the 500 page."""
    exception = sys.exc_info()[1]
    if is_database_unavailable(exception):
        return database_unavailable_response()
    return defaults.server_error(request)


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: point them at the site's icon."""
    return redirect(static_url("favicon.svg"), permanent=True)


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", f"Disallow: {reverse('wagtailadmin_home')}"]
    # Result pages are endless and say nothing the pages themselves do not: every search address
    # with a query string, in every language as urls.py translates it. The search page itself
    # (its form and filters, no results) may be crawled and indexed.
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            lines.append(f"Disallow: {reverse('search')}?")
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _default_locale_countries():
    return Country.objects.filter(locale__language_code=settings.LANGUAGE_CODE)


@require_safe
def country_index(request):
    """Where we work: the countries the programmes and country projects name, by region, on a map.

    Countries that only hosted a training (a section registered with `where_we_work=False`) are
    listed after the regions, apart, and are not highlighted on the map: their pages still list
    the trainings held there.
    """
    # Only what a visitor may see counts: live, not behind a view restriction, in their language.
    visible = Page.objects.live().public().filter(locale=active_locale(request)).values("pk")
    sections = country_sections()
    countries = (
        _default_locale_countries()
        .annotate(**{section.count_annotation: section.count(visible) for section in sections})
        .filter(reduce(operator.or_, (Q(**{f"{section.count_annotation}__gt": 0}) for section in sections), Q(pk=None)))
    )
    countries = {country.translation_key: country for country in countries}
    # Regions in the order of their choices (Europe, then the Middle East and North Africa).
    regions = {region: [] for region in Country.Region.values}
    venues_only = []
    for name in in_locale(countries.values(), request):
        country = countries[name.translation_key]
        counts = [(section, getattr(country, section.count_annotation)) for section in sections]
        entry = {
            "country": name,
            "code": country.iso_code,
            "counts": [section.count_text(count) for section, count in counts if count],
        }
        if any(count for section, count in counts if section.where_we_work):
            regions[country.region].append(entry)
        else:
            venues_only.append(entry)
    context = {
        "regions": [
            {"key": key, "label": Country.Region(key).label, "entries": listed}
            for key, listed in regions.items()
            if listed
        ],
        "venues_only": venues_only,
    }
    context["where_we_work"] = [entry["country"] for region in context["regions"] for entry in region["entries"]]
    return TemplateResponse(request, "pompidou_site/country_index.html", context)


@require_safe
def country_detail(request, iso_code):
    """The pages concerning one country (programmes, country projects, training editions)."""
    if iso_code != iso_code.upper():
        # One address per country: /en/countries/MD/, whatever case was typed.
        return redirect("country_detail", iso_code=iso_code.upper(), permanent=True)
    country = get_object_or_404(_default_locale_countries(), iso_code=iso_code)
    locale = active_locale(request)
    listed = ({"section": section, "pages": list(section.pages(country, locale))} for section in country_sections())
    named = in_locale([country], request)[0]
    context = {
        "country": named,
        "country_on_map": [named],
        "sections": [entry for entry in listed if entry["pages"]],
    }
    return TemplateResponse(request, "pompidou_site/country_detail.html", context)


# Images are public; documents are not served from here, but through Wagtail's serve view, so that
# the permissions of private collections hold.
PUBLIC_MEDIA_FOLDERS = ("images", "original_images")
IMAGE_CACHE_SECONDS = 60 * 60 * 24 * 30


@require_safe
def public_image(request, folder, path):
    """Uploaded images and their renditions, from MEDIA_ROOT. A proxy or CDN in front caches them."""
    response = static.serve(request, path, document_root=Path(settings.MEDIA_ROOT) / folder)
    # A new upload or rendition always gets a new file name, so a long cache is safe.
    response["Cache-Control"] = f"public, max-age={IMAGE_CACHE_SECONDS}"
    return response
