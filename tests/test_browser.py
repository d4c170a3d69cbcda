"""What only a real browser shows, on every seeded page in both languages.

Chromium (Debian's, driven by Playwright) visits every live public page, the search and country
views and the not-found page, at 1280 and 320 CSS pixels: axe-core finds no WCAG 2.0/2.1/2.2 A or
AA failure and no best-practice one, the Nu Html Checker finds no error, nothing scrolls sideways,
the keyboard reaches everything with a visible focus, the site works without JavaScript, prints
cleanly, and images carry the right alternative text in modern formats.

Every page is loaded once per width and measured then (the "visits"); each test reads the
measurements it is about. When a test fails, it saves a full-page screenshot and the HTML of each
failing page into test-results/.

Selected with `pytest -m browser`, left out with `-m "not browser"`. Needs Chromium
(CHROMIUM_PATH, /usr/bin/chromium by default), Java 17 and the Nu Html Checker's vnu.jar (VNU_JAR,
by default under .cache/node: `npm install --prefix .cache/node vnu-jar@26.9.27`).
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image as PillowImage
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

from django.conf import settings
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse
from django.utils import translation

from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from pompidou_site.models import Country, FeedbackFormPage, StandardPage
from trainings.models import TrainingCalendarPage, TrainingOutlinePage

from .conftest import restore_database, snapshot_database

# The django_db mark is what makes pytest-django create the test database when only these tests
# run (`pytest -m browser`): it sets up only the databases that some selected test asks for.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_PATH = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VNU_JAR = Path(os.environ.get("VNU_JAR", REPO_ROOT / ".cache/node/node_modules/vnu-jar/build/dist/vnu.jar"))
# Cleared when the browser starts, so that what is there belongs to the last run.
ARTIFACTS_DIR = REPO_ROOT / "test-results" / "browser"
# Enough screenshots to see the pattern of a failure without spending minutes on them.
MAX_ARTIFACTS_PER_TEST = 10

DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 320, "height": 640}
LANGUAGES = [code for code, _name in settings.LANGUAGES]
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
SEARCH_TERMS = {"en": "training", "fr": "formation"}
NOT_FOUND_SLUG = "no-page-has-this-address"
DOCUMENTS_PREFIX = "/documents/"
# Link text that says nothing out of context (WCAG 2.4.4), in either language.
VAGUE_LINK_TEXTS = {
    "more",
    "read more",
    "here",
    "click here",
    "link",
    "suite",
    "lire la suite",
    "en savoir plus",
    "plus",
    "ici",
    "cliquez ici",
    "lien",
}
# "(PDF, 84.0 KB)" in English, "(PDF, 84,0 Ko)" in French: type, size, and the language's own units.
DOCUMENT_META = re.compile(r"\((?P<type>[A-Z0-9]+), (?P<number>\d+(?:[.,]\d+)?)\s(?P<unit>[A-Za-z]+)")
SIZE_UNITS = {
    "en": {"byte", "bytes", "KB", "MB", "GB"},
    "fr": {"octet", "octets", "Ko", "Mo", "Go"},
}
DECIMAL_SEPARATORS = {"en": ".", "fr": ","}


# ---- Database: the seed content, committed, behind a live server of its own -------------------


@pytest.fixture(scope="module", autouse=True)
def _orm_calls_beside_playwright():
    """Let Django's ORM run in this thread while Playwright does.

    Playwright's sync API keeps an asyncio loop running in the test thread, and Django refuses
    ORM calls (pytest-django's own per-test transaction among them) from a thread with a running
    loop, unless told the calls are really synchronous. They are: nothing else runs in this
    thread meanwhile. Set for this module only, and put back after it.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def seeded_server(django_db_setup, django_db_blocker):
    """The seed content, committed, served by pytest-django's live server for this module.

    pytest-django's `live_server` fixture would make every test transactional, and the flush after
    each one would throw away the seed: loading it per test costs ~3 s a time. Instead the seed is
    committed once, the same live server class runs for the module (with the database open to it
    all along, as a transactional test would keep it), and the module ends the way a transactional
    test does, every table flushed, then puts back the rows the migrations made (default locale,
    root page, site, root collection, groups) for the modules that follow.
    """
    with django_db_blocker.unblock():
        refuse_unless_test_database()
        snapshot = snapshot_database()
        server = None
        try:
            call_command("load_seed_content", verbosity=0)
            create_image_page()
            server = LiveServer("localhost")
            yield server
        finally:
            if server is not None:
                server.stop()
            restore_database(snapshot)


def refuse_unless_test_database():
    """This module commits and then flushes: never let it near a developer's database."""
    name = str(connection.settings_dict["NAME"])
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    if not (in_memory or Path(name).name.startswith("test_")):
        pytest.fail(f"Refusing to seed and flush {name!r}: it is not a test database.", pytrace=False)


IMAGE_PAGE_SLUG = "browser-test-images"
DESCRIBED_ALT_TEXT = "Participants of a training session in a meeting room"


def png_bytes(width, height, colour):
    buffer = BytesIO()
    PillowImage.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def create_image_page():
    """The seed has no images: a page with one decorative image and one with alternative text.

    Made before the pages are discovered, so it also goes through every per-page check.
    """
    image_model = get_image_model()
    decorative = image_model(title="Decorative pattern")
    decorative.file = ImageFile(BytesIO(png_bytes(600, 300, (11, 58, 102))), name="decorative-pattern.png")
    decorative.save()
    described = image_model(title="Training session")
    described.file = ImageFile(BytesIO(png_bytes(1300, 800, (242, 245, 249))), name="training-session.png")
    described.save()

    home = Site.objects.get(is_default_site=True).root_page
    page = StandardPage(
        title="Images in the body",
        slug=IMAGE_PAGE_SLUG,
        introduction="A page made by the browser tests.",
        body=[
            {
                "type": "image",
                "value": {"image": {"image": decorative.pk, "decorative": True, "alt_text": ""}, "caption": ""},
            },
            {
                "type": "image",
                "value": {
                    "image": {"image": described.pk, "decorative": False, "alt_text": DESCRIBED_ALT_TEXT},
                    "caption": "A caption under the image.",
                },
            },
        ],
    )
    home.add_child(instance=page)
    page.save_revision().publish()


# ---- The pages to visit --------------------------------------------------------------------------


@dataclass(frozen=True)
class SitePage:
    path: str
    language: str
    expected_status: int = 200

    @property
    def label(self):
        return re.sub(r"[^A-Za-z0-9]+", "-", self.path).strip("-") or "root"


def discover_pages():
    """Every live public page of both languages, plus the views that are not Wagtail pages."""
    found = []
    for language in LANGUAGES:
        locale = Locale.objects.get(language_code=language)
        for page in Page.objects.live().public().filter(locale=locale).order_by("path"):
            url_parts = page.get_url_parts()
            if url_parts is not None:  # The tree root and pages outside every site have no URL.
                found.append(SitePage(url_parts[2], language))
        country = (
            Country.objects.filter(
                locale__language_code=settings.LANGUAGE_CODE,
                programmes__live=True,
                programmes__locale=locale,
            )
            .order_by("iso_code")
            .first()
        )
        assert country is not None, f"no country has a live programme in {language}"
        with translation.override(language):
            found += [
                SitePage(f"{reverse('search')}?q={SEARCH_TERMS[language]}", language),
                # The document library: every public document, with its filters.
                SitePage(f"{reverse('search')}?type=document", language),
                SitePage(reverse("country_index"), language),
                SitePage(reverse("country_detail", kwargs={"iso_code": country.iso_code}), language),
                SitePage(f"/{language}/{NOT_FOUND_SLUG}/", language, expected_status=404),
            ]
        # The training calendar filtered (its unfiltered address is a page like the others above).
        calendar = TrainingCalendarPage.objects.live().public().filter(locale=locale).first()
        assert calendar is not None, f"no training calendar in {language}"
        found.append(SitePage(f"{calendar.get_url_parts()[2]}?year=2010", language))
    return found


@pytest.fixture(scope="module")
def site_pages(seeded_server, django_db_blocker):
    with django_db_blocker.unblock():
        pages = discover_pages()
    assert len({page.path for page in pages}) == len(pages)
    return pages


# ---- The browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(seeded_server):
    """One Chromium for the module, started after the live server and so closed before it."""
    if not CHROMIUM_PATH.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM_PATH}: `apt-get install chromium`, or set CHROMIUM_PATH.")
    shutil.rmtree(ARTIFACTS_DIR, ignore_errors=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # While Playwright's loop runs, Django keeps this thread's database connections apart from
        # the ones it had before (asgiref's locals follow the async context). Close them while they
        # can still be reached, or PostgreSQL cannot drop the test database at the end.
        connections.close_all()


@pytest.fixture(scope="module")
def desktop_context(browser, seeded_server):
    context = browser.new_context(viewport=DESKTOP, base_url=seeded_server.url)
    yield context
    context.close()


@pytest.fixture(scope="module")
def mobile_context(browser, seeded_server):
    context = browser.new_context(viewport=MOBILE, base_url=seeded_server.url)
    yield context
    context.close()


@pytest.fixture(scope="module")
def no_script_context(browser, seeded_server):
    context = browser.new_context(viewport=MOBILE, base_url=seeded_server.url, java_script_enabled=False)
    yield context
    context.close()


@pytest.fixture
def new_page():
    """Pages opened by one test, closed after it."""
    opened = []

    def open_page(context):
        page = context.new_page()
        opened.append(page)
        return page

    yield open_page
    for page in opened:
        page.close()


# ---- Failure artifacts ---------------------------------------------------------------------------


def artifact_stem(request, label):
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{request.node.name}--{label}").strip("-")
    return ARTIFACTS_DIR / name


def save_artifacts(page, stem):
    """A full-page screenshot and the current HTML, for whoever reads the failure."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=f"{stem}.png", full_page=True)
        Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")
    except Exception as error:  # The failure being reported matters more than its picture.
        Path(f"{stem}.txt").write_text(f"Could not save the page: {error}\n", encoding="utf-8")


@contextmanager
def artifacts_on_failure(request, page, label):
    """Save the page as it is when anything in the block fails, then let the failure through."""
    try:
        yield
    except BaseException:
        save_artifacts(page, artifact_stem(request, label))
        raise


def fail_with_artifacts(request, context, problems, prepare=None):
    """Fail with every problem listed, after saving the failing pages as the check saw them.

    `problems` maps a SitePage to its list of messages; `prepare(page)` puts a freshly loaded
    page back into the state the check measured (text zoomed, say).
    """
    if not problems:
        return
    for site_page in list(problems)[:MAX_ARTIFACTS_PER_TEST]:
        page = context.new_page()
        try:
            page.goto(site_page.path)
            if prepare:
                prepare(page)
            save_artifacts(page, artifact_stem(request, site_page.label))
        finally:
            page.close()
    lines = [f"{len(problems)} page(s) failed (screenshots and HTML in {ARTIFACTS_DIR}):"]
    for site_page, messages in problems.items():
        lines.append(f"{site_page.path}")
        lines += [f"    {message}" for message in messages]
    pytest.fail("\n".join(lines), pytrace=False)


# ---- Visiting every page once per width ----------------------------------------------------------

AXE = Axe()

MEASURE_PAGE = """() => {
    const root = document.documentElement;
    const overflowing = [];
    if (root.scrollWidth > root.clientWidth) {
        for (const element of document.body.querySelectorAll("*")) {
            const box = element.getBoundingClientRect();
            if (box.width && box.right > root.clientWidth + 1 && overflowing.length < 5) {
                const classes = (element.getAttribute("class") || "").split(" ").filter(Boolean);
                overflowing.push([element.tagName.toLowerCase(), ...classes].join("."));
            }
        }
    }
    return {
        scrollWidth: root.scrollWidth,
        clientWidth: root.clientWidth,
        overflowing: overflowing,
        lang: root.getAttribute("lang"),
        h1Count: document.querySelectorAll("h1").length,
    };
}"""

DESCRIBE_FOCUS = """() => {
    const element = document.activeElement;
    if (!element || element === document.body || element === document.documentElement) return null;
    const box = element.getBoundingClientRect();
    const onScreen = box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0
        && box.bottom <= window.innerHeight && box.right <= document.documentElement.clientWidth;
    return {tag: element.tagName.toLowerCase(), id: element.id, href: element.getAttribute("href"),
            text: (element.textContent || "").trim().slice(0, 60), onScreen: onScreen};
}"""

# Wait until smooth scrolling (the site's CSS asks for it) has stopped moving the page.
SCROLL_SETTLED = """() => new Promise((resolve) => {
    let last = null, still = 0, frames = 0;
    function check() {
        const now = window.scrollX + "," + window.scrollY;
        still = now === last ? still + 1 : 0;
        last = now;
        if (still >= 3 || ++frames > 120) resolve(); else requestAnimationFrame(check);
    }
    requestAnimationFrame(check);
})"""

TEXT_AT_200_PERCENT = "() => { document.documentElement.style.fontSize = '200%'; }"


@dataclass
class Link:
    name: str
    url: str


@dataclass
class Visit:
    site_page: SitePage
    status: int
    content_type: str
    source: str
    axe_violations: list
    measures: dict
    script_errors: list = field(default_factory=list)
    failed_requests: list = field(default_factory=list)
    links: list = field(default_factory=list)
    first_focus: dict | None = None
    focus_after_skip_link: dict | None = None
    text_zoom_measures: dict | None = None


def accessible_links(cdp):
    """Links with the names Chromium's accessibility tree gives them: what a screen reader reads."""
    links = []
    for node in cdp.send("Accessibility.getFullAXTree")["nodes"]:
        if node.get("ignored") or node.get("role", {}).get("value") != "link":
            continue
        url = next((prop["value"].get("value", "") for prop in node.get("properties", []) if prop["name"] == "url"), "")
        links.append(Link(name=" ".join(str(node.get("name", {}).get("value", "")).split()), url=url))
    return links


def visit_every_page(context, site_pages, *, desktop):
    page = context.new_page()
    cdp = context.new_cdp_session(page) if desktop else None
    script_errors, failed_requests = [], []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            failed_requests.append(f"{response.status} {response.url}")
            if response.status >= 400 and response.request.resource_type != "document"
            else None
        ),
    )
    page.on("requestfailed", lambda request: failed_requests.append(f"{request.failure} {request.url}"))
    visits = []
    try:
        for site_page in site_pages:
            script_errors.clear()
            failed_requests.clear()
            response = page.goto(site_page.path)
            visit = Visit(
                site_page=site_page,
                status=response.status,
                content_type=response.headers.get("content-type", ""),
                source=response.text(),
                axe_violations=AXE.run(page, options=AXE_OPTIONS).response["violations"],
                measures=page.evaluate(MEASURE_PAGE),
            )
            if desktop:
                visit.links = accessible_links(cdp)
                page.keyboard.press("Tab")
                visit.first_focus = page.evaluate(DESCRIBE_FOCUS)
                if visit.first_focus and visit.first_focus["href"] == "#main-content":
                    page.keyboard.press("Enter")
                    page.evaluate(SCROLL_SETTLED)
                    visit.focus_after_skip_link = page.evaluate(DESCRIBE_FOCUS)
                page.evaluate(TEXT_AT_200_PERCENT)
                visit.text_zoom_measures = page.evaluate(MEASURE_PAGE)
            visit.script_errors = list(script_errors)
            visit.failed_requests = list(failed_requests)
            visits.append(visit)
    finally:
        page.close()
    return visits


@pytest.fixture(scope="module")
def desktop_visits(desktop_context, site_pages):
    return visit_every_page(desktop_context, site_pages, desktop=True)


@pytest.fixture(scope="module")
def mobile_visits(mobile_context, site_pages):
    return visit_every_page(mobile_context, site_pages, desktop=False)


def describe_violations(violations):
    messages = []
    for violation in violations:
        targets = ", ".join(
            " ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
            for node in violation["nodes"][:3]
        )
        messages.append(f"axe {violation['id']} ({violation['impact']}): {violation['help']} -- {targets}")
    return messages


# ---- Every page: status, scripts, accessibility, validity ---------------------------------------


def test_every_page_answers_with_html_and_no_broken_resource(request, desktop_context, desktop_visits):
    problems = {}
    for visit in desktop_visits:
        messages = []
        if visit.status != visit.site_page.expected_status:
            messages.append(f"status {visit.status}, expected {visit.site_page.expected_status}")
        if not visit.content_type.startswith("text/html"):
            messages.append(f"content type {visit.content_type!r}")
        messages += [f"script error: {error}" for error in visit.script_errors]
        messages += [f"failed request: {failure}" for failure in visit.failed_requests]
        if messages:
            problems[visit.site_page] = messages
    fail_with_artifacts(request, desktop_context, problems)


def test_no_axe_violations_at_1280_pixels(request, desktop_context, desktop_visits):
    problems = {
        visit.site_page: describe_violations(visit.axe_violations) for visit in desktop_visits if visit.axe_violations
    }
    fail_with_artifacts(request, desktop_context, problems)


def test_no_axe_violations_at_320_pixels(request, mobile_context, mobile_visits):
    problems = {
        visit.site_page: describe_violations(visit.axe_violations) for visit in mobile_visits if visit.axe_violations
    }
    fail_with_artifacts(request, mobile_context, problems)


def nu_html_checker_errors(sources):
    """Errors of the Nu Html Checker for {label: html}, in one run: the JVM takes seconds to start."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is not installed: the Nu Html Checker needs it (apt-get install openjdk-17-jre-headless).")
    if not VNU_JAR.is_file():
        pytest.fail(
            f"The Nu Html Checker is missing: no {VNU_JAR}. Install it with "
            "`npm install --prefix .cache/node vnu-jar@26.9.27` (or `make browser-tools`), or point VNU_JAR at vnu.jar."
        )
    with tempfile.TemporaryDirectory(prefix="vnu-") as folder:
        files = {}
        for index, (label, html) in enumerate(sources.items()):
            path = Path(folder) / f"{index:03d}.html"
            path.write_text(html, encoding="utf-8")
            files[path.name] = label
        completed = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [
                java,
                "-jar",
                str(VNU_JAR),
                "--errors-only",
                "--exit-zero-always",
                "--format",
                "json",
                *sorted(str(Path(folder) / name) for name in files),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    try:
        report = json.loads(completed.stderr or completed.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"The Nu Html Checker did not report (exit {completed.returncode}):\n{completed.stderr[-2000:]}")
    errors = {}
    for message in report["messages"]:
        label = files.get(Path(urlparse(message.get("url", "")).path).name, "(unknown file)")
        where = f"line {message.get('lastLine', '?')}"
        errors.setdefault(label, []).append(
            f"{message['type']}: {message['message']} ({where}: {message.get('extract', '').strip()!r})"
        )
    return errors


def test_html_is_valid(request, desktop_context, desktop_visits):
    by_path = {visit.site_page.path: visit.site_page for visit in desktop_visits}
    errors = nu_html_checker_errors({visit.site_page.path: visit.source for visit in desktop_visits})
    problems = {by_path.get(path, SitePage(path, "")): messages for path, messages in errors.items()}
    fail_with_artifacts(request, desktop_context, problems)


def horizontal_overflow(measures):
    if measures["scrollWidth"] <= measures["clientWidth"]:
        return []
    return [
        f"scrolls sideways: content {measures['scrollWidth']} px wide in {measures['clientWidth']} px; "
        f"too wide: {', '.join(measures['overflowing']) or '?'}"
    ]


def test_no_horizontal_scrolling_at_320_pixels(request, mobile_context, mobile_visits):
    """WCAG 1.4.10 Reflow: 320 CSS pixels is a 1280 px window at 400% zoom."""
    problems = {
        visit.site_page: horizontal_overflow(visit.measures)
        for visit in mobile_visits
        if horizontal_overflow(visit.measures)
    }
    fail_with_artifacts(request, mobile_context, problems)


def test_no_horizontal_scrolling_at_1280_pixels_with_text_at_200_percent(request, desktop_context, desktop_visits):
    """WCAG 1.4.4 Resize text, as text-only zoom: the root font size at 200% in a 1280 px window.

    Text-only zoom rather than a 640 px viewport at device scale 2: full-page zoom to 200% lays
    the page out exactly as a 640 px window does, which sits between the two widths already
    checked, whereas doubling only the text keeps the wide layout (em media queries follow the
    browser's default size, not the root's) and so finds fixed widths and rows that cannot wrap.
    """
    problems = {
        visit.site_page: horizontal_overflow(visit.text_zoom_measures)
        for visit in desktop_visits
        if horizontal_overflow(visit.text_zoom_measures)
    }
    fail_with_artifacts(request, desktop_context, problems, prepare=lambda page: page.evaluate(TEXT_AT_200_PERCENT))


def test_html_lang_is_the_language_of_the_address(request, desktop_context, desktop_visits):
    problems = {
        visit.site_page: [f'<html lang="{visit.measures["lang"]}">, expected "{visit.site_page.language}"']
        for visit in desktop_visits
        if visit.measures["lang"] != visit.site_page.language
    }
    fail_with_artifacts(request, desktop_context, problems)


def test_every_page_has_exactly_one_h1(request, desktop_context, desktop_visits):
    problems = {
        visit.site_page: [f"{visit.measures['h1Count']} <h1> elements"]
        for visit in desktop_visits
        if visit.measures["h1Count"] != 1
    }
    fail_with_artifacts(request, desktop_context, problems)


def test_skip_link_comes_first_and_moves_focus_to_the_main_content(request, desktop_context, desktop_visits):
    problems = {}
    for visit in desktop_visits:
        if not visit.first_focus or visit.first_focus["href"] != "#main-content":
            problems[visit.site_page] = [f"the first Tab focuses {visit.first_focus}, not the skip link"]
        elif not visit.first_focus["onScreen"]:
            problems[visit.site_page] = ["the focused skip link stays off screen"]
        elif not visit.focus_after_skip_link or visit.focus_after_skip_link["id"] != "main-content":
            problems[visit.site_page] = [f"the skip link leaves focus on {visit.focus_after_skip_link}"]
    fail_with_artifacts(request, desktop_context, problems)


# ---- Links ---------------------------------------------------------------------------------------


def test_no_link_is_named_only_more_or_here(request, desktop_context, desktop_visits):
    problems = {}
    for visit in desktop_visits:
        vague = [
            f"link to {link.url} is named only {link.name!r}"
            for link in visit.links
            if link.name.strip(" .…:›»→").casefold() in VAGUE_LINK_TEXTS or not link.name.strip()
        ]
        if vague:
            problems[visit.site_page] = vague
    fail_with_artifacts(request, desktop_context, problems)


def document_link_problem(link, language):
    extension = Path(urlparse(link.url).path).suffix.lstrip(".").upper()
    meta = DOCUMENT_META.search(link.name)
    if meta is None:
        return f"download {link.url} is named {link.name!r}: no file type and size"
    if meta["type"] != extension:
        return f"download {link.url} is named {link.name!r}: the type is not {extension}"
    if meta["unit"] not in SIZE_UNITS[language]:
        return f"download {link.url} is named {link.name!r}: size unit {meta['unit']!r} is not {language}"
    separators = set(meta["number"]) & {".", ","}
    if separators and separators != {DECIMAL_SEPARATORS[language]}:
        return f"download {link.url} is named {link.name!r}: the decimal separator is not {language}"
    return None


def test_download_links_name_their_file_type_and_size(request, desktop_context, desktop_visits):
    problems = {}
    downloads_seen = 0
    for visit in desktop_visits:
        messages = []
        for link in visit.links:
            if urlparse(link.url).path.startswith(DOCUMENTS_PREFIX):
                downloads_seen += 1
                problem = document_link_problem(link, visit.site_page.language)
                if problem:
                    messages.append(problem)
        if messages:
            problems[visit.site_page] = messages
    assert downloads_seen, "no download link on any page: the seed has documents, so the pages lost them"
    fail_with_artifacts(request, desktop_context, problems)


# ---- Keyboard ------------------------------------------------------------------------------------

# Every element the Tab key should reach, in order: marked so that the walk can name them.
MARK_TABBABLE = """() => {
    const selector = "a[href], area[href], button, input, select, textarea, summary, iframe, "
        + "[tabindex], [contenteditable='true']";
    const tabbable = [...document.querySelectorAll(selector)].filter((element) =>
        !element.disabled && element.tabIndex >= 0 && element.getAttribute("tabindex") !== "-1"
        && element.checkVisibility({visibilityProperty: true}) && !element.closest("[inert]"));
    tabbable.forEach((element, index) => { element.dataset.tabOrder = String(index); });
    return tabbable.length;
}"""

FOCUS_STATE = """() => {
    const element = document.activeElement;
    if (!element || element === document.body || element === document.documentElement) return null;
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    return {
        order: element.dataset.tabOrder === undefined ? null : Number(element.dataset.tabOrder),
        description: element.tagName.toLowerCase() + " "
            + JSON.stringify((element.textContent || element.value || "").trim().slice(0, 40)),
        box: {top: box.top, bottom: box.bottom, left: box.left, right: box.right, width: box.width, height: box.height},
        viewport: {width: document.documentElement.clientWidth, height: window.innerHeight},
        outline: [style.outlineStyle, style.outlineWidth, style.outlineColor].join(" "),
        boxShadow: style.boxShadow,
        inFooter: !!element.closest("footer"),
    };
}"""

UNFOCUSED_STYLES = """(count) => {
    document.activeElement && document.activeElement.blur();
    const styles = [];
    for (let index = 0; index < count; index++) {
        const element = document.querySelector(`[data-tab-order="${index}"]`);
        const style = getComputedStyle(element);
        styles.push({outline: [style.outlineStyle, style.outlineWidth, style.outlineColor].join(" "),
                     boxShadow: style.boxShadow});
    }
    return styles;
}"""


def shows_an_outline(outline):
    style, width, *colour = outline.split(" ", 2)
    transparent = not colour or colour[0] in ("transparent", "rgba(0, 0, 0, 0)")
    return style != "none" and width not in ("0px", "") and not transparent


def focus_indicator_problem(focused, unfocused):
    outline_changed = focused["outline"] != unfocused["outline"] and shows_an_outline(focused["outline"])
    shadow_changed = focused["boxShadow"] != unfocused["boxShadow"] and focused["boxShadow"] != "none"
    if not (outline_changed or shadow_changed):
        return f"{focused['description']} shows no focus indicator (outline {focused['outline']!r})"
    return None


def visibility_problem(state):
    box, viewport = state["box"], state["viewport"]
    if box["width"] <= 0 or box["height"] <= 0:
        return f"{state['description']} is focused but has no size"
    inside = (
        box["top"] >= -1
        and box["left"] >= -1
        and box["bottom"] <= viewport["height"] + 1
        and box["right"] <= viewport["width"] + 1
    )
    if not inside:
        return f"{state['description']} is focused outside the viewport at {box}"
    return None


# The home page, and "Where we work", whose map adds links inside an SVG.
TAB_WALKS = {"home": None, "where-we-work": "country_index"}


@pytest.mark.parametrize("walk", TAB_WALKS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_tab_reaches_everything_in_order_with_a_visible_focus(request, desktop_context, new_page, language, walk):
    page = new_page(desktop_context)
    with translation.override(language):
        page.goto(reverse(TAB_WALKS[walk]) if TAB_WALKS[walk] else f"/{language}/")
    with artifacts_on_failure(request, page, f"{language}-{walk}"):
        tabbable_count = page.evaluate(MARK_TABBABLE)
        assert tabbable_count > 5
        states = []
        # Twice the elements is plenty: more Tabs than that without leaving the page is a trap.
        for _ in range(2 * tabbable_count + 2):
            page.keyboard.press("Tab")
            page.evaluate(SCROLL_SETTLED)
            state = page.evaluate(FOCUS_STATE)
            if state is None or (states and state["order"] == states[0]["order"]):
                break  # Focus left the page, or came round to the start again.
            states.append(state)
        else:
            pytest.fail(f"Tab never leaves the page: a keyboard trap after {states[-1]['description']}")

        orders = [state["order"] for state in states]
        assert orders == list(range(tabbable_count)), (
            f"Tab order {orders} is not every tabbable element in document order (0..{tabbable_count - 1})"
        )
        assert states[-1]["inFooter"], f"the last Tab stop, {states[-1]['description']}, is not in the footer"

        problems = [problem for state in states if (problem := visibility_problem(state))]
        unfocused = page.evaluate(UNFOCUSED_STYLES, tabbable_count)
        problems += [
            problem for state in states if (problem := focus_indicator_problem(state, unfocused[state["order"]]))
        ]
        assert not problems, "\n".join(problems)


FOCUSED_MAP_LINK = """() => {
    const link = document.activeElement;
    if (!link || !link.closest("svg.world-map")) return null;
    return {href: link.getAttribute("href"), name: link.querySelector("title").textContent,
            fill: getComputedStyle(link.querySelector("path")).fill};
}"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_where_we_work_map_links_take_a_visible_focus_and_the_skip_link_passes_them(
    request, desktop_context, new_page, language
):
    page = new_page(desktop_context)
    with translation.override(language):
        page.goto(reverse("country_index"))
    with artifacts_on_failure(request, page, f"{language}-where-we-work-map"):
        skip = page.locator("a.skip-map")
        skip.focus()
        box = skip.bounding_box()
        assert box and box["width"] > 10 and box["height"] > 10, "the skip link stays hidden when focused"
        # From the skip link, Tab enters the map: a country, named, filled with the focus colour.
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_MAP_LINK)
        assert focused is not None, "Tab after the skip link does not reach the map"
        assert focused["name"]
        assert focused["fill"] == "rgb(255, 221, 0)"
        # Enter follows the map's link to the country's page.
        page.keyboard.press("Enter")
        page.wait_for_url(f"**{focused['href']}")
        assert page.locator("h1").inner_text() == focused["name"]
        page.go_back()
        # The skip link moves focus past the map, and Tab then reaches the list's first country.
        page.locator("a.skip-map").focus()
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "where-we-work-list"
        page.keyboard.press("Tab")
        first = page.locator("#where-we-work-list .country-list a").first
        assert page.evaluate("document.activeElement.getAttribute('href')") == first.get_attribute("href")


NAV_TOGGLE = "[data-main-nav] button[aria-controls]"
NAV_LINKS = "[data-main-nav] li a"


@pytest.mark.parametrize("language", LANGUAGES)
def test_mobile_menu_opens_with_enter_and_closes_with_escape(request, mobile_context, new_page, language):
    page = new_page(mobile_context)
    page.goto(f"/{language}/")
    toggle = page.locator(NAV_TOGGLE)
    links = page.locator(NAV_LINKS)
    with artifacts_on_failure(request, page, f"{language}-home"):
        for _ in range(30):
            page.keyboard.press("Tab")
            if toggle.evaluate("button => button === document.activeElement"):
                break
        else:
            pytest.fail("Tab never reaches the menu button")
        assert toggle.get_attribute("aria-expanded") == "false", "the menu starts open at 320 px"
        assert links.count() > 0
        assert not any(links.nth(index).is_visible() for index in range(links.count())), "closed menu shows links"

        page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true", "Enter on the menu button does not open the menu"
        for index in range(links.count()):
            assert links.nth(index).is_visible(), f"open menu hides {links.nth(index).inner_text()!r}"

        # Into the menu, then Escape: closed, and focus back on the button, not lost on a hidden link.
        page.keyboard.press("Tab")
        assert links.first.evaluate("link => link === document.activeElement"), "Tab does not enter the open menu"
        page.keyboard.press("Escape")
        assert toggle.get_attribute("aria-expanded") == "false", "Escape does not close the menu"
        assert not links.first.is_visible(), "the closed menu still shows its links"
        assert toggle.evaluate("button => button === document.activeElement"), "Escape does not return focus"


# ---- Forms ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_form_sent_with_errors_focuses_its_summary_and_stays_accessible(
    request, mobile_context, new_page, seeded_server, django_db_blocker, language
):
    with django_db_blocker.unblock():
        form_url = FeedbackFormPage.objects.get(locale__language_code=language).url
    page = new_page(mobile_context)
    page.goto(form_url)
    with artifacts_on_failure(request, page, f"{language}-report-form"):
        page.locator("input[type=url]").fill("not an address")
        page.locator("button[type=submit]").click()
        page.wait_for_load_state()
        summary = page.locator(".error-summary")
        assert summary.is_visible(), "no error summary after sending an empty required field"
        assert summary.evaluate("element => element === document.activeElement"), "focus is not on the summary"
        assert page.locator("input[type=url]").input_value() == "not an address", "what was typed was lost"
        invalid = page.locator("[aria-invalid=true]")
        assert invalid.count() == 2
        for index in range(invalid.count()):
            described_by = invalid.nth(index).get_attribute("aria-describedby").split()
            for element_id in described_by:
                assert page.locator(f"#{element_id}").count() == 1, (
                    f"aria-describedby points at a missing #{element_id}"
                )
        violations = AXE.run(page, options=AXE_OPTIONS).response["violations"]
        assert not violations, describe_violations(violations)
        assert not horizontal_overflow(page.evaluate(MEASURE_PAGE)), "the form with errors scrolls sideways"


# ---- Without JavaScript --------------------------------------------------------------------------


def test_pages_and_menu_work_without_javascript(request, no_script_context, site_pages, new_page):
    page = new_page(no_script_context)
    problems = {}
    for site_page in site_pages:
        page.goto(site_page.path)
        messages = []
        if page.locator(NAV_TOGGLE).is_visible():
            messages.append("the menu button shows, though nothing can make it work")
        nav_links = page.locator(NAV_LINKS)
        if nav_links.count() == 0:
            messages.append("no menu links")
        for index in range(nav_links.count()):
            link = nav_links.nth(index)
            box = link.bounding_box()
            if not link.is_visible() or box is None or box["x"] < 0 or box["x"] + box["width"] > MOBILE["width"]:
                messages.append(f"menu link {link.inner_text()!r} is not fully visible at 320 px: {box}")
        heading = page.locator("main h1")
        if heading.count() != 1 or not heading.is_visible():
            messages.append("the page shows no heading without JavaScript")
        if len(page.locator("main").inner_text().strip()) < 40:
            messages.append("the main content is (nearly) empty without JavaScript")
        if messages:
            problems[site_page] = messages
    fail_with_artifacts(request, no_script_context, problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_menu_links_are_usable_without_javascript(request, no_script_context, new_page, language):
    page = new_page(no_script_context)
    page.goto(f"/{language}/")
    with artifacts_on_failure(request, page, f"{language}-home"):
        links = page.locator(NAV_LINKS)
        target = links.last.get_attribute("href")
        links.last.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"**{target}")
        assert page.locator("main h1").is_visible()


# ---- Print ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def training_outline_paths(site_pages, django_db_blocker):
    """One training outline page with outline documents per language."""
    paths = {}
    with django_db_blocker.unblock():
        for page in TrainingOutlinePage.objects.live().public().select_related("locale").order_by("path"):
            if page.outline_documents and page.locale.language_code not in paths:
                paths[page.locale.language_code] = page.get_url_parts()[2]
    assert set(paths) == set(LANGUAGES), f"training outlines with documents only in {sorted(paths)}"
    return paths


@pytest.mark.parametrize("language", LANGUAGES)
def test_training_outline_prints_without_navigation(
    request, desktop_context, new_page, training_outline_paths, language
):
    page = new_page(desktop_context)
    page.goto(training_outline_paths[language])
    page.emulate_media(media="print")
    with artifacts_on_failure(request, page, f"{language}-print"):
        hidden_when_printed = {
            "header navigation": "header [data-main-nav]",
            "language switcher": "header nav:not([data-main-nav])",
            "footer": "footer",
        }
        for what, selector in hidden_when_printed.items():
            elements = page.locator(selector)
            assert elements.count() > 0, f"no {what} ({selector}) to hide"
            for index in range(elements.count()):
                display = elements.nth(index).evaluate("element => getComputedStyle(element).display")
                assert display == "none", f"the {what} prints (display: {display})"

        downloads = page.locator(f"main a[href^='{DOCUMENTS_PREFIX}']")
        assert downloads.count() > 0
        for index in range(downloads.count()):
            link = downloads.nth(index)
            assert link.is_visible(), f"the outline document {link.inner_text()!r} does not print"
            printed_address = link.evaluate("link => getComputedStyle(link, '::after').content")
            assert "http" in printed_address, f"the printed {link.inner_text()!r} does not show its address"


# ---- Images --------------------------------------------------------------------------------------


def test_images_have_alt_text_or_are_decorative_with_size_and_modern_formats(
    request, desktop_context, new_page, site_pages
):
    image_page = next(site_page for site_page in site_pages if IMAGE_PAGE_SLUG in site_page.path)
    page = new_page(desktop_context)
    page.goto(image_page.path)
    with artifacts_on_failure(request, page, "images"):
        pictures = page.locator("main picture")
        assert pictures.count() == 2
        alts = []
        for index in range(2):
            picture = pictures.nth(index)
            image = picture.locator("img")
            alts.append(image.get_attribute("alt"))
            for dimension in ("width", "height"):
                value = image.get_attribute(dimension)
                assert value and value.isdigit() and int(value) > 0, f"image {index} has no {dimension}"
            source_types = [
                picture.locator("source").nth(source).get_attribute("type")
                for source in range(picture.locator("source").count())
            ]
            assert {"image/avif", "image/webp"} & set(source_types), f"image {index} offers only {source_types}"
        assert alts == ["", DESCRIBED_ALT_TEXT]


def test_on_a_phone_the_breadcrumbs_show_home_the_parent_and_the_page_on_one_readable_line(mobile_context):
    """Four crumbs at 320 px: the programmes index gives way to an ellipsis, and no crumb left is
    cut to a letter or two."""
    page = mobile_context.new_page()
    page.goto(
        "/fr/programmes/formation-prevention-parents-educateurs-ong/seminaires-competences-psychosociales-zaporojie/"
    )
    crumbs = page.locator("nav.breadcrumbs li")
    assert crumbs.count() == 4
    shown = [crumbs.nth(number) for number in range(4) if crumbs.nth(number).is_visible()]
    assert [crumb.locator("a").get_attribute("href") for crumb in shown] == [
        crumbs.nth(number).locator("a").get_attribute("href") for number in (0, 2, 3)
    ]
    for crumb in shown:
        link = crumb.locator("a")
        cut = link.evaluate("link => link.scrollWidth > link.clientWidth")
        # Whole, or cut to an ellipsis after some six letters at least.
        assert not cut or link.bounding_box()["width"] >= 64, (crumb.inner_text(), link.bounding_box())
    trail = page.locator("nav.breadcrumbs ol").bounding_box()
    assert trail["height"] <= shown[0].bounding_box()["height"] + 1, "the trail wraps"
    page.close()
