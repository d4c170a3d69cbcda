"""Template tags for finding one's way: the language's home page, the menu, breadcrumbs, the
footer's text and accessibility statement, pagination and the page's own addresses."""

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from wagtail.models import Page, Site

from pompidou_site.models import FooterText, SiteSettings
from pompidou_site.page_cache import RENDERING_CODE_VERSION, cached_until_content_changes
from pompidou_site.request_cache import cached_per_request

register = template.Library()


@cached_per_request
def _default_site(context):
    return Site.objects.select_related("root_page").filter(is_default_site=True).first()


def site_for(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    return site or _default_site(context)


@cached_per_request
@cached_until_content_changes
def _homes(context):
    site = site_for(context)
    if site is None:
        return {}
    homes = Page.objects.filter(translation_key=site.root_page.translation_key).live().select_related("locale")
    return {home.locale.language_code: home for home in homes}


def homes_by_language(context):
    """The live home page of each language: the site's root page and its translations."""
    return _homes(context)


@register.simple_tag(takes_context=True)
def language_home(context, language_code=None):
    """The home page of a language (the active one by default), or the site's root page."""
    homes = homes_by_language(context)
    home = homes.get(language_code or get_language()) or homes.get(settings.LANGUAGE_CODE)
    if home is None:
        site = site_for(context)
        home = site.root_page if site else None
    return home


@register.simple_tag(takes_context=True)
@cached_per_request
@cached_until_content_changes
def main_nav_items(context):
    """The live, public pages below the language's home page that editors put in the menu."""
    home = language_home(context)
    if home is None:
        return []
    return list(home.get_children().live().public().in_menu())


@cached_until_content_changes
def _site_fragment(context, code_version, name, *vary_on, nodelist):
    return mark_safe(nodelist.render(context))  # noqa: S308  # nosec B308 B703 (rendered by the template engine, escaped there)


class SiteFragmentNode(template.Node):
    def __init__(self, name, vary_on, nodelist):
        self.name, self.vary_on, self.nodelist = name, vary_on, nodelist

    def render(self, context):
        values = [value.resolve(context) for value in self.vary_on]
        name = self.name.resolve(context)
        return _site_fragment(context, RENDERING_CODE_VERSION, name, *values, nodelist=self.nodelist)


@register.tag
def site_fragment(parser, token):
    """`{% site_fragment "footer" [value ...] %}...{% endsite_fragment %}`: a part of the page that
    says the same on every page of a site and language (the footer; the menu, for each state of
    its items, given as the values) rendered once per change of content, not once per request.

    Everything the part shows must come from the site, the language, the content or the values:
    nothing of one page or one visitor. Previews render it afresh."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("site_fragment needs a name")
    nodelist = parser.parse(("endsite_fragment",))
    parser.delete_first_token()
    return SiteFragmentNode(parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]], nodelist)


@register.simple_tag
def nav_states(page, items):
    """Each menu item's `nav_state` for `page`, as one string: what the menu's rendering depends on."""
    return ",".join(nav_state(page, item) for item in items)


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
    return _ancestors(context, page.path, top_depth)


@cached_per_request
@cached_until_content_changes
def _ancestors(context, path, top_depth):
    """The live pages above the page at `path`, from depth `top_depth` down (the path says which)."""
    paths = [path[: depth * Page.steplen] for depth in range(top_depth, len(path) // Page.steplen)]
    return list(Page.objects.filter(path__in=paths).live().order_by("depth"))


@register.simple_tag(takes_context=True)
@cached_per_request
@cached_until_content_changes
def footer_text(context):
    """The footer text of the active locale, else the default locale's (the template marks its language)."""
    texts = {text.locale.language_code: text for text in FooterText.objects.select_related("locale")}
    return texts.get(get_language()) or texts.get(settings.LANGUAGE_CODE)


@register.simple_tag(takes_context=True)
@cached_per_request
@cached_until_content_changes
def accessibility_page(context):
    """The accessibility statement chosen in the site settings, in the active language: its live,
    public translation in that language, or nothing."""
    site = site_for(context)
    if site is None:
        return None
    request = context.get("request")
    site_settings = SiteSettings.for_request(request) if request is not None else SiteSettings.for_site(site)
    if not site_settings.accessibility_statement_id:
        return None
    statement_keys = Page.objects.filter(pk=site_settings.accessibility_statement_id).values("translation_key")
    return (
        Page.objects.filter(translation_key__in=statement_keys, locale__language_code=get_language())
        .live()
        .public()
        .first()
    )


@register.filter
def page_type_label(page):
    """What a reader calls this kind of page: "Programme", "Training outline"."""
    model = page.specific_class if isinstance(page, Page) else type(page)
    if model is None:
        return ""
    return getattr(model, "type_label", None) or model._meta.verbose_name.capitalize()


@register.simple_tag(takes_context=True)
def page_number_url(context, number, param=None):
    """The current address with `page` (or `param`) set to `number`, keeping the other parameters (such as q)."""
    request = context["request"]
    params = request.GET.copy()
    params[param or "page"] = number
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
