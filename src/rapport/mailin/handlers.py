"""Where a reply goes: each kind of reply token names a handler, registered by the app that
owns what is answered (in its ``AppConfig.ready``). A handler posts through that app's own
service, as the token's recipient, or raises ``Refused``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rapport.mailin.models import ReplyToken
from rapport.mailin.parse import Incoming
from rapport.tenancy.actors import Actor

if TYPE_CHECKING:
    from rapport.projects.models import Project


class Refused(Exception):
    """The reply cannot be posted; the reason is kept on the inbound email."""


Handler = Callable[[ReplyToken, Incoming], None]
_handlers: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        _handlers[kind] = function
        return function

    return register


def handle(token: ReplyToken, incoming: Incoming) -> None:
    if token.kind not in _handlers:
        raise Refused(f"nothing answers replies of kind {token.kind!r}")
    _handlers[token.kind](token, incoming)


def recipient_actor(token: ReplyToken, project: Project) -> Actor:
    """Who answers: the token's recipient as a portal contact of the project's client, or as a
    member of its organisation — as they are now (access removed since: refused)."""
    from rapport.clients.models import Contact
    from rapport.clients.selectors import portal_contacts_of
    from rapport.tenancy.models import Membership

    contact = (
        Contact.objects.filter(
            client_id=project.client_id,
            portal_access=True,
            user__is_active=True,
            email__iexact=token.recipient_email,
        )
        .select_related("user")
        .first()
    )
    if contact is not None and contact.user is not None:
        contact_ids = frozenset(portal_contacts_of(contact.user.pk).values_list("pk", flat=True))
        return Actor.contact(contact.user, contact_ids)
    membership = (
        Membership.objects.filter(
            organisation_id=project.organisation_id,
            user__email__iexact=token.recipient_email,
            user__is_active=True,
        )
        .select_related("user", "organisation")
        .first()
    )
    if membership is None:
        raise Refused("the recipient no longer belongs to the organisation or the client")
    return Actor.member(membership.user, membership.organisation, membership.role)
