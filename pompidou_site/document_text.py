"""The text inside uploaded documents, so that the site search finds a phrase only a document holds.

When a document is saved with a file whose text has not been read yet (its `file_hash` differs from
`text_source_hash`), `extract_document_text_task` is queued for the background worker
(`manage.py db_worker`; tests run tasks inline). The task reads the file, stores the text on the
document (`CustomDocument.text`) and updates the search index, where `text` is a search field.

What is read: PDF (pypdf), Word .docx (python-docx), Excel .xlsx (openpyxl), plain text and CSV.
Other formats (.doc, .ppt, .odt...) are indexed by title only. A file that cannot be read (damaged,
encrypted) is logged and left with no text; it never fails the save.
"""

import logging
from io import BytesIO

from django_tasks import task

from django.db.models.signals import post_save

from wagtail.documents import get_document_model
from wagtail.search import index

logger = logging.getLogger(__name__)

# The index gets the first million characters: enough for any report, small enough for a row.
MAX_TEXT_LENGTH = 1_000_000


def _pdf_text(data):
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _docx_text(data):
    import docx

    document = docx.Document(BytesIO(data))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(paragraphs)


def _xlsx_text(data):
    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    try:
        lines = []
        for sheet in workbook.worksheets:
            lines.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                cells = [str(value) for value in row if value not in (None, "")]
                if cells:
                    lines.append(" ".join(cells))
        return "\n".join(lines)
    finally:
        workbook.close()


def _plain_text(data):
    return data.decode("utf-8", errors="replace")


READERS = {"pdf": _pdf_text, "docx": _docx_text, "xlsx": _xlsx_text, "txt": _plain_text, "csv": _plain_text}


def text_of(data, extension):
    """The text of a file's content, by its extension; "" for a format we do not read or a bad file."""
    reader = READERS.get((extension or "").lower())
    if reader is None:
        return ""
    try:
        text = reader(data)
    except Exception:
        # Any damaged or hostile file: the document is still saved and found by its title.
        logger.warning("Could not read the text of a .%s file", extension, exc_info=True)
        return ""
    # NUL bytes cannot be stored in PostgreSQL text.
    return text.replace("\x00", " ")[:MAX_TEXT_LENGTH].strip()


def read_text(document, data=None):
    """Set `document.text` from its file (or from `data`, the file's content at hand), without saving it."""
    if data is None:
        with document.open_file() as file:
            data = file.read()
    document.text = text_of(data, document.file_extension)
    document.text_source_hash = document.file_hash


def text_is_stale(document):
    return bool(document.file) and document.text_source_hash != document.file_hash


@task()
def extract_document_text_task(document_id):
    """Read a document's text, store it and update its search index entry."""
    document = get_document_model().objects.filter(pk=document_id).first()
    if document is None or not text_is_stale(document):
        return
    try:
        read_text(document)
    except OSError:
        logger.warning("The file of document %s is missing from the storage", document_id, exc_info=True)
        return
    # A queryset update: no second post_save, so no second task.
    type(document).objects.filter(pk=document.pk).update(text=document.text, text_source_hash=document.text_source_hash)
    index.insert_or_update_object(document)


def queue_text_extraction(sender, instance, raw=False, **kwargs):
    """On save: queue the reading of a new file. The seed loader reads its own PDFs itself, before
    saving them (`read_text(document, content)`), so that their text is there as soon as it ends."""
    if raw or not text_is_stale(instance):
        return
    # Queued in the same transaction as the save: the worker sees the task once the document is committed.
    extract_document_text_task.enqueue(instance.pk)


def connect_receivers():
    post_save.connect(queue_text_extraction, sender=get_document_model(), dispatch_uid="queue_text_extraction")
