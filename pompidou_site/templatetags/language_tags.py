"""Template tags for the site's languages: the language switcher, hreflang links, and chosen pages
in the reader's language."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from wagtail.models import Page

from pompidou_site.page_cache import cached_until_content_changes
from pompidou_site.request_cache import active_locale, cached_per_request

from .navigation_tags import homes_by_language

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context, error_page=False):
    """One entry per language of the site, for the language switcher and the hreflang links.

    For a page, each language points to the page's live translation, or says there is none and
    offers that language's home page instead. Pages that are not Wagtail pages (search, countries)
    switch language through their translated URL. An error page offers only the home pages.
    """
    page = context.get("page")
    # Templates pass "" or False alike: one cache entry either way.
    error_page = bool(error_page)
    is_page = isinstance(page, Page) and page.pk is not None and not error_page
    if is_page or error_page:
        # The same for every request of the page (or error page): computed once per change of content.
        return _page_language_versions(context, page.pk if is_page else None, error_page)
    # Other views switch language through their own address, which the request gives.
    return _language_versions(context, None, error_page)


@register.simple_tag(takes_context=True)
def kept_query(context, language_code):
    """What of its address a page keeps when the reader changes language ("?..." or ""): the page
    gives it per language in its context's `language_switch_queries` (the calendar, its filters)."""
    query = (context.get("language_switch_queries") or {}).get(language_code)
    return f"?{query}" if query else ""


@cached_per_request
@cached_until_content_changes
def _page_language_versions(context, page_pk, error_page):
    return _language_versions(context, page_pk, error_page)


@cached_per_request
def _language_versions(context, page_pk, error_page):
    page = context.get("page")
    request = context.get("request")
    is_page = page_pk is not None
    homes = homes_by_language(context)
    current_language = get_language()
    translations = {}
    if is_page:
        live_versions = list(page.get_translations(inclusive=True).live().public().select_related("locale"))
        translations = {version.locale.language_code: version for version in live_versions}
        if not any(version.pk == page.pk for version in live_versions):
            # A draft seen in preview is still the version in its own language.
            translations[page.locale.language_code] = page

    versions = []
    for code, own_name in settings.LANGUAGES:
        home = homes.get(code)
        if home is None:
            # The language has no live home page: nothing of the site to offer in it.
            continue
        home_url = home.get_url(request)
        absolute = None
        if is_page:
            target = translations.get(code)
            url = target.get_url(request) if target else None
            # The site's own address, as in the canonical link, not the address asked for.
            absolute = target.get_full_url(request) if target else None
        elif error_page:
            url = None
        elif request is not None:
            url = translate_url(request.get_full_path(), code)
            absolute = request.build_absolute_uri(url)
        else:
            url = home_url
        versions.append(
            {
                "code": code,
                "name": own_name,
                "name_local": get_language_info(code)["name_local"],
                "is_current": code == current_language,
                "is_default": code == settings.LANGUAGE_CODE,
                "url": url,
                "absolute_url": absolute,
                "home_url": home_url,
            }
        )
    return versions


@cached_per_request
@cached_until_content_changes
def _live_translation(context, translation_key, locale_pk):
    return Page.objects.filter(translation_key=translation_key, locale_id=locale_pk).live().first()


@register.simple_tag(takes_context=True)
def localized_page(context, page):
    """The live translation of a chosen page in the active locale, else the page itself."""
    if not isinstance(page, Page):
        return page
    locale_pk = active_locale(context).pk
    if page.locale_id == locale_pk:
        return page
    return _live_translation(context, page.translation_key, locale_pk) or page
