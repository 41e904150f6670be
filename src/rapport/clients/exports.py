"""The columns of the clients list and of a client's contacts, as exported."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.clients import health
from rapport.clients.models import Client, Contact
from rapport.core.export import Column


def client_columns(*, show_health: bool) -> list[Column[Client]]:
    """The health score only for those who see it on the page."""
    columns: list[Column[Client]] = [
        Column(_("Name"), lambda client: client.name),
        Column(_("Website"), lambda client: client.website),
        Column(_("Language"), lambda client: client.get_language_display()),
    ]
    if show_health:
        columns += [
            Column(_("Health"), lambda client: client.health_score),  # type: ignore[attr-defined]
            Column(
                _("Health band"),
                lambda client: str(
                    health.BAND_LABELS.get(health.band(client.health_score), "")  # type: ignore[attr-defined]
                ),
            ),
        ]
    return [
        *columns,
        Column(_("Contacts"), lambda client: client.contact_count),  # type: ignore[attr-defined]
        Column(_("Projects"), lambda client: client.project_count),  # type: ignore[attr-defined]
    ]


CONTACT_COLUMNS: list[Column[Contact]] = [
    Column(_("Name"), lambda contact: contact.full_name),
    Column(_("Job title"), lambda contact: contact.job_title),
    Column(_("Email"), lambda contact: contact.email),
    Column(_("Phone"), lambda contact: contact.phone),
    Column(_("Language"), lambda contact: contact.get_language_display()),
    Column(_("Time zone"), lambda contact: contact.time_zone),
    Column(_("Preferred channel"), lambda contact: contact.get_preferred_channel_display()),
    Column(
        _("Stakeholder roles"),
        lambda contact: "; ".join(
            f"{role.project.name}: {role.get_role_display()}"
            for role in contact.roles  # type: ignore[attr-defined]
        ),
    ),
    Column(_("Portal"), lambda contact: contact.portal_access),
]
