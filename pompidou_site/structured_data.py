"""What a page says of itself to search engines and to sites its link is shared on.

- Open Graph and Twitter card tags (`sharing_tags`), from the page's own fields: its standalone
  title, meta description, canonical address, language and translations, and its listing image
  when it has one (no image is made up).
- schema.org JSON-LD (`json_ld`): the Pompidou Group as an Organization on every page, from what
  the site knows (its name, the Council of Europe as parent, the Group's website and contact
  details from the footer text and site settings), then what the page contributes through
  `BasePage.structured_data(request)`: a BreadcrumbList below the home page, and whatever a page
  type adds (a training outline adds its Course).

Rendered by `components/sharing_metadata.html` through the `seo_tags` template tags.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wagtail.models import Page

from .page_cache import cached_until_content_changes

# Open Graph names a language with its territory. The site writes British English (programme,
# organisation) and the French of France.
OPEN_GRAPH_LOCALES = {"en": "en_GB", "fr": "fr_FR"}
SCHEMA_CONTEXT = "https://schema.org"
# The shared image, cropped to the 1.91:1 that Open Graph readers show.
SHARED_IMAGE_FILTER = "fill-1200x630"

# What json_script escapes, so that no text can close the <script> element or open a comment.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def open_graph_locale(language_code):
    return OPEN_GRAPH_LOCALES.get(language_code, language_code.replace("-", "_"))


def escaped_json(data):
    """JSON safe inside a <script> element, as Django's json_script makes it."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES))  # noqa: S308 - escaped above  # nosec B308 B703


def organization_id(home_url):
    """The Organization's @id, by which other items (a Course's provider) refer to it."""
    return f"{home_url}#organization"


@cached_until_content_changes
def _ancestors_at(request, path):
    """The pages above the page at `path`, from depth 2 down, live or not (the path says which)."""
    paths = [path[: depth * Page.steplen] for depth in range(2, len(path) // Page.steplen)]
    return list(Page.objects.filter(path__in=paths).order_by("depth"))


def _ancestors(page, request=None):
    """The page's ancestors from its language's home page (at depth 2, under the tree's root) down,
    live or not: looked up once per change of content, however many items of its structured data
    need them."""
    if page.depth <= 2:
        return []
    if "_structured_data_ancestors" not in page.__dict__:
        page._structured_data_ancestors = _ancestors_at(request, page.path)
    return page._structured_data_ancestors


def home_page_url(page, request):
    """The full address of the home page of the page's language (each is at depth 2, under the root)."""
    if page.depth <= 2:
        home = page
    else:
        home = next((ancestor for ancestor in _ancestors(page, request) if ancestor.depth == 2), None)
    return home.get_full_url(request) if home else ""


def organization(home_url, website_url="", site_settings=None):
    """The Pompidou Group, from what the site itself says of it."""
    data = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Organization",
        "@id": organization_id(home_url),
        "name": _("Pompidou Group"),
        "alternateName": _("Co-operation Group to Combat Drug Abuse and Illicit Trafficking in Drugs"),
        "url": website_url or home_url,
        "parentOrganization": {"@type": "Organization", "name": _("Council of Europe")},
    }
    if site_settings is not None:
        if site_settings.contact_email:
            data["email"] = site_settings.contact_email
        if site_settings.contact_phone:
            data["telephone"] = site_settings.contact_phone
        same_as = [url for _label, url in site_settings.social_links]
        if same_as:
            data["sameAs"] = same_as
    return data


def breadcrumb_list(trail):
    """A BreadcrumbList of (name, absolute url) pairs, from the home page down to the page."""
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def page_breadcrumbs(page, request):
    """The page's BreadcrumbList, as the breadcrumbs on the page read ("Home" first), or None on a
    home page."""
    ancestors = [ancestor for ancestor in _ancestors(page, request) if ancestor.live]
    if not ancestors:
        return None
    trail = [
        (_("Home") if position == 0 else ancestor.title, ancestor.get_full_url(request))
        for position, ancestor in enumerate(ancestors)
    ]
    trail.append((page.title, page.get_full_url(request)))
    return breadcrumb_list(trail)


def absolute(request, url):
    if not url or url.startswith(("http://", "https://")) or request is None:
        return url
    return request.build_absolute_uri(url)


def shared_image(page, request):
    """The listing image as Open Graph shows it, or None: a page without one shows none."""
    image = getattr(page, "listing_image", None)
    if image is None:
        return None
    rendition = image.get_rendition(SHARED_IMAGE_FILTER)
    return {
        "url": absolute(request, rendition.url),
        "width": rendition.width,
        "height": rendition.height,
        "alt": image.default_alt_text,
    }


def sharing_tags(page, request, canonical, versions, title=""):
    """The values of the Open Graph and Twitter card tags of a page (or of a view, given its title)."""
    language = get_language() or settings.LANGUAGE_CODE
    is_page = isinstance(page, Page) and page.pk is not None
    if is_page:
        title = getattr(page, "standalone_title", page.title)
    return {
        "title": title or _("Pompidou Group"),
        "description": getattr(page, "meta_description", "") if is_page else "",
        "url": canonical,
        "type": "website" if not is_page or page.depth <= 2 else "article",
        "locale": open_graph_locale(language),
        "alternate_locales": [
            open_graph_locale(version["code"])
            for version in versions
            if version["code"] != language and version.get("absolute_url")
        ],
        "site_name": _("Pompidou Group"),
        "image": shared_image(page, request) if is_page else None,
    }
