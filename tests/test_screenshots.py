"""Screenshot regression tests: each page type at 375 and 1280 CSS pixels, in both languages.

Chromium takes a full-page screenshot of one seeded page of each type and compares it with the
committed reference `tests/screenshots/<page type>-<language>-<width>.png`. Pixels whose colour moved
by more than PIXEL_THRESHOLD (on any channel, out of 255) count as different; more than
MAX_DIFFERENT_FRACTION of them, or another page height, fails the test. Every screenshot of a run is
saved under `.cache/screenshots/<run>/` (printed at the end of the run), and beside a failing one a
`-diff.png` that paints the differing pixels red over a faded copy of the page.

What would make two runs differ is held still: the clock is frozen before the seed is loaded (so
"published on" dates and anything relative to today do not move), animations, transitions and the
caret are off, fonts are loaded before the shot, and pages are taken at a device scale of 1.

To accept a change of look, regenerate the references and commit them:
`make screenshots-update` (SCREENSHOTS_UPDATE=1), then look at the new PNGs before committing.
"""

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from PIL import Image, ImageChops

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from wagtail.models import Locale

from pompidou_site.models import Country, FeedbackFormPage, HomePage, StandardPage
from programmes.models import CountryProjectPage, ProgrammeIndexPage, ProgrammePage
from trainings.models import TrainingOutlinePage

from . import test_browser
from .conftest import SCREENSHOTS_DIR
from .test_browser import IMAGE_PAGE_SLUG, NOT_FOUND_SLUG, SEARCH_TERMS

# The browser suite's fixtures, for this module too: the seed committed behind a live server, the
# ORM allowed beside Playwright's loop, one Chromium.
seeded_server = test_browser.seeded_server
_orm_calls_beside_playwright = test_browser._orm_calls_beside_playwright
browser = test_browser.browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

REPO_ROOT = Path(__file__).resolve().parent.parent
REFERENCES_DIR = Path(__file__).resolve().parent / "screenshots"
RUN_NAME = os.environ.get("SCREENSHOTS_RUN") or datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
ARTIFACTS_DIR = REPO_ROOT / ".cache" / "screenshots" / RUN_NAME
UPDATE = os.environ.get("SCREENSHOTS_UPDATE") == "1"

# Noon on a weekday, well inside the seed's dates: the seed is loaded, and the pages served, then.
FROZEN_NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
WIDTHS = {"mobile": {"width": 375, "height": 667}, "desktop": {"width": 1280, "height": 800}}
# Long pages are cut at this height (CSS pixels): enough to see the layout, small to commit.
MAX_HEIGHT = 4000
# Chromium draws the same page to the same pixels on the same kind of machine; a few levels of slack
# absorb rounding, while a change of colour in the CSS (even a tint) moves more.
PIXEL_THRESHOLD = 8
# Out of all the pixels: a recoloured link, border or background moves more than this.
MAX_DIFFERENT_FRACTION = 0.0005
LANGUAGES = [code for code, _name in settings.LANGUAGES]
PAGE_TYPES = [
    "home",
    "programme-index",
    "programme",
    "country-project",
    "training-outline",
    "countries",
    "country",
    "search",
    "standard-page",
    "form-page",
    "not-found",
]
# Whatever could still move: no animation, transition, smooth scroll or blinking caret.
STILL_CSS = """
*, *::before, *::after {
    animation: none !important;
    transition: none !important;
    scroll-behavior: auto !important;
    caret-color: transparent !important;
}
"""


@pytest.fixture(scope="module", autouse=True)
def _frozen_clock():
    """The clock stands at FROZEN_NOW (and moves on from there) for the seed, the server and the shots.

    Autouse and module-scoped, so it starts before the seeded server loads the seed.
    """
    with time_machine.travel(FROZEN_NOW, tick=True):
        yield


@pytest.fixture(scope="module")
def shot_paths(seeded_server, django_db_blocker):
    """The address of the seeded page of each type, per language."""
    with django_db_blocker.unblock():
        return {language: paths_in(language) for language in LANGUAGES}


def first_url(model, locale, **exclude):
    page = model.objects.live().public().filter(locale=locale).exclude(**exclude).order_by("path").first()
    assert page is not None, f"the seed has no live {model.__name__} in {locale.language_code}"
    return page.get_url()


def paths_in(language):
    locale = Locale.objects.get(language_code=language)
    country = (
        Country.objects.filter(
            locale__language_code=settings.LANGUAGE_CODE, programmes__live=True, programmes__locale=locale
        )
        .order_by("iso_code")
        .first()
    )
    with translation.override(language):
        return {
            "home": first_url(HomePage, locale),
            "programme-index": first_url(ProgrammeIndexPage, locale),
            "programme": first_url(ProgrammePage, locale),
            "country-project": first_url(CountryProjectPage, locale),
            "training-outline": first_url(TrainingOutlinePage, locale),
            "countries": reverse("country_index"),
            "country": reverse("country_detail", kwargs={"iso_code": country.iso_code}),
            "search": f"{reverse('search')}?q={SEARCH_TERMS[language]}",
            "standard-page": first_url(StandardPage, locale, slug=IMAGE_PAGE_SLUG),
            "form-page": first_url(FeedbackFormPage, locale),
            "not-found": f"/{language}/{NOT_FOUND_SLUG}/",
        }


@pytest.fixture(scope="module")
def contexts(browser, seeded_server):
    opened = {
        name: browser.new_context(
            viewport=viewport,
            device_scale_factor=1,
            base_url=seeded_server.url,
            reduced_motion="reduce",
            # Lets the still-CSS in; the page's own policy is the browser suite's concern.
            bypass_csp=True,
            timezone_id="UTC",
        )
        for name, viewport in WIDTHS.items()
    }
    yield opened
    for context in opened.values():
        context.close()


@pytest.fixture(scope="module")
def report_run(request):
    """Have the run's summary say where the screenshots went (tests/conftest.py prints it)."""
    request.config.stash[SCREENSHOTS_DIR] = ARTIFACTS_DIR


def take_screenshot(context, path):
    page = context.new_page()
    try:
        response = page.goto(path, wait_until="load")
        assert response is not None
        page.add_style_tag(content=STILL_CSS)
        page.evaluate("document.fonts.ready")
        height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
        width = page.viewport_size["width"]
        content = page.screenshot(
            full_page=True,
            animations="disabled",
            caret="hide",
            clip={"x": 0, "y": 0, "width": width, "height": height},
        )
        return response.status, reduced(Image.open(BytesIO(content)).convert("RGB"))
    finally:
        page.close()


@dataclass
class Comparison:
    different: int
    total: int
    size_matches: bool

    @property
    def fraction(self):
        return self.different / self.total if self.total else 0.0

    @property
    def passes(self):
        return self.size_matches and self.fraction <= MAX_DIFFERENT_FRACTION


def differing_mask(actual, reference):
    """A 1-bit image, on where a pixel differs by more than PIXEL_THRESHOLD, over the larger of the two sizes."""
    size = (max(actual.width, reference.width), max(actual.height, reference.height))
    # Where one image is taller, the other's missing part is magenta: it always counts as different.
    canvases = []
    for image in (actual, reference):
        canvas = Image.new("RGB", size, (255, 0, 255) if image is reference else (0, 255, 0))
        canvas.paste(image, (0, 0))
        canvases.append(canvas)
    difference = ImageChops.difference(*canvases)
    # The largest change on any channel, then thresholded.
    channels = difference.split()
    largest = ImageChops.lighter(ImageChops.lighter(channels[0], channels[1]), channels[2])
    return largest.point(lambda value: 255 if value > PIXEL_THRESHOLD else 0).convert("1")


def compare(actual, reference):
    actual, reference = actual.convert("RGB"), reference.convert("RGB")
    mask = differing_mask(actual, reference)
    return mask, Comparison(
        different=mask.histogram()[-1], total=mask.width * mask.height, size_matches=actual.size == reference.size
    )


def diff_image(actual, mask):
    """The actual screenshot, faded, with the differing pixels in red."""
    base = Image.new("RGB", mask.size, (255, 255, 255))
    base.paste(actual.convert("RGB"), (0, 0))
    faded = Image.blend(base, Image.new("RGB", mask.size, (255, 255, 255)), 0.7)
    faded.paste((220, 0, 0), mask=mask)
    return faded


def reduced(image):
    """The screenshot in 256 colours: a third of the bytes to commit, and the same for the same page.

    Both the reference and every new screenshot go through it, so they are compared alike.
    """
    return image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def save_png(image, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="PNG", optimize=True)


def shot_name(page_type, language, width_name):
    return f"{page_type}-{language}-{WIDTHS[width_name]['width']}"


@pytest.mark.parametrize("width_name", list(WIDTHS))
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_page_looks_as_its_reference(contexts, shot_paths, report_run, page_type, language, width_name):
    name = shot_name(page_type, language, width_name)
    status, actual = take_screenshot(contexts[width_name], shot_paths[language][page_type])
    assert status == (404 if page_type == "not-found" else 200), f"{shot_paths[language][page_type]} answered {status}"
    artifact = ARTIFACTS_DIR / f"{name}.png"
    save_png(actual, artifact)
    reference_path = REFERENCES_DIR / f"{name}.png"

    if UPDATE:
        save_png(actual, reference_path)
        return
    assert reference_path.exists(), (
        f"No reference for {name}: run `make screenshots-update`, look at tests/screenshots/{name}.png and commit it."
    )
    with Image.open(reference_path) as stored:
        reference = stored.convert("RGB")
    mask, comparison = compare(actual, reference)
    if not comparison.passes:
        diff_path = ARTIFACTS_DIR / f"{name}-diff.png"
        save_png(diff_image(actual, mask), diff_path)
        sizes = "" if comparison.size_matches else f"; size {actual.size} instead of {reference.size}"
        pytest.fail(
            f"{name} ({shot_paths[language][page_type]}) differs from its reference: "
            f"{comparison.fraction:.3%} of pixels (at most {MAX_DIFFERENT_FRACTION:.3%}){sizes}. "
            f"Screenshot: {artifact.relative_to(REPO_ROOT)}, differences in red: {diff_path.relative_to(REPO_ROOT)}. "
            "If the change is intended: make screenshots-update, and commit the new reference.",
            pytrace=False,
        )


# ---- The comparison itself, without a browser ---------------------------------------------------


def solid(size, colour):
    return Image.new("RGB", size, colour)


def test_the_same_image_passes():
    image = solid((100, 100), (255, 255, 255))
    image.paste((0, 0, 0), (10, 10, 60, 20))
    assert compare(image, image.copy())[1].passes


def test_a_change_of_colour_fails():
    reference = solid((400, 300), (255, 255, 255))
    reference.paste((11, 58, 102), (0, 0, 400, 40))  # a header bar
    actual = reference.copy()
    actual.paste((120, 20, 60), (0, 0, 400, 40))
    mask, comparison = compare(actual, reference)
    assert not comparison.passes
    assert comparison.different == 400 * 40
    assert diff_image(actual, mask).getpixel((5, 5)) == (220, 0, 0)


def test_anti_aliasing_noise_passes():
    reference = solid((200, 200), (255, 255, 255))
    actual = reference.copy()
    actual.paste((255 - PIXEL_THRESHOLD, 255, 255), (0, 0, 200, 200))
    assert compare(actual, reference)[1].passes


def test_another_height_fails():
    _mask, comparison = compare(solid((100, 120), (255, 255, 255)), solid((100, 100), (255, 255, 255)))
    assert not comparison.size_matches and not comparison.passes
    assert comparison.different == 100 * 20


def test_reference_names_are_plain_file_names():
    names = {
        shot_name(page_type, language, width) for page_type in PAGE_TYPES for language in LANGUAGES for width in WIDTHS
    }
    assert len(names) == len(PAGE_TYPES) * len(LANGUAGES) * len(WIDTHS)
    assert all(re.fullmatch(r"[a-z-]+-(en|fr)-(375|1280)", name) for name in names)
