"""The map of where the Group works: an inline SVG drawn from committed data, with no third-party service.

`{% world_map highlighted=countries %}` draws Europe, North Africa and the Middle East with the
given countries (Country snippets or ISO 3166-1 alpha-2 codes) hatched, outlined and linked to
their country pages in the active language. `links=False` keeps them unlinked (a country's own
page); `variant="card"` is the small decorative map of a listing card: coarser shapes, no links,
hidden from assistive technology. The shapes come from `pompidou_site/map_data/world_map.json`,
written by `manage.py build_world_map` (`make map`; see `pompidou_site/map_builder.py`).
"""

import functools
import itertools
import json
from pathlib import Path

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from pompidou_site import taxonomy
from pompidou_site.models import Country
from pompidou_site.request_cache import cached_per_request

register = template.Library()

MAP_DATA_PATH = Path(__file__).resolve().parent.parent / "map_data" / "world_map.json"
VARIANTS = ("full", "card")
MARKER_RADIUS = 7


@functools.cache
def map_data():
    """The committed map data, read once per process."""
    return json.loads(MAP_DATA_PATH.read_text(encoding="utf-8"))


@functools.cache
def _land_path(code, path):
    """One country's land shape as markup, escaped once per process: a map draws about eighty."""
    return format_html('<path data-code="{}" d="{}"/>', code, path)


def _land_markup(shapes, highlighted_codes):
    """Every shape but the highlighted ones, as one piece of markup (each piece escaped above)."""
    return mark_safe("".join(_land_path(code, path) for code, path in shapes.items() if code not in highlighted_codes))  # noqa: S308 # nosec B308 B703


@cached_per_request
def _countries_by_code(holder, codes):
    """Countries named by code, in the active language: one query, then the request's translations."""
    countries = Country.objects.filter(iso_code__in=codes, locale__language_code=settings.LANGUAGE_CODE)
    return {country.iso_code: country for country in taxonomy.in_locale(countries, holder)}


def _highlighted_countries(context, highlighted):
    """{code: country in the active language} for Country instances or codes, in any mix."""
    highlighted = list(highlighted or [])
    instances = [item for item in highlighted if isinstance(item, Country)]
    codes = tuple(sorted({item for item in highlighted if isinstance(item, str)} - {c.iso_code for c in instances}))
    countries = {country.iso_code: country for country in taxonomy.in_locale(instances, context)}
    if codes:
        countries.update(_countries_by_code(context, codes))
    return countries


def _map_id(context):
    """A unique prefix for the ids inside one map (title, pattern), however many maps a page has."""
    counter = context.render_context.setdefault("world_map_counter", itertools.count(1))
    return f"world-map-{next(counter)}"


@register.inclusion_tag("components/world_map.html", takes_context=True)
def world_map(context, highlighted=None, links=True, variant="full", label=None):
    if variant not in VARIANTS:
        raise template.TemplateSyntaxError(f"world_map: variant must be one of {', '.join(VARIANTS)}")
    data = map_data()
    shapes = data["variants"][variant]["countries"]
    if variant == "card":
        codes = {getattr(item, "iso_code", item) for item in highlighted or []}
        return {
            "variant": variant,
            "view_box": data["variants"][variant]["viewBox"],
            # Decorative: two paths, the land and the highlighted countries, are all a card needs.
            "land": "".join(path for code, path in shapes.items() if code not in codes),
            "highlighted_path": "".join(path for code, path in shapes.items() if code in codes),
        }

    countries = _highlighted_countries(context, highlighted)
    marked = []
    for code, country in sorted(countries.items(), key=lambda item: taxonomy.alphabetical(item[1].name)):
        if code not in shapes:
            continue  # Too small for Natural Earth's 1:50m, or outside the frame: the page's text names it.
        marked.append(
            {
                "code": code,
                "name": country.name,
                "path": shapes[code],
                "url": reverse("country_detail", kwargs={"iso_code": code}) if links else "",
                "marker": data["markers"].get(code),
            }
        )
    names = ", ".join(entry["name"] for entry in marked)
    if label is None:
        label = _("Map of the countries concerned") if links else format_lazy(_("Map: {names}"), names=names)
    return {
        "variant": variant,
        "view_box": data["variants"][variant]["viewBox"],
        "map_id": _map_id(context),
        "label": label,
        "links": links,
        "land": _land_markup(shapes, countries.keys()),
        "highlighted": marked,
        "marker_radius": MARKER_RADIUS,
        "source": data["source"],
    }
