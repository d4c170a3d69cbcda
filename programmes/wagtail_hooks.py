from django.utils.translation import gettext_lazy as _

from wagtail import hooks

from .models import ProgrammePage


@hooks.register("register_download_report_section")
def register_programme_download_report_section():
    """The document downloads report filters by programme: the documents of its pages and those below."""
    return "programme", _("Programme"), ProgrammePage
