from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wagtail.models import Site

# The addresses a development site is served on; a site with any other host name is someone's configuration.
LOCAL_HOSTNAMES = {"127.0.0.1", "localhost", "::1", "[::1]"}


class Command(BaseCommand):
    help = (
        "Development only: give the default Wagtail site the host name and port of WAGTAILADMIN_BASE_URL "
        "(which the development settings take from PORT), so that canonical, hreflang, sitemap and feed links "
        "point at the address `make run` serves. A site on any other than a local address is left as it is."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "ensure_dev_site runs only with DEBUG on (development settings). In production the site's address "
                "is set once under Settings → Sites."
            )
        address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        try:
            port = address.port or (443 if address.scheme == "https" else 80)
        except ValueError:
            raise CommandError(
                f"WAGTAILADMIN_BASE_URL {settings.WAGTAILADMIN_BASE_URL!r} has no valid port: check PORT."
            ) from None
        hostname = address.hostname or ""

        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            self.stdout.write("There is no default site: nothing to do (run load_seed_content first).")
            return
        if site.hostname not in LOCAL_HOSTNAMES or hostname not in LOCAL_HOSTNAMES:
            self.stdout.write(
                f"The default site is {site.hostname}:{site.port} and WAGTAILADMIN_BASE_URL is "
                f"{settings.WAGTAILADMIN_BASE_URL}: not both local addresses, so the site is left as it is."
            )
            return
        if (site.hostname, site.port) == (hostname, port):
            self.stdout.write(f"The default site already answers at {site.root_url}.")
            return

        site.hostname, site.port = hostname, port
        try:
            site.full_clean()
        except ValidationError as error:
            raise CommandError(f"The default site cannot take {hostname}:{port}: {' '.join(error.messages)}") from None
        site.save()
        self.stdout.write(self.style.SUCCESS(f"The default site now answers at {site.root_url}."))
