import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rapport.audit.models import AuditEvent
from rapport.clients import services
from rapport.clients.models import Client, Contact
from rapport.notify.models import OutboundEmail

pytestmark = pytest.mark.django_db


def test_pm_creates_a_client_with_an_audit_event(world):
    side = world.one

    client = services.client_create(
        actor=side.actor(side.pm), name="  Blue Harbour ", website="", language="zh-hans", notes=""
    )

    assert client.name == "Blue Harbour"
    assert client.organisation == side.organisation
    event = AuditEvent.objects.get(object_id=str(client.pk), content_type__model="client")
    assert event.action == "created"
    assert event.changes["name"] == [None, "Blue Harbour"]
    assert event.actor_user == side.pm


def test_team_member_cannot_create_a_client(world):
    with pytest.raises(PermissionDenied):
        services.client_create(actor=world.one.actor(world.one.member), name="Nope")
    assert not Client.objects.filter(name="Nope").exists()


def test_duplicate_client_name_in_any_case_is_refused(world):
    side = world.one
    with pytest.raises(ValidationError) as error:
        services.client_create(actor=side.actor(side.pm), name=side.client_a.name.upper())
    assert "A client with this name already exists." in error.value.messages


def test_same_client_name_is_fine_in_another_organisation(world):
    client = services.client_create(
        actor=world.two.actor(world.two.pm), name=world.one.client_a.name
    )
    assert client.organisation == world.two.organisation


def test_update_records_old_and_new_values(world):
    side = world.one
    services.client_update(
        actor=side.actor(side.admin), client=side.client_a, notes="Prefers calls"
    )

    event = AuditEvent.objects.get(
        object_id=str(side.client_a.pk), action="updated", content_type__model="client"
    )
    assert event.changes == {"notes": ["", "Prefers calls"]}


def test_update_without_change_writes_no_event(world):
    side = world.one
    services.client_update(
        actor=side.actor(side.admin), client=side.client_a, name=side.client_a.name
    )
    assert not AuditEvent.objects.filter(action="updated").exists()


def test_contact_email_unique_per_client(world):
    side = world.one
    with pytest.raises(ValidationError):
        services.contact_create(
            actor=side.actor(side.pm),
            client=side.client_a,
            full_name="Twin",
            email=side.contact_a.email.upper(),
        )
    contact = services.contact_create(
        actor=side.actor(side.pm),
        client=side.client_b,
        full_name="Same person",
        email="x@" + "client.test",
    )
    assert contact.email == "x@client.test"


def test_contact_with_unknown_time_zone_is_refused(world):
    side = world.one
    with pytest.raises(ValidationError) as error:
        services.contact_create(
            actor=side.actor(side.pm),
            client=side.client_a,
            full_name="Zoe",
            time_zone="Nowhere/City",
        )
    assert "time_zone" in error.value.message_dict


def test_portal_invitation_round_trip(world, client, django_capture_on_commit_callbacks):
    side = world.one
    contact = services.contact_create(
        actor=side.actor(side.pm),
        client=side.client_a,
        full_name="Mina Park",
        email="mina@client.test",
        language="en",
        time_zone="Asia/Seoul",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_invite_to_portal(actor=side.actor(side.pm), contact=contact)
    email = OutboundEmail.objects.get(to="mina@client.test")
    token = re.search(r"/portal/invitation/(\S+)/", email.body_text).group(1)

    weak = client.post(f"/portal/invitation/{token}/", {"password1": "123", "password2": "123"})
    assert weak.status_code == 200
    contact.refresh_from_db()
    assert contact.user is None

    response = client.post(
        f"/portal/invitation/{token}/",
        {"password1": "portal-pass-2026!", "password2": "portal-pass-2026!"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    contact.refresh_from_db()
    assert contact.portal_access and contact.user.email == "mina@client.test"
    assert contact.user.time_zone == "Asia/Seoul"
    page = client.get("/portal/").content.decode()
    assert side.project_a.name in page
    assert side.project_a_draft.name not in page  # unpublished
    assert side.project_b.name not in page  # another client's
    assert client.get(f"/portal/invitation/{token}/").status_code == 410


def test_contact_without_email_cannot_be_invited(world):
    side = world.one
    contact = services.contact_create(
        actor=side.actor(side.pm), client=side.client_a, full_name="No Mail"
    )
    with pytest.raises(ValidationError):
        services.contact_invite_to_portal(actor=side.actor(side.pm), contact=contact)
    assert not OutboundEmail.objects.exists()


def test_revoking_portal_access_closes_the_portal(world, login_as):
    side = world.one
    portal = login_as(side.contact_a.user)
    assert portal.get("/portal/").status_code == 200

    services.contact_revoke_portal_access(actor=side.actor(side.pm), contact=side.contact_a)

    assert portal.get("/portal/").status_code == 404
    assert Contact.objects.get(pk=side.contact_a.pk).portal_access is False
