"""The organisation's people through the API: every member reads who is in it (the ids that
name a PM, an owner, an attendee or a team member elsewhere in the API); its owners and
admins change roles, remove members and invite colleagues by email, as on the team page.
Invitation links go by email only: the API never shows one."""

from datetime import datetime
from typing import Annotated, Literal

from django.db.models import QuerySet
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from rapport.core.api_pagination import Pages
from rapport.core.api_schemas import NoBody
from rapport.core.services import require
from rapport.tenancy import permissions, selectors, services
from rapport.tenancy.actors import ActorRequest
from rapport.tenancy.models import Invitation, Membership, Role

router = Router(tags=["organisation"])

RoleText = Annotated[
    str,
    StringConstraints(pattern="^(" + "|".join(Role.values) + ")$"),
    Field(description="owner, admin, pm or member."),
]


class MembershipOut(Schema):
    id: int
    user_id: int
    full_name: str = Field(alias="user.full_name")
    email: str = Field(alias="user.email")
    language: str = Field(alias="user.language")
    role: str
    created_at: datetime
    updated_at: datetime


class MembershipPatch(Schema):
    role: RoleText


class MemberInvitationOut(Schema):
    id: int
    email: str
    role: str
    state: Literal["pending", "accepted", "revoked", "expired"]
    invited_by_id: int | None
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_state(invitation: Invitation) -> str:
        if invitation.accepted_at is not None:
            return "accepted"
        if invitation.revoked_at is not None:
            return "revoked"
        return "pending" if invitation.is_pending else "expired"


class MemberInvitationIn(Schema):
    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=254)]
    role: RoleText = Role.MEMBER.value


# --- members -------------------------------------------------------------------------------


@router.get("/memberships", response=list[MembershipOut], operation_id="memberships_list")
@paginate(Pages)
def memberships_list(request: ActorRequest, role: RoleText | None = None) -> QuerySet[Membership]:
    """Everyone in the organisation, by name."""
    memberships = selectors.members_visible_to(request.actor)
    return memberships.filter(role=role) if role else memberships


@router.get("/memberships/{membership_id}", response=MembershipOut, operation_id="memberships_get")
def memberships_get(request: ActorRequest, membership_id: int) -> Membership:
    return selectors.member_get(actor=request.actor, membership_id=membership_id)


@router.patch(
    "/memberships/{membership_id}", response=MembershipOut, operation_id="memberships_update"
)
def memberships_update(
    request: ActorRequest, membership_id: int, payload: MembershipPatch
) -> Membership:
    """Changes a member's role: owners and admins; only an owner makes or unmakes owners, and
    the organisation keeps at least one owner."""
    actor = request.actor
    membership = selectors.member_get(actor=actor, membership_id=membership_id)
    return services.membership_set_role(actor=actor, membership=membership, role=payload.role)


@router.delete(
    "/memberships/{membership_id}", response={204: None}, operation_id="memberships_remove"
)
def memberships_remove(request: ActorRequest, membership_id: int) -> Status[None]:
    """Removes the member from the organisation; what they did stays on record."""
    actor = request.actor
    membership = selectors.member_get(actor=actor, membership_id=membership_id)
    services.membership_remove(actor=actor, membership=membership)
    return Status(204, None)


# --- invitations ---------------------------------------------------------------------------


@router.get("/invitations", response=list[MemberInvitationOut], operation_id="invitations_list")
@paginate(Pages)
def invitations_list(request: ActorRequest, pending: bool = False) -> QuerySet[Invitation]:
    """The organisation's invitations, newest first (``pending=true``: those still open).
    Owners and admins."""
    actor = request.actor
    require(permissions.can_manage_team(actor))
    invitations = (
        selectors.pending_invitations(actor=actor)
        if pending
        else selectors.invitations_visible_to(actor)
    )
    return invitations.order_by("-created_at", "-id")


@router.post("/invitations", response={201: MemberInvitationOut}, operation_id="invitations_create")
def invitations_create(request: ActorRequest, payload: MemberInvitationIn) -> Status[Invitation]:
    """Emails a colleague a link that makes them a member with the role given, in the
    language of the request; a new invitation to the same address replaces the old."""
    invitation = services.invitation_create(
        actor=request.actor, email=payload.email, role=payload.role
    )
    return Status(201, invitation)


@router.get(
    "/invitations/{invitation_id}", response=MemberInvitationOut, operation_id="invitations_get"
)
def invitations_get(request: ActorRequest, invitation_id: int) -> Invitation:
    return selectors.invitation_get(actor=request.actor, invitation_id=invitation_id)


@router.post(
    "/invitations/{invitation_id}/revoke",
    response=MemberInvitationOut,
    operation_id="invitations_revoke",
)
def invitations_revoke(
    request: ActorRequest, invitation_id: int, payload: NoBody | None = None
) -> Invitation:
    """Withdraws a pending invitation: its link stops working."""
    actor = request.actor
    invitation = selectors.invitation_get(actor=actor, invitation_id=invitation_id)
    return services.invitation_revoke(actor=actor, invitation=invitation)
