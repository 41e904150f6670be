"""The columns of the team list, as exported."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.core.export import Column
from rapport.tenancy.models import Membership

MEMBER_COLUMNS: list[Column[Membership]] = [
    Column(_("Name"), lambda membership: membership.user.full_name),
    Column(_("Email"), lambda membership: membership.user.email),
    Column(_("Role"), lambda membership: membership.get_role_display()),
    Column(_("Language"), lambda membership: membership.user.get_language_display()),
    Column(_("Time zone"), lambda membership: membership.user.time_zone),
]
