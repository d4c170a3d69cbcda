"""Template tags for countries and partners, in the reader's language (see `pompidou_site.taxonomy`)."""

from django import template

from pompidou_site import taxonomy
from pompidou_site.models import Country, Partner

register = template.Library()


@register.simple_tag(takes_context=True)
def localized_list(context, instances, field_name=None):
    """Countries or partners in the active locale, sorted by name.

    `{% localized_list countries %}` takes a list; `{% localized_list page "partners" %}` takes a
    page and the name of its field, and uses the rows the listing prefetched.
    """
    if field_name:
        instances = taxonomy.of_page(instances, field_name)
    return taxonomy.in_locale(instances, context)


@register.simple_tag(takes_context=True)
def localized_item(context, instance):
    """One country or partner in the active locale (see `localized_list`)."""
    if not instance:
        return None
    return taxonomy.in_locale([instance], context)[0]


def _named_on_page(context, page, model):
    if not page:
        return []
    instances = []
    for field_name in taxonomy.taxonomy_field_names(type(page), model):
        instances.extend(taxonomy.of_page(page, field_name))
    return taxonomy.in_locale(instances, context)


@register.simple_tag(takes_context=True)
def page_countries(context, page, unless_title=False):
    """The countries a page names, whatever its fields are called, in the active locale.

    With `unless_title=True`, none when the page's title is the name of its only country (the
    "Republic of Moldova" project of a programme): its facts would only repeat the heading.
    """
    countries = _named_on_page(context, page, Country)
    if unless_title and len(countries) == 1 and countries[0].name == page.title:
        return []
    return countries


@register.simple_tag(takes_context=True)
def page_partners(context, page):
    """The partner organisations a page names (in every partner field), in the active locale."""
    return _named_on_page(context, page, Partner)
