"""StreamField blocks shared by every section. Each block renders with its own template."""

import copy
import os
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

from .documents import with_file_sizes
from .page_cache import cached_until_content_changes

HEADING_LEVELS = [("h2", _("Level 2 heading")), ("h3", _("Level 3 heading")), ("h4", _("Level 4 heading"))]
RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200, label=_("Text"), help_text=_("The words of the heading, short and plain."))
    level = blocks.ChoiceBlock(
        choices=HEADING_LEVELS,
        default="h2",
        label=_("Level"),
        help_text=_("Level 2 for a main section; level 3 or 4 for a part within it."),
    )

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


def _comparable(text):
    """Text as a reader hears it: accents, case, punctuation and separators set aside."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().casefold()
    return "".join(character for character in text if character.isalnum())


def alt_text_repeats_name(alt_text, image):
    """Whether alternative text only repeats the image's title or file name ("IMG_0042.jpg")."""
    alt = _comparable(alt_text)
    if not alt or image is None:
        return False
    file_name = os.path.basename(getattr(image.file, "name", "") or "")
    stem, extension = os.path.splitext(file_name)
    # The storage adds "_" and seven characters when a file of the same name exists: IMG_0042_a1B2c3D.jpg.
    uploaded_stem = re.sub(r"_[A-Za-z0-9]{7}$", "", stem)
    names = {image.title, file_name, stem, uploaded_stem, uploaded_stem + extension}
    return alt in {_comparable(name) for name in names if name}


ALT_TEXT_REPEATS_NAME = _(
    "The alternative text repeats the image’s title or file name, which tells a reader who cannot see "
    "the image nothing. Describe what the image shows, or mark it as decorative."
)


class AltTextImageBlock(ImageBlock):
    """Wagtail's ImageBlock (alt text unless decorative) that also refuses alt text that is only the
    image's title or file name. It is stored as a plain ImageBlock, so no migration depends on it."""

    def clean(self, value):
        value = super().clean(value)
        # Like Wagtail's own check for missing alt text, a draft may be saved; publishing needs it right.
        if self.is_deferred_validation:
            return value
        if value and not value.decorative and alt_text_repeats_name(value.contextual_alt_text, value):
            raise StructBlockValidationError(block_errors={"alt_text": ValidationError(ALT_TEXT_REPEATS_NAME)})
        return value


class CaptionedImageBlock(blocks.StructBlock):
    # Alt text unless the editor marks the image as decorative; never just the title or file name.
    image = AltTextImageBlock(
        label=_("Image"),
        help_text=_(
            "Choose the image, then describe what it shows for readers who cannot see it (alt text), "
            "or tick “decorative” if it adds nothing to the text."
        ),
    )
    caption = blocks.CharBlock(
        required=False,
        max_length=250,
        label=_("Caption"),
        help_text=_("Optional. Shown under the image, for example the place and date or the photographer."),
    )

    class Meta:
        icon = "image"
        template = "components/streamfield/image_block.html"
        label = _("Image")
        description = _("An image with alternative text, or marked as decorative, and an optional caption.")


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"), help_text=_("The words quoted, without quotation marks."))
    attribution = blocks.CharBlock(
        required=False,
        max_length=200,
        label=_("Attribution"),
        help_text=_("Optional. Who said or wrote it, for example a name and role."),
    )

    class Meta:
        icon = "openquote"
        template = "components/streamfield/quote_block.html"
        label = _("Quote")
        description = _("A quotation with its source.")
        preview_value = {"quote": "Prisons are a priority area for preventing drug use.", "attribution": ""}


@cached_until_content_changes
def _kept_documents(holder, ids):
    documents = get_document_model().objects.in_bulk(ids)
    with_file_sizes(documents.values())
    return documents


class KeptDocumentChooserBlock(DocumentChooserBlock):
    """Wagtail's document chooser, whose documents are read from the fragments kept until the
    content changes (every document saved or deleted is such a change) instead of the database
    at every render of the page: a page's documents then cost no query."""

    def bulk_to_python(self, values):
        ids = tuple(sorted({value for value in values if value is not None}))
        documents = _kept_documents(None, ids) if ids else {}
        result, seen = [], set()
        for value in values:
            document = documents.get(value)
            if document is not None and value in seen:
                document = copy.copy(document)  # As Wagtail does: a distinct instance for each use.
            seen.add(value)
            result.append(document)
        return result


# Migrations name Wagtail's block, as they did before: the stored data and the form are the same.
DECONSTRUCT_ALIASES = {KeptDocumentChooserBlock: "wagtail.documents.blocks.DocumentChooserBlock"}


class DocumentBlock(blocks.StructBlock):
    """A download shown with its title, file type, size and language before the click."""

    document = KeptDocumentChooserBlock(
        label=_("Document"),
        help_text=_("Choose a document already uploaded, or upload a new one (PDF, Word, Excel…)."),
    )
    title = blocks.CharBlock(
        required=False,
        max_length=255,
        label=_("Link text"),
        help_text=_("Leave blank to use the document’s own title."),
    )

    class Meta:
        icon = "doc-full"
        template = "components/streamfield/document_block.html"
        label = _("Document")
        description = _("A document to download, shown with its file type and size.")


class LinkBlock(blocks.StructBlock):
    """A "more information" link to a page of this site, a document or an external site."""

    text = blocks.CharBlock(
        max_length=255,
        label=_("Link text"),
        help_text=_("The words readers click, saying where the link goes, such as “Report of the 2012 training”."),
    )
    page = blocks.PageChooserBlock(required=False, label=_("Page"), help_text=_("A page of this site…"))
    document = KeptDocumentChooserBlock(required=False, label=_("Document"), help_text=_("…or a document…"))
    url = blocks.URLBlock(
        required=False,
        label=_("External address"),
        help_text=_("…or the full address of another website, starting with https://."),
    )

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
