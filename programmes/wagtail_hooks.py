from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wagtail import hooks

from pompidou_site.models import PeriodMixin
from pompidou_site.search import SearchType
from pompidou_site.sections import CountrySection, HomeSection

from .models import CountryProjectPage, ProgrammePage


@hooks.register("register_download_report_section")
def register_programme_download_report_section():
    """The document downloads report filters by programme: the documents of its pages and those below."""
    return "programme", _("Programme"), ProgrammePage


@hooks.register("register_home_page_section")
def register_home_page_programmes():
    return HomeSection(key="programmes", heading=_("Programmes"), pages=ProgrammePage.listed_below, order=10)


@hooks.register("register_country_section")
def register_country_programmes():
    return CountrySection(
        key="programmes",
        heading=_("Programmes"),
        model=ProgrammePage,
        field_name="countries",
        item_template="components/page_card.html",
        count_text=lambda count: (
            ngettext("%(counter)s programme", "%(counter)s programmes", count) % {"counter": count}
        ),
        order=10,
    )


@hooks.register("register_country_section")
def register_country_projects():
    return CountrySection(
        key="country-projects",
        heading=_("Country projects"),
        model=CountryProjectPage,
        field_name="countries",
        item_template="components/page_card.html",
        count_text=lambda count: (
            ngettext("%(counter)s country project", "%(counter)s country projects", count) % {"counter": count}
        ),
        order=20,
    )


@hooks.register("register_search_type")
def register_programme_search_type():
    """Programmes rank first among equal matches, and are the choices of the search's programme filter."""
    return SearchType(
        key="programme",
        label=ProgrammePage.type_label,
        model=ProgrammePage,
        weight=3.0,
        country_field="countries",
        in_year=PeriodMixin.in_year,
        years=PeriodMixin.years_of,
        year_text=lambda page: page.period,
        scope_parameter="programme",
        order=10,
    )


@hooks.register("register_search_type")
def register_country_project_search_type():
    return SearchType(
        key="country-project",
        label=CountryProjectPage.type_label,
        model=CountryProjectPage,
        weight=1.5,
        country_field="countries",
        in_year=PeriodMixin.in_year,
        years=PeriodMixin.years_of,
        year_text=lambda page: page.period,
        order=20,
    )
