"""Template tags for what a page tells search engines and sharing sites: Open Graph, Twitter card
and schema.org JSON-LD (pompidou_site/structured_data.py)."""

from django import template
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.utils.safestring import mark_safe

from wagtail.models import Page

from pompidou_site.models import SiteSettings
from pompidou_site.page_cache import cached_until_content_changes
from pompidou_site.structured_data import escaped_json, home_page_url, organization, sharing_tags

from .language_tags import language_versions
from .navigation_tags import canonical_url, footer_text, language_home

register = template.Library()


def title_block(context):
    """What the template's `title` block shows (for views that are not pages, such as the search),
    rendered as the <title> renders it; "" outside a template that has one."""
    block_context = next(
        (layer[BLOCK_CONTEXT_KEY] for layer in reversed(context.render_context.dicts) if BLOCK_CONTEXT_KEY in layer),
        None,
    )
    block = block_context.get_block("title") if block_context is not None else None
    if block is None:
        return ""
    with context.push(block=block):
        # Already escaped by the template's autoescaping, as in <title>.
        return mark_safe(" ".join(block.nodelist.render(context).split()))  # noqa: S308  # nosec B308 B703


@register.simple_tag(takes_context=True)
def sharing_metadata(context):
    """The Open Graph and Twitter card values of the page (or view), and its JSON-LD items, each
    already escaped for a <script> element."""
    page = context.get("page")
    if isinstance(page, Page) and page.pk is not None:
        return _page_sharing_metadata(context, page.pk, page.url_path)
    return _sharing_metadata(context)


@cached_until_content_changes
def _page_sharing_metadata(context, page_pk, url_path):
    """A page's sharing tags are the same at every request of it (its address, languages,
    breadcrumbs, image): worked out once per change of content; a preview's afresh."""
    return _sharing_metadata(context)


def _sharing_metadata(context):
    page = context.get("page")
    request = context.get("request")
    canonical = canonical_url(context)
    metadata = sharing_tags(page, request, canonical, language_versions(context), title_block(context))
    is_page = isinstance(page, Page) and page.pk is not None
    if is_page:
        home_url = home_page_url(page, request)
    else:
        home = language_home(context)
        home_url = home.get_full_url(request) if home else canonical
    footer = footer_text(context)
    site_settings = SiteSettings.for_request(request) if request is not None else None
    items = [organization(home_url, footer.website_url if footer else "", site_settings)]
    if is_page and hasattr(page, "structured_data"):
        items.extend(page.structured_data(request))
    metadata["json_ld"] = [escaped_json(item) for item in items]
    return metadata
