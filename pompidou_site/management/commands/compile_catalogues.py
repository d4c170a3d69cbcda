from pathlib import Path

import polib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Compile the project's gettext catalogues (.po to .mo) in pure Python, so that no machine "
        "needs GNU gettext to show the French interface. With --check, fail if a committed .mo is stale."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Compare, write nothing; exit 1 when stale.")

    def handle(self, *args, check=False, **options):
        stale = []
        catalogues = sorted(
            po for locale_dir in settings.LOCALE_PATHS for po in Path(locale_dir).glob("*/LC_MESSAGES/*.po")
        )
        if not catalogues:
            raise CommandError("No catalogue found under LOCALE_PATHS.")
        for po_path in catalogues:
            mo_path = po_path.with_suffix(".mo")
            compiled = self.compile(po_path)
            if check:
                if not mo_path.exists() or mo_path.read_bytes() != compiled:
                    stale.append(mo_path)
                catalogue = polib.pofile(str(po_path))
                untranslated = [entry.msgid for entry in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]
                if untranslated:
                    raise CommandError(f"{po_path} has untranslated or fuzzy entries: {untranslated}")
                continue
            if not mo_path.exists() or mo_path.read_bytes() != compiled:
                mo_path.write_bytes(compiled)
                self.stdout.write(f"Compiled {mo_path}")
        if stale:
            names = ", ".join(str(path) for path in stale)
            raise CommandError(f"Out of date: {names}. Run `make messages` and commit the result.")
        if check:
            self.stdout.write(self.style.SUCCESS(f"{len(catalogues)} catalogue(s) up to date."))

    @staticmethod
    def compile(po_path):
        catalogue = polib.pofile(str(po_path))
        # Fuzzy entries are guesses by msgmerge: GNU msgfmt leaves them out, and so do we.
        for entry in catalogue.fuzzy_entries():
            catalogue.remove(entry)
        return catalogue.to_binary()
