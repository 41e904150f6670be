"""Who may do what with a project's meetings.

The project's PM and the organisation's owners and admins schedule meetings, build agendas and
write minutes; everyone on the project's team reads them. In the portal a client contact sees
the meetings they are invited to (not every meeting of the project: a steering committee with
the sponsor is not every key user's business), their agenda, and the minutes once published;
they confirm or correct the minutes of meetings they attended, and see and close the action
items they own."""

from __future__ import annotations

from rapport.meetings.models import ActionItem, Meeting
from rapport.projects import permissions as project_permissions
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor


def can_view(actor: Actor, project: Project) -> bool:
    """Meetings, agendas, minutes (with the internal notes) and action items: the team."""
    return project.organisation_id == actor.organisation_id and project_permissions.is_on_project(
        actor, project
    )


def can_manage(actor: Actor, project: Project) -> bool:
    """Schedule, reschedule, cancel, build the agenda, write and publish the minutes."""
    return project_permissions.can_edit_project(actor, project)


def is_invited(actor: Actor, meeting: Meeting) -> bool:
    """A contact actor who is among the meeting's client attendees."""
    return actor.is_contact and any(
        contact.pk in actor.contact_ids for contact in meeting.client_attendees.all()
    )


def can_respond(actor: Actor, meeting: Meeting) -> bool:
    """Confirm the minutes or propose a correction: the client attendees."""
    return is_invited(actor, meeting)


def can_close(actor: Actor, action_item: ActionItem) -> bool:
    """Its owner (a team member in the app, a contact in the portal), or the project's
    managers."""
    if actor.is_contact:
        return action_item.owner_contact_id in actor.contact_ids
    if not actor.is_member or action_item.project.organisation_id != actor.organisation_id:
        return False
    if actor.user is not None and action_item.owner_user_id == actor.user.pk:
        return True
    return can_manage(actor, action_item.project)
