"""The one who acts. Every service and selector takes an ``Actor``; nothing reads a
current user from anywhere else."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.http import HttpRequest

from rapport.tenancy.models import ADMIN_ROLES, MANAGER_ROLES, Organisation, Role, User


@dataclass(frozen=True)
class Actor:
    kind: Literal["member", "contact", "anonymous", "system"]
    user: User | None = None
    organisation: Organisation | None = None
    role: str | None = None
    contact_ids: frozenset[int] = field(default_factory=frozenset)
    ip: str | None = None

    @classmethod
    def member(
        cls, user: User, organisation: Organisation, role: str, ip: str | None = None
    ) -> Actor:
        return cls(kind="member", user=user, organisation=organisation, role=role, ip=ip)

    @classmethod
    def contact(cls, user: User, contact_ids: frozenset[int], ip: str | None = None) -> Actor:
        return cls(kind="contact", user=user, contact_ids=contact_ids, ip=ip)

    @classmethod
    def system(cls, organisation: Organisation | None = None) -> Actor:
        return cls(kind="system", organisation=organisation)

    @classmethod
    def anonymous(cls, ip: str | None = None) -> Actor:
        return cls(kind="anonymous", ip=ip)

    @property
    def is_member(self) -> bool:
        return self.kind == "member"

    @property
    def is_contact(self) -> bool:
        return self.kind == "contact"

    @property
    def is_admin(self) -> bool:
        return self.is_member and self.role in ADMIN_ROLES

    @property
    def is_owner(self) -> bool:
        return self.is_member and self.role == Role.OWNER

    @property
    def is_manager(self) -> bool:
        """Owner, admin or project manager: may run clients and projects."""
        return self.is_member and self.role in MANAGER_ROLES

    @property
    def organisation_id(self) -> int:
        """The acting member's organisation; 0 (matching no row) for anyone else."""
        return self.organisation.pk if self.organisation else 0

    @property
    def label(self) -> str:
        if self.kind == "system":
            return "Rapport"
        return str(self.user) if self.user else ""


class ActorRequest(HttpRequest):
    """A request whose view runs for a resolved actor (set by ``member_required`` or
    ``contact_required``)."""

    actor: Actor
    user: User


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind ``RAPPORT_PROXY_COUNT`` reverse proxies
    the address the outermost of them saw, counted from the right of ``X-Forwarded-For`` (the
    entries left of it come from the client and can be forged). Audit events, django-axes and
    the rate limits all use it."""
    from django.conf import settings

    proxies = getattr(settings, "RAPPORT_PROXY_COUNT", 0)
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:45]
    return request.META.get("REMOTE_ADDR")
