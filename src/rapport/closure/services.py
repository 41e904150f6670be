"""Writes for a project's closure: the PM prepares it, closes the project (an admin may close
despite what blocks it, with a reason), and the client accepts the closure in the portal."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.clients.selectors import client_portal_contacts
from rapport.closure import checkins, permissions
from rapport.closure.checklist import checklist
from rapport.closure.models import Closure
from rapport.closure.report import compile_report
from rapport.core.services import assign, require
from rapport.feedback import schedule as feedback_schedule
from rapport.notify import attachments
from rapport.notify.services import email_queue
from rapport.projects import permissions as project_permissions
from rapport.projects.models import Project
from rapport.projects.services import project_update
from rapport.tenancy.actors import Actor
from rapport.webhooks import payloads as webhook_payloads

TEXT_FIELDS = ("narrative", "lessons")
FINISHED = (Project.Status.CLOSED, Project.Status.CANCELLED)
BLOCKER = "blocker"  # the code of each refusal naming what blocks closing


def _locked_closure(project: Project) -> Closure:
    closure, _created = Closure.objects.get_or_create(project=project)
    return Closure.objects.select_for_update().get(pk=closure.pk)


@transaction.atomic
def closure_update(
    *, actor: Actor, project: Project, narrative: str, lessons: str, budget_closed: bool
) -> Closure:
    """The PM's summary and lessons, and the budget ticked closed (as of today)."""
    require(permissions.can_manage(actor, project))
    closure = _locked_closure(project)
    if closure.state != Closure.State.PREPARING:
        raise ValidationError(_("The project is closed; its closure report can't change."))
    before = audit.snapshot(closure, [*TEXT_FIELDS, "budget_closed_on"])
    assign(closure, TEXT_FIELDS, {"narrative": narrative, "lessons": lessons})
    if budget_closed and closure.budget_closed_on is None:
        closure.budget_closed_on, closure.budget_closed_by = timezone.localdate(), actor.user
    elif not budget_closed:
        closure.budget_closed_on, closure.budget_closed_by = None, None
    closure.full_clean(exclude=["project"])
    closure.save()
    if changes := audit.diff(before, audit.snapshot(closure, [*TEXT_FIELDS, "budget_closed_on"])):
        audit.record(
            actor=actor,
            action="updated",
            obj=closure,
            organisation_id=project.organisation_id,
            changes=changes,
        )
    return closure


@transaction.atomic
def closure_close(*, actor: Actor, project: Project, override_reason: str = "") -> Closure:
    """Freeze the closure report, publish it to the client and set the project closed. Open
    change requests and unaccepted deliverables refuse it, unless an admin gives a reason."""
    require(permissions.can_manage(actor, project))
    closure = _locked_closure(project)
    override_reason = override_reason.replace("\x00", "").strip()
    if closure.state != Closure.State.PREPARING or project.status in FINISHED:
        raise ValidationError(_("The project is already closed."))
    if not closure.narrative.strip():
        raise ValidationError({"narrative": _("Write the project summary before closing.")})
    state = checklist(project, closure)
    if state.blocked:
        if not override_reason:
            raise ValidationError(
                {
                    "override_reason": [
                        _("The project can't be closed yet:"),
                        *(ValidationError(b, code=BLOCKER) for b in state.blockers),
                    ]
                }
            )
        if not permissions.can_override(actor, project):
            raise ValidationError(
                {"override_reason": _("Only an administrator may close a project anyway.")}
            )
        if len(override_reason) > 2000:
            raise ValidationError({"override_reason": _("Keep the reason under 2,000 characters.")})
    else:
        override_reason = ""
    closure.report = compile_report(project)
    closure.client_report = compile_report(project, for_client=True)
    closure.override_reason = override_reason
    closure.state = Closure.State.CLOSED
    closure.closed_at, closure.closed_by = timezone.now(), actor.user
    closure.save()
    project_update(actor=actor, project=project, status=Project.Status.CLOSED)
    checkins.plan(actor=actor, project=project, closed_on=timezone.localdate(closure.closed_at))
    feedback_schedule.project_closed(project=project)
    audit.record(
        actor=actor,
        action="closed",
        obj=closure,
        organisation_id=project.organisation_id,
        changes={
            "state": [Closure.State.PREPARING, Closure.State.CLOSED],
            **({"override_reason": [None, override_reason]} if override_reason else {}),
            **({"blockers": [None, state.blockers]} if override_reason else {}),
        },
    )
    webhook_payloads.closure_published(closure, project)
    _email_published(closure, project)
    return closure


def _email_published(closure: Closure, project: Project) -> None:
    """Each of the client's portal contacts gets the closure report as a PDF in their own
    language, with a link to accept it; not before the project is in the portal."""
    if project.published_at is None:
        return
    link = settings.SITE_URL + reverse("portal_closure:detail", args=[project.pk])
    for contact in client_portal_contacts(client_id=project.client_id).exclude(email=""):
        email_queue(
            to=contact.email,
            template="closure_published",
            language=contact.language,
            kind="closure_published",
            organisation_id=project.organisation_id,
            context={"name": contact.full_name, "project": project.name, "link": link},
            attachments=[attachments.spec("closure_pdf", closure_id=closure.pk)],
        )


@transaction.atomic
def closure_accept(*, actor: Actor, project: Project, comment: str = "") -> Closure:
    """The client's approver accepts the closure; who, when and from where stay on record."""
    require(permissions.can_accept(actor, project))
    closure = Closure.objects.select_for_update().filter(project=project).first()
    if closure is None or closure.state != Closure.State.CLOSED:
        raise ValidationError(_("There is no closure waiting for your acceptance."))
    comment = comment.replace("\x00", "").strip()
    if len(comment) > 4000:
        raise ValidationError({"comment": _("Keep the comment under 4,000 characters.")})
    contact = project_permissions.deciding_contact(actor, project)
    closure.state = Closure.State.ACCEPTED
    closure.accepted_at, closure.accepted_by = timezone.now(), contact
    closure.acceptance_comment, closure.acceptance_ip = comment, actor.ip
    closure.save()
    audit.record(
        actor=actor,
        action="accepted",
        obj=closure,
        organisation_id=project.organisation_id,
        contact_id=contact.pk if contact else None,
        changes={"state": [Closure.State.CLOSED, Closure.State.ACCEPTED]},
    )
    webhook_payloads.closure_accepted(closure, project)
    return closure
