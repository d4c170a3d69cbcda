from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wagtail import hooks

from pompidou_site.search import SearchType
from pompidou_site.sections import CountrySection, HomeSection

from .models import TrainingOutlinePage


@hooks.register("register_country_section")
def register_country_trainings():
    return CountrySection(
        key="trainings",
        heading=_("Trainings"),
        model=TrainingOutlinePage,
        field_name="country",
        item_template="trainings/country_training.html",
        count_text=lambda count: ngettext("%(counter)s training", "%(counter)s trainings", count) % {"counter": count},
        ordering=("-year", "path"),
        list_class="training-list",
        item_class="training-list__item",
        order=30,
        # A training's country is where it was held: a venue alone is not where the Group works.
        where_we_work=False,
    )


@hooks.register("register_home_page_section")
def register_home_page_upcoming_trainings():
    return HomeSection(
        key="upcoming-trainings",
        heading=_("Upcoming trainings"),
        pages=TrainingOutlinePage.upcoming_below,
        item_template="trainings/home_training.html",
        list_class="dated-list",
        layout="column",
        order=20,
    )


@hooks.register("register_home_page_section")
def register_home_page_recent_trainings():
    return HomeSection(
        key="recent-trainings",
        heading=_("Recent trainings"),
        pages=TrainingOutlinePage.recent_below,
        item_template="trainings/home_training.html",
        list_class="dated-list",
        layout="column",
        order=30,
    )


@hooks.register("register_search_type")
def register_training_search_type():
    return SearchType(
        key="training-outline",
        label=TrainingOutlinePage.type_label,
        model=TrainingOutlinePage,
        weight=1.5,
        country_field="country",
        in_year=lambda trainings, year: trainings.filter(year=year),
        years=lambda trainings: set(trainings.values_list("year", flat=True)),
        year_text=lambda page: str(page.year),
        order=30,
    )
