"""PDF documents drawn from the site's pages: the seed's programme documents and the training outlines.

`render_outline` turns one outline (a plain dict, see its docstring) into PDF bytes, and
`page_outline` builds that dict from a page, in the page's language, with the facts the page
itself shows (`BasePage.document_facts()`): one formatting rule for the page and its PDF. The bytes
depend on the outline only, so regenerating a document that has not changed gives the same file
and the seed loader can tell that nothing needs replacing.

Every document opens with the site's wordmark, set as text ("Pompidou Group — Council of Europe"
in the document's language), never the Council of Europe's logo, and is set in an embedded Unicode
font (Source Sans Pro, SIL Open Font License, from the `font-source-sans-pro` package) that covers
French, Romanian and Polish names and French typography (narrow no-break spaces, « »).
"""

import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import font_source_sans_pro
from fpdf import FPDF, TextStyle, ViewerPreferences, XPos, YPos

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

FONT_DIRECTORY = Path(font_source_sans_pro.font_directory)
FONT_FAMILY = "SourceSans"
FONT_FILES = {
    "": FONT_DIRECTORY / "SourceSansPro-Regular.ttf",
    "B": FONT_DIRECTORY / "SourceSansPro-Bold.ttf",
    "I": FONT_DIRECTORY / "SourceSansPro-It.ttf",
}
# Characters the font has no glyph for, with their nearest equivalent.
SUBSTITUTES = str.maketrans(
    {
        "\u2011": "-",  # non-breaking hyphen
    }
)

# Fixed rather than "now", so that regenerating an unchanged document gives the same bytes.
CREATION_DATE = datetime(2026, 1, 1, tzinfo=UTC)

# Who publishes the documents (metadata and footer), and the wordmark at the top of each one.
AUTHOR = _("Pompidou Group, Council of Europe")
WORDMARK_NAME = _("Pompidou Group")
WORDMARK_ORGANISATION = _("Council of Europe")

BODY_SIZE = 11
LINE_HEIGHT = 6
MARGIN_MM = 25
TEXT_COLOUR = (33, 33, 33)
MUTED_COLOUR = (85, 85, 85)
ACCENT_COLOUR = (11, 58, 102)


def printable(text):
    """`text` with every character the font can draw."""
    return (text or "").translate(SUBSTITUTES)


class _RichTextReader(HTMLParser):
    """Reads Wagtail rich text into paragraphs, headings and lists of plain text."""

    BLOCK_TAGS = {"p", "h2", "h3", "h4", "li"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self._text = []
        self._tag = None
        self._list_items = None

    def handle_starttag(self, tag, attrs):
        if tag in {"ul", "ol"}:
            self._list_items = []
        elif tag in self.BLOCK_TAGS:
            self._tag, self._text = tag, []

    def handle_endtag(self, tag):
        if tag in {"ul", "ol"} and self._list_items is not None:
            self.blocks.append({"type": "list", "items": self._list_items})
            self._list_items = None
        elif tag == self._tag:
            # Collapse the source's line breaks and indents, but keep no-break spaces.
            text = re.sub(r"[ \t\r\n]+", " ", "".join(self._text)).strip()
            if text:
                if tag == "li" and self._list_items is not None:
                    self._list_items.append(text)
                elif tag.startswith("h"):
                    self.blocks.append({"type": "heading", "level": int(tag[1]), "text": text})
                else:
                    self.blocks.append({"type": "paragraph", "text": text})
            self._tag, self._text = None, []

    def handle_data(self, data):
        self._text.append(data)


def blocks_from_rich_text(html):
    reader = _RichTextReader()
    reader.feed(html or "")
    reader.close()
    return reader.blocks


def blocks_from_stream(stream):
    """The text of a StreamField (its JSON form) as outline blocks: headings, paragraphs and lists.

    Images, documents and links are left out: a printed outline has no use for them.
    """
    blocks = []
    for block in stream or []:
        if block["type"] == "heading":
            blocks.append({"type": "heading", "level": int(block["value"]["level"][1]), "text": block["value"]["text"]})
        elif block["type"] == "paragraph":
            blocks.extend(blocks_from_rich_text(block["value"]))
        elif block["type"] == "quote":
            blocks.append({"type": "paragraph", "text": block["value"]["quote"]})
    return blocks


class _OutlinePDF(FPDF):
    def __init__(self, footer_text):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_text = footer_text
        for style, path in FONT_FILES.items():
            self.add_font(FONT_FAMILY, style=style, fname=str(path))

    def footer(self):
        self.set_y(-MARGIN_MM + 8)
        self.set_font(FONT_FAMILY, size=8)
        self.set_text_color(*MUTED_COLOUR)
        self.cell(0, 5, printable(self.footer_text), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"{self.page_no()} / {{nb}}", align="R")


def render_outline(outline):
    """Render an outline as PDF bytes.

    The outline is a dict:
    - `title`: the document's title, shown as its only level 1 heading and set as its metadata title;
    - `language`: its language code ("en", "fr"), set as the document language;
    - `author`: who publishes it, for the metadata and the footer;
    - `wordmark` (optional): (name, organisation), set as text above the title;
    - `subtitle` (optional): a line under the title, such as the programme's name;
    - `facts` (optional): (label, value) pairs shown as a short list under the title;
    - `blocks`: dicts with `type` "heading" (`level` 2 to 4, `text`), "paragraph" (`text`) or
      "list" (`items`).
    """
    pdf = _OutlinePDF(footer_text=outline["author"])
    pdf.set_creation_date(CREATION_DATE)
    pdf.set_title(outline["title"])
    pdf.set_lang(outline["language"])
    pdf.set_author(outline["author"])
    pdf.set_creator(outline["author"])
    if outline.get("subtitle"):
        pdf.set_subject(outline["subtitle"])
    pdf.set_display_mode(zoom="fullwidth", layout="continuous")
    # Readers and screen readers announce the title rather than the file name.
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)

    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(auto=True, margin=MARGIN_MM)
    pdf.set_text_color(*TEXT_COLOUR)
    pdf.set_section_title_styles(
        TextStyle(font_family=FONT_FAMILY, font_style="B", font_size_pt=20, color=TEXT_COLOUR, b_margin=3),
        TextStyle(font_family=FONT_FAMILY, font_style="B", font_size_pt=15, color=TEXT_COLOUR, t_margin=6, b_margin=2),
        TextStyle(font_family=FONT_FAMILY, font_style="B", font_size_pt=13, color=TEXT_COLOUR, t_margin=4, b_margin=1),
        TextStyle(font_family=FONT_FAMILY, font_style="B", font_size_pt=11, color=TEXT_COLOUR, t_margin=3, b_margin=1),
    )
    pdf.set_font(FONT_FAMILY, size=BODY_SIZE)
    pdf.add_page()

    if outline.get("wordmark"):
        _write_wordmark(pdf, *outline["wordmark"])
    pdf.start_section(printable(outline["title"]), level=0)
    if outline.get("subtitle"):
        pdf.set_font(FONT_FAMILY, size=12)
        pdf.set_text_color(*MUTED_COLOUR)
        _write_paragraph(pdf, outline["subtitle"])
        pdf.set_text_color(*TEXT_COLOUR)

    facts = [(label, value) for label, value in outline.get("facts", []) if value]
    if facts:
        pdf.ln(2)
        pdf.set_font(FONT_FAMILY, style="B", size=BODY_SIZE)
        label_width = max(pdf.get_string_width(printable(label)) for label, _ in facts) + 12
        for label, value in facts:
            pdf.set_font(FONT_FAMILY, style="B", size=BODY_SIZE)
            pdf.cell(label_width, LINE_HEIGHT, printable(label))
            pdf.set_font(FONT_FAMILY, size=BODY_SIZE)
            pdf.multi_cell(0, LINE_HEIGHT, printable(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)

    # Headings nest under the title: a level 2 heading is the second level of the bookmarks.
    previous_level = 0
    for block in outline.get("blocks", []):
        if block["type"] == "heading":
            level = min(block["level"] - 1, previous_level + 1)
            pdf.start_section(printable(block["text"]), level=level)
            previous_level = level
        elif block["type"] == "paragraph":
            pdf.set_font(FONT_FAMILY, size=BODY_SIZE)
            _write_paragraph(pdf, block["text"])
        elif block["type"] == "list":
            pdf.set_font(FONT_FAMILY, size=BODY_SIZE)
            for item in block["items"]:
                pdf.cell(6, LINE_HEIGHT, "\u2022")
                pdf.multi_cell(0, LINE_HEIGHT, printable(item), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)

    return bytes(pdf.output())


def _write_wordmark(pdf, name, organisation):
    """ "Pompidou Group — Council of Europe" in type, over a rule: the site's wordmark, not a logo."""
    pdf.set_text_color(*ACCENT_COLOUR)
    pdf.set_font(FONT_FAMILY, style="B", size=13)
    pdf.write(LINE_HEIGHT, printable(name))
    pdf.set_font(FONT_FAMILY, size=13)
    pdf.set_text_color(*MUTED_COLOUR)
    pdf.write(LINE_HEIGHT, printable(f" \u2014 {organisation}"))
    pdf.ln(LINE_HEIGHT)
    pdf.set_draw_color(*ACCENT_COLOUR)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y() + 2, pdf.w - pdf.r_margin, pdf.get_y() + 2)
    pdf.set_text_color(*TEXT_COLOUR)
    pdf.ln(8)


def _write_paragraph(pdf, text):
    # Ragged right: justified text opens uneven gaps between words that slow many readers down.
    pdf.multi_cell(0, LINE_HEIGHT, printable(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def page_outline(page, *, title=None, subtitle="", blocks=(), facts=True):
    """The outline of `page` for `render_outline`, in the page's language.

    Its title (the page's `standalone_title` unless given), the facts the page shows under its title
    (`document_facts()`, formatted as the page formats them; left out with `facts=False`), the
    wordmark, and `blocks`, which the
    caller builds in the page's language too (they are evaluated here, inside the override, when
    `blocks` is a callable).
    """
    language = page.locale.language_code
    with translation.override(language):
        return {
            "title": title or page.standalone_title,
            "subtitle": subtitle,
            "language": language,
            "author": gettext(AUTHOR),
            "wordmark": (gettext(WORDMARK_NAME), gettext(WORDMARK_ORGANISATION)),
            "facts": page.document_facts() if facts else [],
            "blocks": list(blocks() if callable(blocks) else blocks),
        }
