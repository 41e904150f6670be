"""Audit events stored in neutral terms (action codes, field names, raw values), shown in
the reader's language."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rapport.audit.models import AuditEvent

ACTION_LABELS = {
    "created": pgettext_lazy("audit action", "created"),
    "updated": pgettext_lazy("audit action", "updated"),
    "deleted": pgettext_lazy("audit action", "deleted"),
    "published": pgettext_lazy("audit action", "published"),
    "unpublished": pgettext_lazy("audit action", "unpublished"),
    "invited": pgettext_lazy("audit action", "invited"),
    "accepted": pgettext_lazy("audit action", "accepted"),
    "revoked": pgettext_lazy("audit action", "revoked"),
    "acknowledged": pgettext_lazy("audit action", "acknowledged"),
    "password_changed": pgettext_lazy("audit action", "changed the password"),
    "submitted": pgettext_lazy("audit action", "submitted"),
    "withdrawn": pgettext_lazy("audit action", "withdrawn"),
    "signed": pgettext_lazy("audit action", "signed"),
    "returned": pgettext_lazy("audit action", "sent back"),
    "superseded": pgettext_lazy("audit action", "superseded"),
    "rebaselined": pgettext_lazy("audit action", "re-baselined"),
    "rejected": pgettext_lazy("audit action", "rejected"),
    "evaluated": pgettext_lazy("audit action", "evaluated"),
    "cr_submitted": pgettext_lazy("audit action", "submitted the change request"),
    "cr_under_evaluation": pgettext_lazy("audit action", "started the evaluation"),
    "cr_internal_approval": pgettext_lazy("audit action", "asked for internal approval"),
    "cr_awaiting_approval": pgettext_lazy("audit action", "sent to the client for approval"),
    "cr_needs_information": pgettext_lazy("audit action", "asked for more information"),
    "cr_approved": pgettext_lazy("audit action", "approved the change"),
    "cr_rejected": pgettext_lazy("audit action", "rejected the change"),
    "cr_implemented": pgettext_lazy("audit action", "implemented the change"),
    "cr_withdrawn": pgettext_lazy("audit action", "withdrew the change request"),
    "report_refreshed": pgettext_lazy("audit action", "read the report's data again"),
    "question_asked": pgettext_lazy("audit action", "asked a question on the report"),
    "question_followed_up": pgettext_lazy("audit action", "added to a question on the report"),
    "question_answered": pgettext_lazy("audit action", "answered a question on the report"),
    "posted": pgettext_lazy("audit action", "posted a message"),
    "scheduled": pgettext_lazy("audit action", "scheduled the meeting"),
    "rescheduled": pgettext_lazy("audit action", "rescheduled the meeting"),
    "invitation_sent": pgettext_lazy("audit action", "sent the invitation again"),
    "cancelled": pgettext_lazy("audit action", "cancelled the meeting"),
    "held": pgettext_lazy("audit action", "held the meeting"),
    "minutes_recorded": pgettext_lazy("audit action", "recorded the minutes"),
    "minutes_corrected": pgettext_lazy("audit action", "published a correction of the minutes"),
    "minutes_confirmed": pgettext_lazy("audit action", "confirmed the minutes"),
    "minutes_correction_proposed": pgettext_lazy(
        "audit action", "proposed a correction to the minutes"
    ),
    "closed": pgettext_lazy("audit action", "closed"),
    "checkins_planned": pgettext_lazy("audit action", "planned check-ins after closure"),
    "checked_in": pgettext_lazy("audit action", "checked in"),
    "risk_occurred": pgettext_lazy("audit action", "recorded that the risk occurred"),
    "issue_shared": pgettext_lazy("audit action", "shared the issue with the client"),
    "survey_template_created": pgettext_lazy("audit action", "created the survey template"),
    "survey_sent": pgettext_lazy("audit action", "sent the survey"),
    "survey_reminded": pgettext_lazy("audit action", "reminded a contact of the survey"),
    "survey_answered": pgettext_lazy("audit action", "answered the survey"),
    "feedback_recorded": pgettext_lazy("audit action", "recorded client feedback"),
    "follow_up_opened": pgettext_lazy("audit action", "opened a follow-up of low feedback"),
    "follow_up_handled": pgettext_lazy("audit action", "handled the feedback follow-up"),
    "improvement_created": pgettext_lazy("audit action", "created the improvement action"),
    "improvement_updated": pgettext_lazy("audit action", "updated the improvement action"),
    "pm_rating_recorded": pgettext_lazy("audit action", "rated the period for the expectation gap"),
    "issue_resolved": pgettext_lazy("audit action", "resolved the issue"),
    "conflict_step": pgettext_lazy("audit action", "recorded a step on the conflict"),
    "conflict_closed": pgettext_lazy("audit action", "closed the conflict with its resolution"),
    "evidence_linked": pgettext_lazy("audit action", "linked evidence"),
    "webhook_paused": pgettext_lazy("audit action", "paused the webhook"),
    "webhook_resumed": pgettext_lazy("audit action", "resumed the webhook"),
    "webhook_secret_rotated": pgettext_lazy("audit action", "replaced the webhook's secret"),
    "webhook_replayed": pgettext_lazy("audit action", "sent a webhook delivery again"),
    "export_requested": pgettext_lazy("audit action", "asked for an export of the organisation"),
    "export_downloaded": pgettext_lazy("audit action", "downloaded the organisation's export"),
    "exported": pgettext_lazy("audit action", "exported the organisation"),
    "imported": pgettext_lazy("audit action", "imported the organisation"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


# Names in the changes that are not fields of the model.
EXTRA_LABELS = {"body_length": _("length of the message (characters)")}


def _readable(value: Any) -> Any:
    if isinstance(value, list):  # names, e.g. of attached files
        return ", ".join(str(_readable(item)) for item in value)
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, str) and len(value) > 19 and value[10:11] == "T":
        try:  # a stored moment, shown in the reader's time zone
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment.tzinfo else value
    return value


def change_rows(event: AuditEvent) -> list[tuple[str, Any, Any]]:
    """``(field label, old, new)`` with the model's verbose names and choice labels."""
    model = event.content_type.model_class()
    rows = []
    for name, values in (event.changes or {}).items():
        old, new = [*values, None, None][:2] if isinstance(values, list) else (None, values)
        label: Any = EXTRA_LABELS.get(name, name)
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            if field is not None:
                related = field.related_model if field.is_relation else None
                label = getattr(field, "verbose_name", None) or (
                    related._meta.verbose_name_plural
                    if related is not None and related != "self"
                    else name
                )
                choices = dict(getattr(field, "flatchoices", None) or [])
                old, new = (
                    choices.get(value, value) if isinstance(value, str | int) else value
                    for value in (old, new)
                )
        rows.append((str(label), _readable(old), _readable(new)))
    return rows
