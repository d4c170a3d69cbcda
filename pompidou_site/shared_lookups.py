"""What every request looks up before rendering a page, answered from the site-wide fragments of
the page cache (pompidou_site/page_cache.py) instead of the database: the Wagtail site of the host,
its settings, the page a path routes to, and the view restrictions (private pages).

Each is computed once per change of content, like the menu and the footer, and put out of date by
the same signals. A page cache miss then costs the queries of the page itself, not of the site
around it (tests/test_queries.py keeps the count at 8 or fewer).
"""

import functools
import logging
from urllib.parse import urlparse

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError
from django.db.models import Exists, Q
from django.http import HttpRequest
from django.utils import translation
from django.utils.encoding import uri_to_iri

from wagtail.contrib.redirects.middleware import RedirectMiddleware
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.url_routing import RouteResult
from wagtail.views import serve as wagtail_serve

from .page_cache import cached_until_content_changes, generation, page_cache

logger = logging.getLogger(__name__)

ROUTE_ATTRIBUTE = "_wagtail_route_for_request"


# ---- Site and settings ------------------------------------------------------------------------


@cached_until_content_changes
def _site(request, port):
    site = Site._find_for_request(request)
    if site is not None:
        site.root_page  # noqa: B018 (loaded now, so that the cached copy holds it)
    return site


@cached_until_content_changes
def _site_settings(request, site_pk):
    model = apps.get_model("pompidou_site", "SiteSettings")
    return model.for_site(Site(pk=site_pk))


@cached_until_content_changes
def _site_root_paths(holder):
    """Every site's root paths in every language, which Wagtail reads from the default cache (a
    Redis round trip) the first time a request works out a page's address.

    Read from the database, not from Wagtail's cache: a site or root page saved outside a
    transaction starts a new generation before Wagtail clears its own copy.
    """
    Site.clear_site_root_paths_cache()
    return Site.get_site_root_paths()


# ---- Routing ----------------------------------------------------------------------------------


@cached_until_content_changes
def _route(request, port, path):
    """Filled in by the middleware after Wagtail routed `path` itself: (model label, page pk)."""
    return None


def _route_key_args(request):
    return (request.get_port(), request.path)


def _store_route(request):
    route = getattr(request, ROUTE_ATTRIBUTE, None)
    if route is None or route.kwargs or (route.args and not _is_own_route(request, route)):
        # No page, or a sub-route of a routable page (its feeds): Wagtail routes it every time.
        return
    page = route.page
    own_path = page.url_path.strip("/").split("/", 1)[1:]  # The path below the root page.
    if not request.path.strip("/").endswith(own_path[0] if own_path else ""):
        return
    # The entry _route() reads: written here, since _route() itself only ever finds it empty.
    key = _route.key_for(request, *_route_key_args(request))
    if key is not None:
        page_cache().set(key, ((page._meta.label, page.pk),), settings.PAGE_CACHE_TIMEOUT)


def _is_own_route(request, route):
    """Whether a routable page's route is its own address (its index route), not a sub-route."""
    if not isinstance(route.page, RoutablePageMixin):
        return False
    view, _args, _kwargs = route.args
    return view == route.page.resolve_subpage("/")[0]


@cached_until_content_changes
def _routed_page(holder, label, pk):
    """The page a path routes to, as published: only a change of content changes it."""
    try:
        # With its locale, which the page's language (its documents, its structured data) reads.
        page = apps.get_model(label).objects.select_related("locale").get(pk=pk)
    except (LookupError, Page.DoesNotExist):
        return None
    return page.load_named_taxonomy() if hasattr(page, "load_named_taxonomy") else page


def _prefill_route(request):
    target = _route(request, *_route_key_args(request))
    if target is None:
        return
    page = _routed_page(None, *target)
    if page is None or not page.live:
        return
    if isinstance(page, RoutablePageMixin):
        # As RoutablePageMixin.route() answers for the page's own address: its index route.
        resolver_match = page.resolve_subpage("/")
        request.routable_resolver_match = resolver_match
        view, args, kwargs = resolver_match
        setattr(request, ROUTE_ATTRIBUTE, RouteResult(page, args=(view, args, kwargs)))
    else:
        setattr(request, ROUTE_ATTRIBUTE, RouteResult(page))


# ---- Addresses with no page ------------------------------------------------------------------


@cached_until_content_changes
def _page_tree(holder):
    """Every page's url_path: (whether it is live, whether its type routes the paths below it).

    What Wagtail's Page.route() reads, one slug at a time and one query each, in one query. A page
    type that overrides route() (RoutablePageMixin: a programme's feeds, the calendar's filters)
    decides for itself what lies below it, so the walk stops there.
    """
    routes_itself = {}
    tree = {}
    for url_path, live, content_type_id in Page.objects.values_list("url_path", "live", "content_type_id"):
        if content_type_id not in routes_itself:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            routes_itself[content_type_id] = model is None or model.route is not Page.route
        tree[url_path] = (live, routes_itself[content_type_id])
    return tree


@cached_until_content_changes
def _localized_root_path(request, site_pk):
    """The url_path of the page Wagtail routes this language's addresses from (the site's root
    page in the active language, as Page.route_for_request takes it)."""
    return request._wagtail_site.root_page.localized.url_path


def served_path(view_args, view_kwargs):
    """The path Wagtail's serve view is given (a positional argument in wagtail.urls), or None."""
    return (view_args or (view_kwargs.get("path"),))[0]


def routes_to_no_page(request, path):
    """Whether Wagtail would find no page at `path` (as its serve view takes it): True only when
    sure, from the kept page tree, so that a missing address is a 404 with no query. Any doubt (a
    page type that routes its own sub-paths on the way) leaves the answer to Wagtail.
    """
    root_path = _localized_root_path(request, request._wagtail_site.pk)
    tree = _page_tree(None)
    url_path = root_path
    live, routes_itself = tree.get(url_path, (False, True))
    for component in (component for component in path.split("/") if component):
        if routes_itself:
            return False
        url_path += component + "/"
        if url_path not in tree:
            return True  # As Page.route(): no child with that slug.
        live, routes_itself = tree[url_path]
    return not live and not routes_itself


@cached_until_content_changes
def _redirect_paths(holder, site_pk):
    """The old paths of the site's redirects (its own and those for every site), in one query."""
    return frozenset(Redirect.get_for_site(Site(pk=site_pk)).values_list("old_path", flat=True))


class KeptRedirectsMiddleware(RedirectMiddleware):
    """Wagtail's redirects, looked up only for a missing address that one of them names.

    Wagtail queries the redirects at every 404, which scanners send by the thousand; the paths
    they start from are kept until the content changes (a redirect saved or deleted is a change),
    so an address that no redirect names is answered with no query.
    """

    def process_response(self, request, response):
        site = getattr(request, "_wagtail_site", None)
        if response.status_code != 404 or site is None:
            return super().process_response(request, response)
        # The paths Wagtail's own lookup tries: as asked and decoded, with and without the query.
        path = Redirect.normalise_path(request.get_full_path(), decode_unicode=False)
        tried = {path, uri_to_iri(path), urlparse(path).path, uri_to_iri(urlparse(path).path)}
        if tried.isdisjoint(_redirect_paths(request, site.pk)):
            return response
        return super().process_response(request, response)


# ---- View restrictions ------------------------------------------------------------------------


@cached_until_content_changes
def _restrictions(holder):
    """(path of the restricted page, restriction pk) for every restriction, and whether any page is an alias."""
    # One query: each restriction says whether any page is an alias. Without restrictions, aliases
    # do not matter (no page is private, an alias's source included).
    rows = PageViewRestriction.objects.select_related("page").annotate(
        any_alias=Exists(Page.objects.filter(alias_of__isnull=False))
    )
    restrictions = [(restriction.page.path, restriction.pk, restriction.any_alias) for restriction in rows]
    return [(path, pk) for path, pk, _any_alias in restrictions], any(row[2] for row in restrictions)


def view_restrictions(page):
    """The view restrictions on `page` and its ancestors, as Page.get_view_restrictions() gives them,
    or None where Wagtail's own lookup is needed (aliases, whose source's restrictions count)."""
    restrictions, any_alias = _restrictions(None)
    if any_alias:
        return None
    ids = [pk for path, pk in restrictions if page.path.startswith(path)]
    return PageViewRestriction.objects.filter(pk__in=ids) if ids else PageViewRestriction.objects.none()


def private_q(queryset):
    """Wagtail's PageQuerySet.private_q() (the pages in a private section) from the cached restrictions."""
    q = Q()
    for path, _pk in _restrictions(None)[0]:
        q |= Q(path__startswith=path)
    return q if q else Q(pk__in=[])


# ---- Page addresses ---------------------------------------------------------------------------

# Per process: (generation, {key: url parts}). A new generation starts an empty dict, and so does
# one that grew past the limit (a crawl of thousands of pages): never more than that many entries.
_remembered_url_parts = (None, {})
URL_PARTS_REMEMBERED = 5000


def remembering_url_parts(get_url_parts):
    """Page.get_url_parts() worked out once per page, site and language until the content changes.

    Wagtail works a page's address out of its path and every site's root paths at each call: a
    page shows about seventeen (menu, breadcrumbs, language versions, canonical and sharing
    addresses, structured data). All of it changes only with a change of content (a page saved,
    moved or deleted, a site or a locale edited), which starts a new generation; the page's own
    path is in the key besides, so an unsaved instance with a new slug is never given its old
    address. Previews and calls without a request work it out afresh.
    """

    @functools.wraps(get_url_parts)
    def remembered(page, request=None):
        global _remembered_url_parts
        if not isinstance(request, HttpRequest) or getattr(request, "is_preview", False) or page.pk is None:
            return get_url_parts(page, request)
        try:
            host = request.get_host()
        except DisallowedHost:
            return get_url_parts(page, request)
        token = generation(request)
        remembered_token, parts = _remembered_url_parts
        if remembered_token != token or len(parts) >= URL_PARTS_REMEMBERED:
            parts = {}
            _remembered_url_parts = (token, parts)
        key = (page.pk, page.url_path, host, translation.get_language())
        try:
            return parts[key]
        except KeyError:
            parts[key] = found = get_url_parts(page, request)
            return found

    return remembered


def install():
    """Make every `.public()` and `.not_public()` use the cached restrictions, and every page's
    address be worked out once per change of content (called once, from apps.ready)."""
    from wagtail.query import PageQuerySet

    PageQuerySet.private_q = private_q
    if not hasattr(Page.get_url_parts, "__wrapped__"):
        Page.get_url_parts = remembering_url_parts(Page.get_url_parts)


# ---- The middleware ---------------------------------------------------------------------------


@functools.cache
def _installed_packages():
    return frozenset(config.name.split(".")[0] for config in apps.get_app_configs())


class SharedLookupsMiddleware:
    """Gives the request its Wagtail site, site settings and page route from the cache, where Wagtail
    would query them, and records the route Wagtail found for the next request of the same path."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not getattr(request, "_pompidou_route_prefilled", False)
            and request.method == "GET"
            and response.status_code == 200
            and not getattr(request, "is_preview", False)
        ):
            _store_route(request)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Before the site's own views and Wagtail's (not the admin, documents and health checks:
        liveness must touch neither the database nor the cache; nor other apps' views)."""
        if request.method not in ("GET", "HEAD") or request.path.startswith(tuple(settings.PAGE_CACHE_EXCLUDED_PATHS)):
            return None
        # Views of the installed apps (Wagtail's pages, the sitemap, the feeds, the site's own), not
        # a view defined elsewhere, such as a test's.
        if getattr(view_func, "__module__", "").split(".")[0] not in _installed_packages():
            return None
        try:
            request._pompidou_route_prefilled = self._prefill(request, view_func, view_args, view_kwargs)
        except (OperationalError, InterfaceError):
            # The database is down: the view will find out, and answer 503 (DatabaseUnavailableMiddleware).
            for attribute in ("_wagtail_site", "_wagtail_cached_site_root_paths", ROUTE_ATTRIBUTE):
                if hasattr(request, attribute):
                    delattr(request, attribute)
        return None

    @staticmethod
    def _prefill(request, view_func, view_args, view_kwargs):
        site = _site(request, request.get_port())
        request._wagtail_site = site
        if site is None:
            return False
        try:
            request._wagtail_cached_site_root_paths = _site_root_paths(None)
        except Exception:  # Wagtail reads them from the default cache, which may be down
            # and raise (Django's own Redis cache does): Wagtail asks again, if the page needs them.
            logger.warning("The site root paths could not be read: left to Wagtail", exc_info=True)
        model = apps.get_model("pompidou_site", "SiteSettings")
        site_settings = _site_settings(request, site.pk)
        site_settings._request = request
        setattr(request, model.get_cache_attr_name(), site_settings)
        _prefill_route(request)
        path = served_path(view_args, view_kwargs)
        if (
            view_func is wagtail_serve
            and path is not None
            and not hasattr(request, ROUTE_ATTRIBUTE)
            and routes_to_no_page(request, path)
        ):
            # Wagtail's serve() answers 404 at once for a route found to be None.
            setattr(request, ROUTE_ATTRIBUTE, None)
        return hasattr(request, ROUTE_ATTRIBUTE)
