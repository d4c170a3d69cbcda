"""Editing comfort in the admin: workflow actions that can no longer apply, the moderator's
request for changes shown to the editor, and the pages that may be out of date."""

import datetime
import json

from django.apps import apps
from django.contrib import messages
from django.db.models import F, Q
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.admin.ui.components import Component
from wagtail.models import WorkflowState

# A page not reviewed for this long, or never, is listed on the dashboard.
REVIEW_AFTER = datetime.timedelta(days=365)
REVIEW_PANEL_LIMIT = 10


def workflow_action_problem(request, page):
    """Why a posted workflow action ("Request changes", "Approve") cannot apply, or None.

    Wagtail's edit view assumes the page is still in moderation and the action data is well
    formed; a second click, a stale tab or a retried request after the task ended made it fail
    with a server error (AttributeError on the finished task).
    """
    if request.method != "POST" or not request.POST.get("action-workflow-action"):
        return None
    task = page.current_workflow_task
    if task is None:
        return _("This page is no longer awaiting moderation: the request was already answered.")
    name = request.POST.get("workflow-action-name", "")
    if name not in {action_name for action_name, _label, _modal in task.get_actions(page, request.user)}:
        return _("This moderation action is not available to you on this page.")
    try:
        extra = json.loads(request.POST.get("workflow-action-extra-data", "{}"))
    except ValueError:
        extra = None
    if not isinstance(extra, dict):
        return _("The moderation comment could not be read. Please try again.")
    return None


def refuse_unavailable_workflow_action(request, page):
    """`before_edit_page` hook: answer a workflow action that cannot apply with a message, not a 500."""
    problem = workflow_action_problem(request, page)
    if problem is None:
        return None
    if not request.accepts("text/html"):
        return JsonResponse(
            {"success": False, "error_code": "workflow_action_unavailable", "error_message": problem}, status=409
        )
    messages.warning(request, problem)
    return redirect("wagtailadmin_pages:edit", page.pk)


def requested_changes(page):
    """The moderator's comment when the page's moderation ended in a request for changes, else None."""
    state = page.current_workflow_state
    if state is None or state.status != WorkflowState.STATUS_NEEDS_CHANGES:
        return None
    task_state = state.current_task_state
    if task_state is None:
        return None
    return {"comment": task_state.comment, "user": task_state.finished_by, "task": task_state.task.name}


def show_requested_changes(request, page):
    """`before_edit_page` hook: on opening the edit screen, say plainly what the moderator asked for.

    Wagtail keeps the comment inside the workflow status dialog, which an editor may never open.
    """
    if request.method != "GET" or not request.accepts("text/html"):
        return None
    changes = requested_changes(page)
    if changes is None:
        return None
    user = changes["user"]
    who = (user.get_full_name() or user.get_username()) if user else _("a moderator")
    if changes["comment"]:
        message = _("Changes were requested by %(user)s: “%(comment)s”") % {"user": who, "comment": changes["comment"]}
    else:
        message = _("Changes were requested by %(user)s, without a comment.") % {"user": who}
    messages.warning(request, message)
    return None


def pages_due_for_review(limit=REVIEW_PANEL_LIMIT):
    """Pages whose "last reviewed" date is more than a year old or not set, oldest first, in one query.

    Every page type has the date from the abstract base page, each in its own table; Wagtail's
    Page model does not know it, so the query unions the page types' own rows.
    """
    from .models import BasePage

    cutoff = timezone.localdate() - REVIEW_AFTER
    due = Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=cutoff)
    querysets = [
        model.objects.filter(due).order_by().values_list("pk", "title", "last_reviewed")
        for model in apps.get_models()
        if issubclass(model, BasePage) and not model._meta.abstract
    ]
    if not querysets:
        return []
    # Never reviewed first, then the oldest review (SQLite and PostgreSQL sort NULL differently).
    rows = querysets[0].union(*querysets[1:], all=True).order_by(F("last_reviewed").asc(nulls_first=True), "title")
    return [
        {"title": title, "last_reviewed": reviewed, "edit_url": reverse("wagtailadmin_pages:edit", args=[pk])}
        for pk, title, reviewed in rows[:limit]
    ]


class PagesDueForReviewPanel(Component):
    """A dashboard panel listing the pages that may be out of date."""

    name = "pages_due_for_review"
    order = 150
    template_name = "pompidou_site/admin/pages_due_for_review.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["pages"] = pages_due_for_review()
        context["limit"] = REVIEW_PANEL_LIMIT
        return context
