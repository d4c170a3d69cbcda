from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wagtail import hooks

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
