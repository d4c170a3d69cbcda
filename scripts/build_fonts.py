"""Rebuild the site's webfont subsets in static/fonts/ from the pinned npm package (`make fonts`).

Source Sans 3 (SIL Open Font License 1.1), the upright variable face (weights 200–900), from
Fontsource's npm package at the version pinned below: `npm pack` fetches it into a scratch folder
(never a font CDN), then fontTools' pyftsubset keeps only what the site's two languages and the
names it cites (French, Romanian, Polish, Czech, Croatian, Turkish…) need, as woff2:

- `source-sans-3-latin.woff2`: Basic Latin, Latin-1 (French: « » é è ç œ…), typographic punctuation
  (’ “ ” – — … and the narrow and ordinary no-break spaces), €; preloaded by base.html;
- `source-sans-3-latin-ext.woff2`: Latin Extended-A and the Latin Extended-B letters in use
  (Romanian ș ț), which browsers fetch only for a page that shows one of them (`unicode-range`).

Source Sans 3 has a thin space (U+2009) but no narrow no-break space (U+202F), which French puts
before « : ; ? ! » and inside « »: the latin file maps U+202F to the thin space's glyph, so that
browsers do not take that one character from a fallback font.

The `unicode-range` of each file is written in static/css/site.css; keep the two in step.
"""

import json
import shutil
import subprocess  # noqa: S404 - fixed commands, no shell
import sys
import tarfile
import tempfile
from pathlib import Path

from fontTools.ttLib import TTFont

PACKAGE = "@fontsource-variable/source-sans-3"
VERSION = "5.3.1"
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "static" / "fonts"

# The same ranges as the @font-face rules' unicode-range in static/css/site.css.
SUBSETS = {
    "latin": {
        "source": "source-sans-3-latin-wght-normal.woff2",
        "unicodes": "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+2000-206F,U+20AC,"
        "U+2122,U+2190-2193,U+2212,U+2215,U+FEFF,U+FFFD",
    },
    "latin-ext": {
        "source": "source-sans-3-latin-ext-wght-normal.woff2",
        "unicodes": "U+0100-017F,U+0218-021B,U+0259,U+1E9E,U+20A0-20AB,U+20AD-20C0",
    },
}
# Kerning, ligatures and the default features, plus tabular and lining figures for dates and sizes.
LAYOUT_FEATURES = "kern,liga,calt,ccmp,locl,mark,mkmk,tnum,lnum,case"


def add_narrow_no_break_space(path):
    """Map U+202F (narrow no-break space) to the glyph of U+2009 (thin space), the same width."""
    font = TTFont(path)
    for table in font["cmap"].tables:
        if table.isUnicode() and 0x2009 in table.cmap:
            table.cmap[0x202F] = table.cmap[0x2009]
    font.save(path)


def main():
    npm = shutil.which("npm")
    if not npm:
        sys.exit("npm is needed to fetch the font package (apt-get install npm).")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        packed = subprocess.run(  # noqa: S603
            [npm, "pack", f"{PACKAGE}@{VERSION}", "--json", "--pack-destination", str(scratch)],
            check=True,
            capture_output=True,
            text=True,
            cwd=scratch,
        )
        tarball = scratch / json.loads(packed.stdout)[0]["filename"]
        with tarfile.open(tarball) as archive:
            archive.extractall(scratch, filter="data")
        package = scratch / "package"
        for name, subset in SUBSETS.items():
            target = OUTPUT / f"source-sans-3-{name}.woff2"
            subprocess.run(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "fontTools.subset",
                    str(package / "files" / subset["source"]),
                    f"--unicodes={subset['unicodes']}",
                    f"--layout-features={LAYOUT_FEATURES}",
                    "--flavor=woff2",
                    "--no-hinting",
                    "--desubroutinize",
                    f"--output-file={target}",
                ],
                check=True,
            )
            if name == "latin":
                add_narrow_no_break_space(target)
            print(f"{target.relative_to(ROOT)}: {target.stat().st_size} bytes")  # noqa: T201
        shutil.copyfile(package / "LICENSE", OUTPUT / "OFL.txt")
    print(f"from {PACKAGE}@{VERSION}")  # noqa: T201


if __name__ == "__main__":
    main()
