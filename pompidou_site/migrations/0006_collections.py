"""The secretariat's collections, the private one among them, and the moderators' redirects.

- "Training outlines", "Reports" and "Images" sort the media library; "Secretariat only" holds
  working documents that only signed-in members of the Editors and Moderators groups may download
  (a collection view restriction, which also keeps its documents out of every public listing).
- Editors and Moderators add, change and choose documents and images in each of them.
- Moderators manage redirects: Wagtail creates one when a page is renamed or moved, and a
  moderator may add one for an address that should lead elsewhere.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Substr

PUBLIC_COLLECTIONS = ["Training outlines", "Reports", "Images"]
PRIVATE_COLLECTION = "Secretariat only"
SECRETARIAT_GROUPS = ["Editors", "Moderators"]
MEDIA_PERMISSIONS = {
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
    "wagtailimages": ["add_image", "change_image", "choose_image"],
}
REDIRECT_PERMISSIONS = ["add_redirect", "change_redirect", "delete_redirect"]

# Treebeard's materialised path: four base-36 characters a level.
PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEP_LENGTH = 4


def _path_step(number):
    step = ""
    for _position in range(STEP_LENGTH):
        number, digit = divmod(number, len(PATH_ALPHABET))
        step = PATH_ALPHABET[digit] + step
    return step


def _step_number(step):
    number = 0
    for character in step:
        number = number * len(PATH_ALPHABET) + PATH_ALPHABET.index(character)
    return number


def _child_collection(collection_model, root, name):
    """The root's child collection of that name, created as treebeard would (historical models
    have none of its methods)."""
    existing = collection_model.objects.filter(depth=root.depth + 1, path__startswith=root.path, name=name).first()
    if existing is not None:
        return existing
    siblings = collection_model.objects.filter(depth=root.depth + 1, path__startswith=root.path).order_by("-path")
    last = siblings.first()
    number = _step_number(last.path[-STEP_LENGTH:]) + 1 if last else 1
    collection = collection_model.objects.create(
        name=name, path=root.path + _path_step(number), depth=root.depth + 1, numchild=0
    )
    root.numchild = collection_model.objects.filter(depth=root.depth + 1, path__startswith=root.path).count()
    root.save(update_fields=["numchild"])
    return collection


def _sort_children(collection_model, root):
    """Number the root's children in name order, as treebeard expects of Collection (its
    node_order_by is the name): it places a new collection among them by comparing names, and
    children numbered in any other order make the admin's "Add a collection" fail."""
    children = list(collection_model.objects.filter(depth=root.depth + 1, path__startswith=root.path).order_by("name"))
    wanted = {child.pk: root.path + _path_step(number) for number, child in enumerate(children, start=1)}
    if all(child.path == wanted[child.pk] for child in children):
        return
    # First out of the way, then into place, so that no two collections ever share a path.
    first_free = max(_step_number(child.path[-STEP_LENGTH:]) for child in children) + 1
    aside = {child.pk: root.path + _path_step(first_free + index) for index, child in enumerate(children)}
    for targets in (aside, wanted):
        for child in children:
            old, new = child.path, targets[child.pk]
            collection_model.objects.filter(path__startswith=old).update(
                path=Concat(Value(new), Substr("path", len(old) + 1))
            )
            child.path = new


def _ensure_permissions(apps, app_label):
    app_config = apps.get_app_config(app_label)
    if getattr(app_config, "models_module", None) is None:
        app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)


def create_collections(apps):
    """Create the collections, restrict the private one and grant the groups; safe to run twice.

    `apps` is a migration's historical registry (or django.apps, to check that it can run again).
    """
    for app_label in ("wagtaildocs", "wagtailimages", "wagtailredirects"):
        _ensure_permissions(apps, app_label)
    collection_model = apps.get_model("wagtailcore", "Collection")
    restriction_model = apps.get_model("wagtailcore", "CollectionViewRestriction")
    collection_permission_model = apps.get_model("wagtailcore", "GroupCollectionPermission")
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")

    root = collection_model.objects.filter(depth=1).order_by("path").first()
    if root is None:
        root = collection_model.objects.create(name="Root", path=_path_step(1), depth=1, numchild=0)
    collections = [_child_collection(collection_model, root, name) for name in PUBLIC_COLLECTIONS]
    private = _child_collection(collection_model, root, PRIVATE_COLLECTION)
    collections.append(private)
    _sort_children(collection_model, root)

    groups = [group_model.objects.get_or_create(name=name)[0] for name in SECRETARIAT_GROUPS]
    restriction = restriction_model.objects.filter(collection=private).first()
    if restriction is None:
        restriction = restriction_model.objects.create(collection=private, restriction_type="groups")
    restriction.groups.add(*groups)

    media_permissions = [
        permission
        for app_label, codenames in MEDIA_PERMISSIONS.items()
        for permission in permission_model.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    ]
    for group in groups:
        for collection in collections:
            for permission in media_permissions:
                collection_permission_model.objects.get_or_create(
                    group=group, collection=collection, permission=permission
                )
    moderators = group_model.objects.get(name="Moderators")
    moderators.permissions.add(
        *permission_model.objects.filter(content_type__app_label="wagtailredirects", codename__in=REDIRECT_PERMISSIONS)
    )


def forwards(apps, schema_editor):
    create_collections(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("pompidou_site", "0005_editing_comfort"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
