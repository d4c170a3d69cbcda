"""The document and image forms, set by WAGTAILDOCS_DOCUMENT_FORM_BASE and WAGTAILIMAGES_IMAGE_FORM_BASE:
an upload made from a page's chooser goes to the right collection unless the editor picks another,
and an image is decoded in full before it is accepted."""

from wagtail.documents.forms import BaseDocumentForm

from .uploads import CheckedImageForm

# The collections come from the migration pompidou_site 0006_collections.
DOCUMENT_UPLOAD_COLLECTION = "Training outlines"
IMAGE_UPLOAD_COLLECTION = "Images"


def _default_collection(form, prefix, name):
    """Preselect a collection on a new upload made from a page's chooser, when the editor may use it."""
    if form.instance.pk or form.prefix != prefix or "collection" not in form.fields:
        return
    field = form.fields["collection"]
    collection = field.queryset.filter(name=name, depth=2).first() if hasattr(field, "queryset") else None
    if collection is not None:
        form.initial.setdefault("collection", collection.pk)


class DocumentForm(BaseDocumentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _default_collection(self, "document-chooser-upload", DOCUMENT_UPLOAD_COLLECTION)


class ImageForm(CheckedImageForm):
    """Decoded in full before it is accepted (pompidou_site/uploads.py), and defaulted to a collection."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _default_collection(self, "image-chooser-upload", IMAGE_UPLOAD_COLLECTION)
