"""StreamField blocks shared by every section. Each block renders with its own template."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

HEADING_LEVELS = [("h2", _("Level 2 heading")), ("h3", _("Level 3 heading")), ("h4", _("Level 4 heading"))]
RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200, label=_("Text"))
    level = blocks.ChoiceBlock(choices=HEADING_LEVELS, default="h2", label=_("Level"))

    class Meta:
        icon = "title"
        template = "components/streamfield/heading_block.html"
        label = _("Heading")
        description = _("A section heading, level 2 to 4, to structure the page.")
        preview_value = {"text": "Objectives of the programme", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = "components/streamfield/paragraph_block.html"
        label = _("Paragraph")
        description = _("Formatted text with links and lists.")
        preview_value = "<p>The training builds capacity for drug policy management.</p>"


class CaptionedImageBlock(blocks.StructBlock):
    # Wagtail's ImageBlock asks for alt text unless the editor marks the image as decorative.
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, max_length=250, label=_("Caption"))

    class Meta:
        icon = "image"
        template = "components/streamfield/image_block.html"
        label = _("Image")
        description = _("An image with alternative text, or marked as decorative, and an optional caption.")


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(required=False, max_length=200, label=_("Attribution"))

    class Meta:
        icon = "openquote"
        template = "components/streamfield/quote_block.html"
        label = _("Quote")
        description = _("A quotation with its source.")
        preview_value = {"quote": "Prisons are a priority area for preventing drug use.", "attribution": ""}


class DocumentBlock(blocks.StructBlock):
    """A download shown with its title, file type, size and language before the click."""

    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        required=False,
        max_length=255,
        label=_("Link text"),
        help_text=_("Leave blank to use the document's own title."),
    )

    class Meta:
        icon = "doc-full"
        template = "components/streamfield/document_block.html"
        label = _("Document")
        description = _("A document to download, shown with its file type and size.")


class LinkBlock(blocks.StructBlock):
    """A "more information" link to a page of this site, a document or an external site."""

    text = blocks.CharBlock(max_length=255, label=_("Link text"))
    page = blocks.PageChooserBlock(required=False, label=_("Page"))
    document = DocumentChooserBlock(required=False, label=_("Document"))
    url = blocks.URLBlock(required=False, label=_("External address"))

    class Meta:
        icon = "link"
        template = "components/streamfield/link_block.html"
        label = _("Link")
        description = _("A link to a page, a document or an external website: choose exactly one.")

    def clean(self, value):
        value = super().clean(value)
        targets = [name for name in ("page", "document", "url") if value.get(name)]
        if len(targets) != 1:
            message = _("Choose exactly one target: a page, a document or an external address.")
            raise StructBlockValidationError(
                block_errors={name: ErrorList([ValidationError(message)]) for name in ("page", "document", "url")}
            )
        return value


def body_blocks():
    """The blocks offered in every page body."""
    return [
        ("heading", HeadingBlock()),
        ("paragraph", ParagraphBlock()),
        ("image", CaptionedImageBlock()),
        ("quote", QuoteBlock()),
        ("document", DocumentBlock()),
        ("link", LinkBlock()),
    ]


def related_blocks():
    """Documents and links listed under "Related documents and links"."""
    return [
        ("document", DocumentBlock()),
        ("link", LinkBlock()),
    ]
