"""Lighthouse scores for one page of each type in each language, from a site that is already running.

    .venv/bin/python tests/lighthouse_audit.py [BASE_URL] [--path /en/ --path /fr/ ...] [--preset desktop]

BASE_URL defaults to http://127.0.0.1:8000 (`make run`). This script starts nothing: run the site
first. Without --path it picks the pages from the database the site uses (the same settings and
DATABASE_URL as `manage.py`): for each language, the first live page of every page type, the
search results, the country index and one country. It prints the four category scores per page,
then the audits that keep a score below 100, and writes each full report, as JSON, into
reports/lighthouse/. The goal is 100 for accessibility, best practices and SEO; a lower score is
reported, not failed: the exit status is non-zero only when Lighthouse itself could not run.

Needs Node, lighthouse@12.2.3 under .cache/node (`npm install --prefix .cache/node lighthouse@12.2.3`,
or LIGHTHOUSE=/path/to/lighthouse/cli/index.js) and Chromium (CHROME_PATH, /usr/bin/chromium by
default).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = Path(os.environ.get("LIGHTHOUSE", REPO_ROOT / ".cache/node/node_modules/lighthouse/cli/index.js"))
CHROME_PATH = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
REPORTS_DIR = REPO_ROOT / "reports" / "lighthouse"
CATEGORIES = {"performance": "perf", "accessibility": "a11y", "best-practices": "bp", "seo": "seo"}
SEARCH_TERMS = {"en": "training", "fr": "formation"}
# Audits a page fails on purpose, with the reason: search results are kept out of search engines
# (robots.txt and noindex), as search engines ask of endless result pages; the search page itself
# is indexable and audited apart.
DELIBERATE = {("search", "is-crawlable"): "deliberate: results are kept out of search engines"}
# One run takes 10-20 s; a page that takes this long is stuck.
RUN_TIMEOUT_SECONDS = 180


def say(text="", stream=None):
    (stream or sys.stdout).write(f"{text}\n")


def pages_from_database():
    """(label, path) for each page type and view, per language, read through Django."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pompidou_site.settings.dev")
    sys.path.insert(0, str(REPO_ROOT))
    import django

    django.setup()

    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from wagtail.models import Locale, Page

    from pompidou_site.models import Country

    pages = []
    for language, _name in settings.LANGUAGES:
        locale = Locale.objects.filter(language_code=language).first()
        if locale is None:
            continue
        seen_types = set()
        for page in Page.objects.live().public().filter(locale=locale).order_by("path").specific(defer=True):
            page_type = type(page).__name__
            url_parts = page.get_url_parts()
            if page_type in seen_types or url_parts is None:
                continue
            seen_types.add(page_type)
            pages.append((f"{language} {page_type}", url_parts[2]))
        with translation.override(language):
            pages.append((f"{language} search page", reverse("search")))
            pages.append((f"{language} search", f"{reverse('search')}?q={SEARCH_TERMS.get(language, 'a')}"))
            pages.append((f"{language} country index", reverse("country_index")))
            country = (
                Country.objects.filter(locale__language_code=settings.LANGUAGE_CODE, programmes__locale=locale)
                .order_by("iso_code")
                .first()
            )
            if country:
                pages.append((f"{language} country", reverse("country_detail", kwargs={"iso_code": country.iso_code})))
    return pages


def report_path(label):
    return REPORTS_DIR / f"{re.sub(r'[^A-Za-z0-9]+', '-', label).strip('-').lower()}.json"


def run_lighthouse(url, output, preset):
    command = [
        shutil.which("node") or "node",
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--disable-full-page-screenshot",
        "--quiet",
    ]
    if preset:
        command.append(f"--preset={preset}")
    environment = {**os.environ, "CHROME_PATH": CHROME_PATH}
    completed = subprocess.run(  # noqa: S603 - fixed command, no shell
        command, capture_output=True, text=True, env=environment, timeout=RUN_TIMEOUT_SECONDS, check=False
    )
    if completed.returncode != 0 or not output.exists():
        return None, (completed.stderr or completed.stdout).strip()[-1500:]
    return json.loads(output.read_text(encoding="utf-8")), None


def shown(label, path):
    return label if label == path else f"{label}  {path}"


def score(report, category):
    value = report["categories"][category]["score"]
    return "-" if value is None else str(round(value * 100))


def what_keeps_it_below_100(report, category):
    """The weighted audits of a category that did not fully pass, worst first."""
    audits = report["audits"]
    failing = []
    for reference in report["categories"][category]["auditRefs"]:
        audit = audits[reference["id"]]
        if reference.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
            failing.append((audit["score"], reference["id"], audit.get("displayValue") or audit["title"]))
    return [f"{audit_id} ({round(value * 100)}): {text}" for value, audit_id, text in sorted(failing)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--path", action="append", dest="paths", help="Audit this path only (repeatable).")
    parser.add_argument(
        "--preset", choices=["desktop", "perf", "experimental"], help="Lighthouse preset (mobile by default)."
    )
    options = parser.parse_args()

    if not LIGHTHOUSE.is_file():
        say(
            f"Lighthouse is missing: no {LIGHTHOUSE}. Install it with "
            "`npm install --prefix .cache/node lighthouse@12.2.3`, or set LIGHTHOUSE.",
            sys.stderr,
        )
        return 2
    pages = [(path, path) for path in options.paths] if options.paths else pages_from_database()
    if not pages:
        say("No page to audit: is the seed content loaded (make seed)?", sys.stderr)
        return 2

    REPORTS_DIR.mkdir(parents=True, exist_ok=True)
    base_url = options.base_url.rstrip("/")
    results, failures = [], []
    for label, path in pages:
        output = report_path(label)
        report, error = run_lighthouse(f"{base_url}{path}", output, options.preset)
        if report is None:  # Lighthouse now and then loses a trace (NO_NAVSTART): a second try settles it.
            report, error = run_lighthouse(f"{base_url}{path}", output, options.preset)
        if report is None:
            failures.append((label, path, error))
            say(f"FAILED  {label}: {path}", sys.stderr)
            continue
        results.append((label, path, report))
        say(f"done    {label}: {path}", sys.stderr)

    width = max((len(shown(label, path)) for label, path, _report in results), default=20)
    say()
    say(f"{'page':<{width}}  " + "  ".join(f"{short:>4}" for short in CATEGORIES.values()))
    for label, path, report in results:
        scores = "  ".join(f"{score(report, category):>4}" for category in CATEGORIES)
        say(f"{shown(label, path):<{width}}  {scores}")

    below = False
    for label, path, report in results:
        for category in CATEGORIES:
            reasons = what_keeps_it_below_100(report, category)
            if report["categories"][category]["score"] != 1 and reasons:
                if not below:
                    say("\nWhat keeps a score below 100:")
                    below = True
                say(f"{shown(label, path)}: {category} {score(report, category)}")
                for reason in reasons:
                    why = DELIBERATE.get((label.split(" ", 1)[-1], reason.split(" ", 1)[0]))
                    say(f"    {reason}" + (f"  [{why}]" if why else ""))
    say(f"\nReports: {REPORTS_DIR}")
    for label, path, error in failures:
        say(f"\nLighthouse failed on {label} ({path}):\n{error}", sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
