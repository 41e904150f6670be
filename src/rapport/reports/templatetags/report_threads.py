"""The client's questions on a report, shown on the report page by one tag, so that the page's
view stays as it is: ``{% load report_threads %}{% report_threads %}`` in the app and
``{% portal_report_threads %}`` in the portal. Each reads ``request``, ``project`` and
``report`` from the page's context and asks the thread selector (a bounded number of
queries, however many threads and messages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template

from rapport.reports import permissions, thread_selectors
from rapport.reports.forms import MessageForm, answer_form, follow_up_form, question_form
from rapport.reports.models import ReportThread

register = template.Library()


def _threads(
    context: template.Context, form: Callable[..., MessageForm] | None
) -> list[tuple[ReportThread, MessageForm | None]]:
    """The report's threads, each with its own empty form (ids unique on the page)."""
    report = context["report"]
    if not report.is_published:
        return []
    return [
        (thread, form(auto_id=f"thread-{thread.pk}-%s") if form else None)
        for thread in thread_selectors.threads_of(report=report)
    ]


@register.inclusion_tag("reports/_threads.html", takes_context=True)
def report_threads(context: template.Context) -> dict[str, Any]:
    """The app: every project member reads the threads; those who manage the report answer."""
    actor = context["request"].actor
    project, report = context["project"], context["report"]
    can_answer = permissions.can_answer(actor, project)
    return {
        "project": project,
        "report": report,
        "threads": _threads(context, answer_form if can_answer else None),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("reports/_portal_threads.html", takes_context=True)
def portal_report_threads(context: template.Context) -> dict[str, Any]:
    """The portal: every portal contact of the client reads the threads and writes in them."""
    actor = context["request"].actor
    project, report = context["project"], context["report"]
    can_ask = report.is_published and permissions.asking_contact(actor, project) is not None
    return {
        "project": project,
        "report": report,
        "threads": _threads(context, follow_up_form if can_ask else None),
        "question_form": question_form() if can_ask else None,
        "csrf_token": context.get("csrf_token"),
    }
