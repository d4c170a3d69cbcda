"""The site-wide app does not know the domain apps: `pompidou_site` imports neither `programmes` nor
`trainings`, nor names their models, fields or related accessors; the domain apps do not import
each other. Names are read from the app registry, so the test follows the models."""

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

from pompidou_site.models import BasePage, PeriodMixin

ROOT = Path(settings.BASE_DIR)
DOMAIN_APPS = ("programmes", "trainings")
# Configuration and history, not code that runs the pages: settings list the installed apps,
# migrations are frozen, the seed loads fixture content that names page types.
CORE_EXEMPT = ("settings", "migrations", "seed.py")
CORE_TEMPLATES = [ROOT / "templates" / "pompidou_site", ROOT / "templates" / "components"]


def core_python_files():
    for path in sorted((ROOT / "pompidou_site").rglob("*.py")):
        relative = path.relative_to(ROOT / "pompidou_site")
        if relative.parts[0] in CORE_EXEMPT:
            continue
        yield path


def core_template_files():
    for folder in CORE_TEMPLATES:
        yield from sorted(folder.rglob("*.html"))


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def core_vocabulary(app_configs):
    """Names other apps own: their models, their fields, the base page's."""
    names = set()
    for model in (model for app_config in app_configs for model in app_config.get_models()):
        # Less what the domain apps' relations add to it (Country.programmes).
        added = {
            relation.get_accessor_name()
            for relation in model._meta.related_objects
            if relation.related_model._meta.app_label in DOMAIN_APPS
        }
        names.update(set(dir(model)) - added)
        names.add(model.__name__)
        names.add(model._meta.model_name)
        names.update(field.name for field in model._meta.get_fields() if not field.auto_created)
    for model in (BasePage, PeriodMixin):
        names.update(dir(model))
        names.update(field.name for field in model._meta.fields)
    return names


def domain_names(vocabulary_of=("pompidou_site",)):
    """The domain apps' names, as two sets: their own field names, and everything else they define
    (model names, properties and methods such as dates_html, the accessors they add to other models)."""
    fields, others = set(), set()
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models():
            others.add(model.__name__)
            others.update(name for name in vars(model) if not name.startswith("_"))
            for field in model._meta.get_fields(include_parents=False):
                if field.auto_created and not field.concrete:
                    continue
                fields.add(field.name)
                remote = getattr(field, "remote_field", None)
                if remote is not None and remote.related_name and not remote.related_name.endswith("+"):
                    others.add(remote.related_name)
    if vocabulary_of is None:
        # Every other app: Python code also looks up fields of Django's and third parties' models.
        vocabulary_of = [config.label for config in apps.get_app_configs() if config.label not in DOMAIN_APPS]
    core = core_vocabulary([apps.get_app_config(label) for label in vocabulary_of]) | {"page_ptr"}
    fields -= core
    return fields, (others - core - fields)


# Calls whose keyword arguments and string arguments are field names or lookups.
ORM_CALLS = {
    "filter",
    "exclude",
    "get",
    "annotate",
    "order_by",
    "select_related",
    "prefetch_related",
    "values",
    "values_list",
    "only",
    "defer",
    "get_or_create",
    "update_or_create",
    "create",
    "Q",
    "F",
    "Count",
    "Prefetch",
    "getattr",
    "setattr",
    "get_field",
}


def _call_name(call):
    return getattr(call.func, "attr", None) or getattr(call.func, "id", None)


def python_names(path):
    """What a module names: (field-like names in ORM calls and getattr, other identifiers)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            # The tree is declared on both ends (house style): the home page names its children.
            node.body = [
                statement
                for statement in node.body
                if not (
                    isinstance(statement, ast.Assign)
                    and any(getattr(target, "id", None) == "subpage_types" for target in statement.targets)
                )
            ]
    lookups, identifiers = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            identifiers.add(node.attr)
        elif isinstance(node, ast.Name):
            identifiers.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if re.fullmatch(r"[A-Za-z_][\w.]*", node.value):
                identifiers.update(re.split(r"__|\.", node.value))
        elif isinstance(node, ast.Call) and _call_name(node) in ORM_CALLS:
            for keyword in node.keywords:
                if keyword.arg:
                    lookups.update(keyword.arg.split("__"))
            for argument in node.args:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    lookups.update(argument.value.lstrip("-").split("__"))
    return lookups, identifiers


TEMPLATE_CODE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
TEMPLATE_NAME = re.compile(r"\.(\w+)|[\"'](\w+)[\"']")


def template_names(path):
    for code in TEMPLATE_CODE.findall(path.read_text(encoding="utf-8")):
        for attribute, quoted in TEMPLATE_NAME.findall(code):
            yield attribute or quoted


def test_the_domain_names_are_found():
    fields, others = domain_names()
    names = fields | others
    # The test reads the models, not a list that could go stale; these prove it finds something.
    assert {"ProgrammePage", "TrainingOutlinePage", "training_outlines", "country_projects", "dates_html"} <= names


def test_pompidou_site_imports_neither_domain_app():
    offences = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / "pompidou_site").rglob("*.py")
        if "settings" not in path.parts
        for module in imported_modules(path)
        if module.split(".")[0] in DOMAIN_APPS
    ]
    assert offences == []


def test_pompidou_site_code_names_no_domain_model_field_or_accessor():
    fields, others = domain_names(vocabulary_of=None)
    offences = set()
    for path in core_python_files():
        lookups, identifiers = python_names(path)
        offences.update(f"{path.relative_to(ROOT)} looks up {name}" for name in lookups & (fields | others))
        offences.update(f"{path.relative_to(ROOT)} names {name}" for name in identifiers & (others | set(DOMAIN_APPS)))
    offences = sorted(offences)
    assert offences == []


def test_site_wide_templates_name_no_domain_model_field_or_accessor():
    fields, others = domain_names()
    names = fields | others
    offences = sorted(
        {
            f"{path.relative_to(ROOT)} names {name}"
            for path in core_template_files()
            for name in template_names(path)
            if name in names
        }
    )
    assert offences == []


def test_the_domain_apps_do_not_import_each_other():
    offences = [
        f"{path.relative_to(ROOT)} imports {module}"
        for label in DOMAIN_APPS
        for path in (ROOT / label).rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in set(DOMAIN_APPS) - {label}
    ]
    assert offences == []


def test_the_checks_catch_what_the_old_code_did(tmp_path):
    """The country views and templates once reached the domain apps by accessor and property."""
    fields, others = domain_names(vocabulary_of=None)
    module = tmp_path / "views.py"
    module.write_text(
        "from django.apps import apps\n"
        'model = apps.get_model("programmes", "ProgrammePage")\n'
        "def pages(country, visible):\n"
        "    return country.training_outlines.filter(countries__in=visible)\n",
        encoding="utf-8",
    )
    lookups, identifiers = python_names(module)
    assert {"countries"} <= lookups & fields
    assert {"programmes", "ProgrammePage", "training_outlines"} <= identifiers & (others | set(DOMAIN_APPS))
    template = tmp_path / "country_detail.html"
    template.write_text('<p>{{ training.dates_html }}</p>{% localized_list page "organisers" %}', encoding="utf-8")
    assert {"dates_html", "organisers"} <= set(template_names(template)) & (fields | others)
