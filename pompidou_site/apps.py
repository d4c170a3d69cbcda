import warnings

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PompidouSiteConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pompidou_site"
    verbose_name = _("Site")

    def ready(self):
        from bs4 import MarkupResemblesLocatorWarning
        from PIL import Image

        from django.conf import settings
        from django.contrib.auth.signals import user_login_failed

        from . import document_text, page_cache, scheduling, shared_lookups
        from .log import log_failed_login
        from .taxonomy import connect_receivers

        connect_receivers()
        document_text.connect_receivers()
        user_login_failed.connect(log_failed_login, dispatch_uid="pompidou_site.log_failed_login")
        scheduling.connect_receivers()
        page_cache.connect_receivers()
        shared_lookups.install()
        # The footer's website address is a string for translators; wagtail-localize reads every
        # string with Beautiful Soup, which warns that this one looks like an address. It is one.
        warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning, module="wagtail_localize")
        # Pillow refuses to open an image beyond twice this and warns beyond it: with Wagtail's
        # own limit on the upload form, a decompression bomb is a form error, never a server
        # error or hundreds of megabytes of memory in a rendition.
        Image.MAX_IMAGE_PIXELS = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
