from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.clients.models import Contact
from rapport.communication.models import PlanItem
from rapport.core.forms import MAX_ID, ModelMultipleChoiceField
from rapport.meetings.models import AgendaItem, Frequency, Kind, Meeting
from rapport.projects.models import Project
from rapport.tenancy.forms import TimeZoneField
from rapport.tenancy.models import User

DATE = forms.DateInput({"type": "date"})
TIME = forms.TimeInput({"type": "time"}, format="%H:%M")


def team_of(project: Project) -> Any:
    return User.objects.filter(
        memberships__organisation_id=project.organisation_id, is_active=True
    ).order_by("full_name", "email")


def contacts_of(project: Project) -> Any:
    return Contact.objects.filter(client_id=project.client_id).order_by("full_name", "id")


class OwnerField(forms.ChoiceField):
    """One list of people: the team (``u:<id>``) and the client's contacts (``c:<id>``)."""

    def __init__(self, *, project: Project, required: bool, **kwargs: Any) -> None:
        team = [(f"u:{user.pk}", user.full_name or user.email) for user in team_of(project)]
        client = [(f"c:{contact.pk}", contact.full_name) for contact in contacts_of(project)]
        choices: list[Any] = [("", "—")]
        choices += [(_("Team"), team), (project.client.name, client)]
        super().__init__(choices=choices, required=required, **kwargs)

    @staticmethod
    def split(value: str) -> tuple[int | None, int | None]:
        """``(user_id, contact_id)`` from a chosen value."""
        if not value:
            return None, None
        kind, _sep, pk = value.partition(":")
        number = int(pk) if pk.isdigit() and int(pk) <= MAX_ID else None
        return (number, None) if kind == "u" else (None, number)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=Kind.choices)
    day = forms.DateField(label=_("Day"), widget=DATE)
    start = forms.TimeField(label=_("Starts at"), widget=TIME)
    end = forms.TimeField(label=_("Ends at"), widget=TIME)
    time_zone = TimeZoneField()
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Video link"), max_length=500, required=False)
    attendees = ModelMultipleChoiceField(
        label=_("Team attendees"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    client_attendees = ModelMultipleChoiceField(
        label=_("Client attendees"),
        queryset=Contact.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    plan_item = forms.ModelChoiceField(
        label=_("Fulfils the communication plan's item"),
        queryset=PlanItem.objects.none(),
        required=False,
        help_text=_("Holding the meeting logs a touchpoint against it."),
    )
    frequency = forms.ChoiceField(
        label=_("Repeats"),
        choices=[("", _("Does not repeat")), *Frequency.choices],
        required=False,
    )
    until = forms.DateField(label=_("Until"), widget=DATE, required=False)
    count = forms.IntegerField(
        label=_("Or a number of occurrences"), min_value=2, max_value=52, required=False
    )

    def __init__(
        self, *args: Any, project: Project, meeting: Meeting | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = team_of(project)  # type: ignore[attr-defined]
        self.fields["client_attendees"].queryset = contacts_of(project)  # type: ignore[attr-defined]
        self.fields["plan_item"].queryset = project.communication_plan.order_by("title")  # type: ignore[attr-defined]
        self.fields["time_zone"].label = _("Time zone of the times above")
        if meeting is not None:
            for name in ("frequency", "until", "count"):
                del self.fields[name]
            local = timezone.localtime(meeting.start, _zone(meeting.time_zone))
            self.initial.update(
                {
                    "title": meeting.title,
                    "kind": meeting.kind,
                    "day": local.date(),
                    "start": local.time(),
                    "end": timezone.localtime(meeting.end, _zone(meeting.time_zone)).time(),
                    "time_zone": meeting.time_zone,
                    "place": meeting.place,
                    "video_link": meeting.video_link,
                    "attendees": list(meeting.attendees.all()),
                    "client_attendees": list(meeting.client_attendees.all()),
                    "plan_item": meeting.plan_item_id,
                }
            )

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {
            "title": data["title"],
            "kind": data["kind"],
            "start": datetime.combine(data["day"], data["start"]),
            "end": datetime.combine(data["day"], data["end"]),
            "time_zone": data["time_zone"],
            "place": data["place"],
            "video_link": data["video_link"],
            "attendee_ids": [user.pk for user in data["attendees"]],
            "contact_ids": [contact.pk for contact in data["client_attendees"]],
            "plan_item_id": data["plan_item"].pk if data.get("plan_item") else None,
        }
        if "frequency" in self.fields:
            values.update(
                frequency=data.get("frequency") or "",
                until=data.get("until"),
                count=data.get("count"),
            )
        return values


def _zone(name: str) -> Any:
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the attendees)"), max_length=500, required=False
    )
    following = forms.BooleanField(
        label=_("Also cancel the later meetings of this series"), required=False
    )


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    time_box = forms.IntegerField(
        label=_("Time box (minutes)"), min_value=1, max_value=480, initial=10
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000, required=False)

    def __init__(
        self, *args: Any, project: Project, item: AgendaItem | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = OwnerField(project=project, required=False, label=_("Owner"))
        if item is None:
            del self.fields["order"]
        else:
            self.initial.update(
                {
                    "title": item.title,
                    "time_box": item.time_box,
                    "order": item.order,
                    "owner": f"u:{item.owner_user_id}"
                    if item.owner_user_id
                    else (f"c:{item.owner_contact_id}" if item.owner_contact_id else ""),
                }
            )

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        user_id, contact_id = OwnerField.split(data.pop("owner", ""))
        if data.get("order") is None:
            data.pop("order", None)
        return {**data, "owner_user_id": user_id, "owner_contact_id": contact_id}


class CarryForm(forms.Form):
    source = forms.ChoiceField(
        choices=[(s, s) for s in AgendaItem.Source.values if s != AgendaItem.Source.MANUAL]
    )
    object_id = forms.IntegerField(min_value=1, max_value=MAX_ID)


class MinutesForm(forms.Form):
    present_users = ModelMultipleChoiceField(
        label=_("Present (team)"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    present_contacts = ModelMultipleChoiceField(
        label=_("Present (client)"),
        queryset=Contact.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    summary = forms.CharField(
        label=_("Summary (the client reads it)"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    internal_notes = forms.CharField(
        label=_("Internal notes (never shown to the client)"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm_days = forms.IntegerField(
        label=_("Days the client has to confirm"), min_value=1, max_value=60, initial=5
    )
    reason = forms.CharField(
        label=_("What this correction changes"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The published version stays as it was; the client confirms the new one."),
    )

    def __init__(
        self,
        *args: Any,
        meeting: Meeting,
        agenda: list[AgendaItem],
        published: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        project = meeting.project
        self.agenda = agenda
        self.fields["present_users"].queryset = team_of(project)  # type: ignore[attr-defined]
        self.fields["present_contacts"].queryset = contacts_of(project)  # type: ignore[attr-defined]
        for item in agenda:
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=item.title,
                max_length=10000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.initial.setdefault(f"note_{item.pk}", item.notes)
        if not published:
            del self.fields["reason"]
        self.order_fields(
            [
                "present_users",
                "present_contacts",
                "summary",
                *(f"note_{item.pk}" for item in agenda),
                "internal_notes",
                "confirm_days",
                "reason",
            ]
        )
        minutes = getattr(meeting, "minutes", None)
        if minutes is not None:
            self.initial.update(
                {
                    "present_users": list(minutes.present_users.all()),
                    "present_contacts": list(minutes.present_contacts.all()),
                    "summary": minutes.summary,
                    "internal_notes": minutes.internal_notes,
                    "confirm_days": minutes.confirm_days,
                }
            )
        else:
            self.initial.update(
                {
                    "present_users": list(meeting.attendees.all()),
                    "present_contacts": list(meeting.client_attendees.all()),
                }
            )

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "present_user_ids": [user.pk for user in data["present_users"]],
            "present_contact_ids": [contact.pk for contact in data["present_contacts"]],
            "summary": data["summary"],
            "internal_notes": data["internal_notes"],
            "confirm_days": data["confirm_days"],
            "notes": {item.pk: data.get(f"note_{item.pk}", "") for item in self.agenda},
            "reason": data.get("reason", ""),
        }


def _agenda_choices(agenda: list[AgendaItem]) -> list[tuple[str, str]]:
    return [("", "—"), *((str(item.pk), item.title) for item in agenda)]


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    agenda_item = forms.TypedChoiceField(
        label=_("Agenda item"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self, *args: Any, project: Project, agenda: list[AgendaItem], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decided_by"] = OwnerField(
            project=project, required=True, label=_("Decided by")
        )
        self.fields["agenda_item"].choices = _agenda_choices(agenda)  # type: ignore[attr-defined]

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        user_id, contact_id = OwnerField.split(data.pop("decided_by"))
        return {
            "text": data["text"],
            "agenda_item_id": data.get("agenda_item"),
            "decided_by_user_id": user_id,
            "decided_by_contact_id": contact_id,
        }


class ActionItemForm(forms.Form):
    what = forms.CharField(label=_("What"), max_length=300)
    due_date = forms.DateField(label=_("Due date"), widget=DATE)
    agenda_item = forms.TypedChoiceField(
        label=_("Agenda item"), coerce=int, required=False, empty_value=None
    )
    confirm_past_due = forms.BooleanField(
        label=_("The due date is in the past: record it anyway"), required=False
    )

    def __init__(
        self, *args: Any, project: Project, agenda: list[AgendaItem], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = OwnerField(
            project=project,
            required=False,
            label=_("Owner"),
            help_text=_("A team member or a client contact."),
        )
        self.fields["agenda_item"].choices = _agenda_choices(agenda)  # type: ignore[attr-defined]
        self.order_fields(["what", "owner", "due_date", "agenda_item", "confirm_past_due"])

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        user_id, contact_id = OwnerField.split(data.pop("owner", ""))
        return {
            "what": data["what"],
            "due_date": data["due_date"],
            "agenda_item_id": data.get("agenda_item"),
            "owner_user_id": user_id,
            "owner_contact_id": contact_id,
            "confirm_past_due": data.get("confirm_past_due", False),
        }


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PublishForm(forms.Form):
    reason = forms.CharField(
        label=_("What this correction changes"), max_length=2000, required=False
    )


class RespondForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            ("confirm", _("I confirm these minutes")),
            ("correct", _("I propose a correction")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Correction"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
