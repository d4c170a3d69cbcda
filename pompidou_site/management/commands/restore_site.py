"""Restore the database and the media files of one backup made by `backup_site`."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from pompidou_site.backups import backup_names, complete_backups
from pompidou_site.page_cache import content_changed


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_site: the database (replacing its content) and the media files. "
        "Without --stamp, the newest backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stamp", help="Which backup, as listed by --list (e.g. 20261201-230000).")
        parser.add_argument("--list", action="store_true", help="List the complete backups, newest first, and stop.")
        parser.add_argument("--noinput", "--no-input", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, **options):
        stamps = complete_backups()
        if options["list"]:
            for stamp in stamps:
                self.stdout.write(stamp)
            return
        if not stamps:
            raise CommandError("There is no complete backup (database and media) in the backup storage.")
        stamp = options["stamp"] or stamps[0]
        if stamp not in stamps:
            raise CommandError(f"No complete backup {stamp!r}. Available: {', '.join(stamps)}")
        if not options["noinput"]:
            answer = input(f"Replace this site's database and media with backup {stamp}? Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        names = backup_names(stamp)
        quiet = options["verbosity"] < 2
        call_command("dbrestore", "--noinput", "--uncompress", "--input-filename", names.database, quiet=quiet)
        call_command(
            "mediarestore", "--noinput", "--uncompress", "--replace", "--input-filename", names.media, quiet=quiet
        )
        # The restored content is not what the page cache holds: every cached page out of date.
        content_changed()
        self.stdout.write(self.style.SUCCESS(f"Restored backup {stamp}."))
