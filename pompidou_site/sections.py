"""What the site-wide pages show of the domain apps, without knowing them.

The country pages and the home page list pages of the domain apps (programmes, trainings). Each
domain app describes what it lists with a `CountrySection` or a `HomeSection`, returned from a
Wagtail hook in its `wagtail_hooks.py`:

- `register_country_section`: the pages that name a country, counted on the country index and
  listed on the country's page. A section with `where_we_work=False` (trainings, whose country is
  only where a session was held) lists its pages on the country's page but does not by itself put
  the country among "Where we work" or on the map;
- `register_home_page_section`: the pages listed on a language's home page.

So `pompidou_site` imports neither app, nor names their models, fields or templates
(tests/test_architecture.py holds it to that).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery

from wagtail import hooks


@dataclass(frozen=True)
class CountrySection:
    """Pages of one type that name a country, and how a country's page lists them."""

    key: str  # In the section's heading id, such as "programmes".
    heading: str
    model: type
    field_name: str  # The page's field naming the country (foreign key or many-to-many).
    item_template: str  # Renders one listed page, given as `item`.
    count_text: Callable[[int], str]  # "3 programmes", for the country index.
    ordering: tuple = ("path",)
    list_class: str = "card-list"
    item_class: str = ""
    order: int = 0  # Sections are shown by this number, smallest first.
    # Whether a page of this type puts its country among "Where we work" (and on the map): a
    # programme's or a project's country does; a training's venue does not.
    where_we_work: bool = True

    @property
    def count_annotation(self):
        return f"{self.key.replace('-', '_')}_count"

    def count(self, visible_pages):
        """An annotation of Country: how many `visible_pages` of this type name the country."""
        query_name = self.model._meta.get_field(self.field_name).related_query_name()
        return Count(query_name, filter=Q(**{f"{query_name}__in": visible_pages}), distinct=True)

    @property
    def latest_annotation(self):
        return f"{self.key.replace('-', '_')}_latest"

    def latest(self, visible_pages):
        """An annotation of Country: when the last of `visible_pages` of this type naming it was
        published (a subquery, so that several sections' annotations do not multiply rows)."""
        newest = (
            self.model.objects.filter(
                pk__in=visible_pages, last_published_at__isnull=False, **{self.field_name: OuterRef("pk")}
            )
            .order_by("-last_published_at")
            .values("last_published_at")[:1]
        )
        return Subquery(newest)

    def pages(self, country, locale):
        """The live, public pages of this type in `locale` that name `country`, for a listing."""
        return self.model.listing().filter(**{self.field_name: country}, locale=locale).order_by(*self.ordering)


@dataclass(frozen=True)
class HomeSection:
    """Pages listed on a language's home page. A section with no page is not shown."""

    key: str
    heading: str
    pages: Callable  # pages(home_page) -> the pages to list, with what their cards show prefetched.
    item_template: str = "components/page_card.html"
    order: int = 0
    list_class: str = "card-list"
    # "wide": the width of the page (a grid of cards); "column": one of the columns beside the
    # latest documents (a list, such as dated trainings).
    layout: str = "wide"


def _registered(hook_name):
    return sorted((register() for register in hooks.get_hooks(hook_name)), key=lambda section: section.order)


def country_sections():
    return _registered("register_country_section")


def home_sections():
    return _registered("register_home_page_section")
