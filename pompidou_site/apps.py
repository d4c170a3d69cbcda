from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PompidouSiteConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pompidou_site"
    verbose_name = _("Site")
