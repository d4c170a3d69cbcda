"""The MDN HTTP Observatory's grade for the public site and the admin of a site that is already running.

    .venv/bin/python tests/observatory_scan.py [BASE_URL] [--path /en/ --path /admin/login/ ...]

BASE_URL defaults to http://127.0.0.1:8000. The scanner (@mdn/mdn-http-observatory, under
.cache/node: `make observatory` installs it) runs here, against the given address, and scores the
response headers with the Observatory's published algorithm. It prints each page's grade and
score, then every test that takes points off.

Over plain HTTP (development) two tests cannot pass, by construction: "redirection" (HTTP to HTTPS)
and "strict-transport-security" (HSTS is only sent over HTTPS), 20 points each; and development
cookies are not Secure. The script also prints the score with those transport tests counted as
they are in production, where settings/base.py redirects to HTTPS, sends HSTS for a year and
settings/production.py marks every cookie Secure. The exit status is non-zero only when the
scanner could not run.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SCANNER = Path(
    os.environ.get("OBSERVATORY", REPO_ROOT / ".cache/node/node_modules/@mdn/mdn-http-observatory/bin/wrapper.js")
)
DEFAULT_PATHS = ["/en/", "/fr/", "/en/search/?q=training", "/admin/login/"]
# What HTTPS and production cookies change; everything else is scored as served.
TRANSPORT_TESTS = {"redirection", "strict-transport-security", "cookies"}
# The Observatory's grade boundaries (algorithm version 4).
GRADES = [(100, "A+"), (90, "A"), (85, "A-"), (80, "B+"), (70, "B"), (65, "B-"), (60, "C+"), (50, "C"), (45, "C-")]


def grade(score):
    return next((letter for floor, letter in GRADES if score >= floor), "D or lower")


def production_score(tests):
    """The score once the transport tests pass, as they do behind HTTPS with production settings.

    Bonuses count only when the score without them is at least 90, as in the Observatory."""
    penalties = sum(
        test["scoreModifier"]
        for name, test in tests.items()
        if name not in TRANSPORT_TESTS and test["scoreModifier"] < 0
    )
    bonuses = sum(test["scoreModifier"] for test in tests.values() if test["scoreModifier"] > 0)
    score = 100 + penalties
    return score + bonuses if score >= 90 else score


def scan(target):
    completed = subprocess.run(  # noqa: S603 - a fixed program with an address given on the command line
        [shutil.which("node") or "node", str(SCANNER), target], capture_output=True, text=True, timeout=120, check=False
    )
    return json.loads(completed.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--path", action="append", dest="paths")
    args = parser.parse_args()
    if not SCANNER.exists():
        sys.exit(f"No scanner at {SCANNER}: run `make observatory` once.")
    host = args.base_url.split("://", 1)[-1].rstrip("/")
    for path in args.paths or DEFAULT_PATHS:
        result = scan(host + path)
        if result.get("error") or "scan" not in result:
            sys.exit(f"{path}: the scanner failed: {result.get('error') or result}")
        tests = result["tests"]
        served = result["scan"]["score"]
        expected = production_score(tests)
        sys.stdout.write(
            f"{path}: {result['scan']['grade']} ({served}) as served; {grade(expected)} ({expected}) over HTTPS "
            "with production settings\n"
        )
        for name, test in tests.items():
            if test["scoreModifier"] < 0:
                note = " (passes in production)" if name in TRANSPORT_TESTS else ""
                sys.stdout.write(f"    {name}: {test['result']} {test['scoreModifier']}{note}\n")


if __name__ == "__main__":
    main()
