"""Template tags for the public site: the language's home, navigation, translations and taxonomy.

Everything a tag looks up is cached on the request, so that the header, the footer and the page
body can ask the same question without asking the database twice.
"""

from django import template
from django.conf import settings
from django.db.models import Q
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from wagtail.models import Locale, Page, Site

from pompidou_site.models import FooterText, StandardPage, alphabetical

register = template.Library()

ACCESSIBILITY_SLUG = "accessibility"

# Shown beside a download that is not in the reader's language. Whole phrases, not
# "in" + a language name, because languages decline differently ("en anglais").
DOCUMENT_LANGUAGE_NOTES = {
    "en": _("in English"),
    "fr": _("in French"),
}


def _request_cache(context):
    """A dict that lives as long as the request (or the render, when there is no request)."""
    request = context.get("request")
    if request is None:
        return context.render_context.setdefault("_site_tags_cache", {})
    if not hasattr(request, "_site_tags_cache"):
        request._site_tags_cache = {}
    return request._site_tags_cache


def _cached(context, key, compute):
    cache = _request_cache(context)
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _active_locale(context):
    return _cached(context, ("locale", get_language()), Locale.get_active)


def _site(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = _cached(
            context,
            "default_site",
            lambda: Site.objects.select_related("root_page").filter(is_default_site=True).first(),
        )
    return site


def _homes_by_language(context):
    """The live home page of each language: the site's root page and its translations."""

    def compute():
        site = _site(context)
        if site is None:
            return {}
        homes = Page.objects.filter(translation_key=site.root_page.translation_key).live().select_related("locale")
        return {home.locale.language_code: home for home in homes}

    return _cached(context, "homes", compute)


@register.simple_tag(takes_context=True)
def language_home(context, language_code=None):
    """The home page of a language (the active one by default), or the site's root page."""
    homes = _homes_by_language(context)
    home = homes.get(language_code or get_language()) or homes.get(settings.LANGUAGE_CODE)
    if home is None:
        site = _site(context)
        home = site.root_page if site else None
    return home


@register.simple_tag(takes_context=True)
def main_nav_items(context):
    """The live, public pages below the language's home page that editors put in the menu."""

    def compute():
        home = language_home(context)
        if home is None:
            return []
        return list(home.get_children().live().public().in_menu())

    return _cached(context, ("main_nav", get_language()), compute)


@register.simple_tag
def nav_state(page, item):
    """'page' when `item` is the current page, 'section' when the current page is below it."""
    if not isinstance(page, Page) or not page.path:
        return ""
    if page.pk == item.pk:
        return "page"
    if page.path.startswith(item.path):
        return "section"
    return ""


@register.simple_tag(takes_context=True)
def breadcrumb_ancestors(context, page):
    """The live ancestors of `page` from its language's home page down, home included."""
    if not isinstance(page, Page) or not page.pk:
        return []
    home = language_home(context)
    top_depth = home.depth if home else 2
    if page.depth <= top_depth:
        return []
    return list(Page.objects.ancestor_of(page).filter(depth__gte=top_depth).live().order_by("depth"))


@register.simple_tag(takes_context=True)
def language_versions(context, error_page=False):
    """One entry per language of the site, for the language switcher and the hreflang links.

    For a page, each language points to the page's live translation, or says there is none and
    offers that language's home page instead. Pages that are not Wagtail pages (search, countries)
    switch language through their translated URL. An error page offers only the home pages.
    """
    page = context.get("page")
    request = context.get("request")
    # Templates pass "" or False alike: one cache entry either way.
    error_page = bool(error_page)
    is_page = isinstance(page, Page) and page.pk is not None and not error_page
    key = ("language_versions", page.pk if is_page else None, error_page)

    def compute():
        homes = _homes_by_language(context)
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

    return _cached(context, key, compute)


@register.simple_tag(takes_context=True)
def localized_list(context, instances, relation=None):
    """Countries or partners in the active locale, sorted by name.

    `{% localized_list countries %}` takes a list; `{% localized_list page "countries" %}` takes a
    page and the name of its many-to-many field, and uses the rows the listing prefetched.

    Pages refer to the default locale's snippets. The first call for a model loads that model's
    rows in the active locale once for the whole request; later calls, such as one per listed
    programme, ask the database nothing more. A snippet not yet translated keeps its own name.
    """
    if relation:
        instances = _related_items(instances, relation)
    if instances is None or instances == "":
        return []
    if hasattr(instances, "all"):
        instances = instances.all()
    items = list(instances)
    if not items:
        return []
    locale = _active_locale(context)
    localized_items = []
    for item in items:
        if item.locale_id == locale.pk:
            localized_items.append(item)
            continue
        translations = _translations_in_locale(context, type(item), locale)
        localized_items.append(translations.get(item.translation_key, item))
    return sorted(localized_items, key=alphabetical)


@register.simple_tag(takes_context=True)
def localized_item(context, instance):
    """One country or partner in the active locale (see `localized_list`)."""
    if not instance:
        return None
    return localized_list(context, [instance])[0]


def _related_items(obj, relation):
    # modelcluster's ParentalManyToManyField manager ignores prefetch_related's cache in .all(),
    # so read the prefetched rows directly; without a prefetch, ask the manager.
    if not obj:
        return []
    prefetched = getattr(obj, "_prefetched_objects_cache", {})
    if relation in prefetched:
        return list(prefetched[relation])
    return list(getattr(obj, relation).all())


def _translations_in_locale(context, model, locale):
    return _cached(
        context,
        ("translations", model._meta.label, locale.pk),
        lambda: {obj.translation_key: obj for obj in model.objects.filter(locale=locale)},
    )


@register.simple_tag(takes_context=True)
def footer_text(context):
    """The footer text of the active locale, else the default locale's (the template marks its language)."""

    def compute():
        texts = {text.locale.language_code: text for text in FooterText.objects.select_related("locale")}
        return texts.get(get_language()) or texts.get(settings.LANGUAGE_CODE)

    return _cached(context, ("footer_text", get_language()), compute)


@register.simple_tag(takes_context=True)
def accessibility_page(context):
    """The accessibility statement: the home page's live child with the slug "accessibility" in
    the default language, or its translation in the active one (whose slug may differ)."""

    def compute():
        home = language_home(context)
        if home is None:
            return None
        default_statement_keys = Page.objects.filter(
            slug=ACCESSIBILITY_SLUG, locale__language_code=settings.LANGUAGE_CODE, depth=home.depth + 1
        ).values("translation_key")
        return (
            Page.objects.child_of(home)
            .live()
            .public()
            .type(StandardPage)
            .filter(Q(slug=ACCESSIBILITY_SLUG) | Q(translation_key__in=default_statement_keys))
            .first()
        )

    return _cached(context, ("accessibility_page", get_language()), compute)


@register.simple_tag(takes_context=True)
def localized_page(context, page):
    """The live translation of a chosen page in the active locale, else the page itself."""
    if not isinstance(page, Page):
        return page
    locale = _active_locale(context)
    if page.locale_id == locale.pk:
        return page
    return (
        _cached(
            context,
            ("localized_page", page.pk, locale.pk),
            lambda: Page.objects.filter(translation_key=page.translation_key, locale=locale).live().first(),
        )
        or page
    )


@register.filter
def document_language_note(document_language):
    """ "in English" for a document in English, in the reader's language."""
    if document_language in DOCUMENT_LANGUAGE_NOTES:
        return DOCUMENT_LANGUAGE_NOTES[document_language]
    try:
        return get_language_info(document_language)["name_translated"]
    except KeyError:
        return document_language


@register.filter
def page_type_label(page):
    """What a reader calls this kind of page: "Programme", "Training outline"."""
    model = page.specific_class if isinstance(page, Page) else type(page)
    if model is None:
        return ""
    return getattr(model, "type_label", None) or model._meta.verbose_name.capitalize()


@register.simple_tag(takes_context=True)
def page_number_url(context, number):
    """The current address with `page` set to `number`, keeping the other parameters (such as q)."""
    request = context["request"]
    params = request.GET.copy()
    params["page"] = number
    return f"?{params.urlencode()}"


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    request = context.get("request")
    if request is None or not url:
        return url
    return request.build_absolute_uri(url)


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's own full URL; for other views, the address without its query string."""
    page = context.get("page")
    request = context.get("request")
    if isinstance(page, Page) and page.pk:
        return page.get_full_url(request)
    if request is not None:
        return request.build_absolute_uri(request.path)
    return ""
