"""What the admin accepts as an image or a document: the one place where uploads are checked.

Wagtail's image forms are built on CheckedImageForm (WAGTAILIMAGES_IMAGE_FORM_BASE), and every
document form validates CustomDocument, whose clean() calls check_document_content after Wagtail's
extension allow-list. So the single upload, the multiple upload and the choosers' upload tabs all
refuse the same files with the same form error, before anything is stored.
"""

import codecs
import os
import zipfile

from PIL import Image as PILImage

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

# What Pillow raises on a damaged, cut-short or oversized image.
IMAGE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, PILImage.DecompressionBombError)
INVALID_IMAGE = _("This file is not a readable image: it may be damaged, cut short or too large to decode.")


class DecodedImageField(WagtailImageField):
    """Wagtail's image field, which checks the type, size and pixel count, plus a full decode.

    Wagtail reads only the header: a truncated file or a decompression bomb then fails later, in
    Pillow, as a server error. Here every frame is decoded once, and any failure is a form error.
    """

    def to_python(self, data):
        try:
            f = super().to_python(data)
        except ValidationError:
            raise
        except IMAGE_ERRORS as exc:
            # Wagtail's pixel count opens the file with Pillow, which can fail on it.
            raise ValidationError(INVALID_IMAGE, code="invalid_image") from exc
        if f is not None:
            self.decode_every_frame(data)
        return f

    def decode_every_frame(self, upload):
        """Decode the whole image, once its pixels over every frame are within the limit (Wagtail
        counts one frame only unless Wand is installed, so an animated GIF bomb would pass)."""
        upload.seek(0)
        try:
            with PILImage.open(upload) as image:
                frames = getattr(image, "n_frames", 1)
                pixels = image.width * image.height * frames
                if self.max_image_pixels is not None and pixels > self.max_image_pixels:
                    raise ValidationError(
                        self.error_messages["file_too_many_pixels"]
                        % {"num_pixels": pixels, "max_pixels_count": self.max_image_pixels},
                        code="file_too_many_pixels",
                    )
                for frame in range(frames):
                    image.seek(frame)
                    image.load()
        except IMAGE_ERRORS as exc:
            raise ValidationError(INVALID_IMAGE, code="invalid_image") from exc
        finally:
            upload.seek(0)


class CheckedImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail builds the file field itself (the multiple upload's edit form has none): swap it
        # for the decoding one, keeping its widget, label and help text.
        field = self.fields.get("file")
        if field is not None and not isinstance(field, DecodedImageField):
            self.fields["file"] = DecodedImageField(
                label=field.label, required=field.required, widget=field.widget, max_length=field.max_length
            )


# Documents: what each allowed extension's content must start with or contain.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
ODF_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
# The openings by which a browser sniffs HTML (WHATWG MIME Sniffing, "identifying a resource with
# an unknown MIME type"): a text file starting with one of them is refused.
HTML_OPENINGS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<script",
    b"<iframe",
    b"<h1",
    b"<div",
    b"<font",
    b"<table",
    b"<a",
    b"<style",
    b"<title",
    b"<b",
    b"<body",
    b"<br",
    b"<p",
    b"<!--",
    b"<?xml",
    b"<svg",
)
TEXT_CHUNK = 64 * 1024


def content_matches(extension, upload):
    """Whether the file's content is what its extension says."""
    upload.seek(0)
    try:
        if extension == "pdf":
            return b"%PDF-" in upload.read(1024)
        if extension in ("doc", "xls", "ppt"):
            return upload.read(len(OLE_SIGNATURE)) == OLE_SIGNATURE
        if extension == "rtf":
            return upload.read(5) == b"{\\rtf"
        if extension in OOXML_PARTS:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
            return "[Content_Types].xml" in names and OOXML_PARTS[extension] in names
        if extension in ODF_MIMETYPES:
            with zipfile.ZipFile(upload) as archive:
                first = archive.infolist()[0]
                if first.filename != "mimetype" or first.file_size > 100:
                    return False
                return archive.read(first).strip() == ODF_MIMETYPES[extension]
        if extension in ("txt", "csv"):
            return is_plain_text(upload)
    except (zipfile.BadZipFile, IndexError, OSError, EOFError):
        return False
    finally:
        upload.seek(0)
    # An extension without a signature here is judged by Wagtail's allow-list alone.
    return True


def is_plain_text(upload):
    """Text in UTF-8 (or Windows-1252, as spreadsheets export CSV), without NUL bytes, not HTML."""
    opening = upload.read(1024).lstrip(b"\xef\xbb\xbf \t\r\n\x0c").lower()
    if opening.startswith(HTML_OPENINGS):
        return False
    upload.seek(0)
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := upload.read(TEXT_CHUNK):
                if b"\x00" in chunk:
                    return False
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            upload.seek(0)
            continue
        return True
    return False


def check_document_content(file):
    """Refuse a newly uploaded document whose content is not what its extension says."""
    extension = os.path.splitext(file.name)[1].lower().lstrip(".")
    if not content_matches(extension, file):
        raise ValidationError(
            {
                "file": ValidationError(
                    _("The content of this file is not a .%(extension)s document: check the file and its name."),
                    code="content_mismatch",
                    params={"extension": extension},
                )
            }
        )
