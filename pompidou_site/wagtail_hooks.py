from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Country, FooterText, Partner
from .seed import SEED_LOG_ACTION

# Short lists searched by name: plain database filtering, which behaves the same on SQLite and
# PostgreSQL (the SQLite full-text backend cannot restrict a search to some fields).
TAXONOMY_SEARCH_BACKEND = None


class CountryViewSet(SnippetViewSet):
    model = Country
    search_backend_name = TAXONOMY_SEARCH_BACKEND
    icon = "globe"
    menu_label = _("Countries")
    list_display = ["name", "iso_code", "region", "locale"]
    list_filter = ["region", "locale"]
    search_fields = ["name", "iso_code"]
    ordering = ["name"]


class PartnerViewSet(SnippetViewSet):
    model = Partner
    search_backend_name = TAXONOMY_SEARCH_BACKEND
    icon = "group"
    menu_label = _("Partners")
    list_display = ["name", "kind", "website", "locale"]
    list_filter = ["kind", "locale"]
    search_fields = ["name"]
    ordering = ["name"]


class FooterTextViewSet(SnippetViewSet):
    model = FooterText
    icon = "doc-full"
    menu_label = _("Footer text")
    list_display = ["__str__", "locale"]


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = _("Taxonomy")
    menu_icon = "tag"
    menu_order = 300
    items = (CountryViewSet, PartnerViewSet, FooterTextViewSet)


register_snippet(TaxonomyGroup)


# The seed content loader's record, in each object's history: what it created, or found and left as it was.
@hooks.register("register_log_actions")
def register_seed_content_log_action(actions):
    @actions.register_action(SEED_LOG_ACTION)
    class SeedContentFormatter(LogFormatter):
        label = _("Seed content")

        def format_message(self, log_entry):
            if log_entry.data.get("created"):
                return _("Created by the seed content loader")
            return _("Recorded by the seed content loader as seed content, and left as it was")
