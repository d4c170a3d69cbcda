from django.core.management.base import BaseCommand

from pompidou_site.seed import KEPT, SEED_FILE, SeedLoader, load_fixture


class Command(BaseCommand):
    help = (
        "Load the seed content (pages in English and French, countries, partners, footer, site settings and "
        "programme documents). Safe to run again: it creates what is missing and leaves what exists exactly as it is, "
        "edited or not; what an editor deleted stays deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(SEED_FILE), help="The seed content to load (JSON).")

    def handle(self, *args, **options):
        report = SeedLoader(load_fixture(options["file"])).load()
        verbosity = options["verbosity"]
        if verbosity >= 2:
            # Every object at -v 3; at -v 2 only what this run did not simply keep.
            for kind, action, label in report.events:
                if verbosity >= 3 or action != KEPT:
                    self.stdout.write(f"{action:>9}  {kind}: {label}")
        if verbosity >= 1:
            for line in report.summary_lines():
                self.stdout.write(line)
            self.stdout.write(self.style.SUCCESS("Seed content loaded."))
