"""The notification centre: preferences decide email now / digest / nothing, the in-app list
keeps every event with its read state, and every email a person may refuse carries a working
one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core import signing
from django.test import Client as HttpClient
from django.urls import reverse

from rapport.audit.models import AuditEvent
from rapport.notify import digest, recipients
from rapport.notify.kinds import DIGEST, Delivery
from rapport.notify.models import Notification, NotificationPreference, OutboundEmail
from rapport.notify.services import email_deliver, email_queue
from rapport.tenancy.models import User
from tests.conftest import Side, World, login
from tests.notify.smtp import SmtpServer, smtp_mailer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("django_mail_patch_dns")]


def answer_to(contact_email: str, side: Side, language: str = "en") -> OutboundEmail | None:
    """The team answers a contact's question on a report: a kind a contact may turn off."""
    return email_queue(
        to=contact_email,
        template="report_answer",
        context={
            "name": "Zoë",
            "author": "Ada",
            "project": side.project_a.name,
            "reference": "SR-7",
            "body": "We moved the launch.",
            "link": django_settings.SITE_URL + f"/portal/projects/{side.project_a.pk}/",
            "can_reply": False,
        },
        language=language,
        kind="report_answer",
        organisation_id=side.organisation.pk,
    )


def question_to(user: User, side: Side) -> OutboundEmail | None:
    """A client asks the PM about a report: a kind a member may turn off."""
    return email_queue(
        to=user.email,
        template="report_question",
        context={"name": user.full_name, "link": django_settings.SITE_URL + "/app/"},
        language=user.language,
        kind="report_question",
        organisation_id=side.organisation.pk,
    )


def delivered(server: SmtpServer, queued: OutboundEmail) -> EmailMessage:
    email_deliver(email_id=queued.pk)
    raw = server.inbox.envelopes[-1].content
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def choose(user: User, kind: str, delivery: Delivery) -> None:
    NotificationPreference.objects.create(user=user, kind=kind, delivery=delivery)


# --- preferences and delivery, through real SMTP ---------------------------------------------


def test_immediate_email_carries_one_click_unsubscribe_and_stores_the_notification(
    world: World, smtp_server: SmtpServer, settings: Any
) -> None:
    settings.MAILERS = smtp_mailer(smtp_server.port)
    side = world.one
    contact = side.contact_a

    queued = answer_to(contact.email, side)

    assert queued is not None
    message = delivered(smtp_server, queued)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    assert link.startswith(django_settings.SITE_URL + "/unsubscribe/")
    body = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert link in body
    html = message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert link in html
    notification = Notification.objects.get(user=contact.user)
    assert notification.side == Notification.Side.CONTACT
    assert notification.kind == "report_answer"
    assert notification.title == queued.subject
    assert notification.link == f"/portal/projects/{side.project_a.pk}/"
    assert notification.read_at is None and not notification.in_digest


def test_mandatory_email_has_no_unsubscribe_header(
    world: World, smtp_server: SmtpServer, settings: Any
) -> None:
    settings.MAILERS = smtp_mailer(smtp_server.port)
    user = world.one.pm
    choose(user, "password_reset", Delivery.NONE)  # a forged choice cannot silence it

    queued = email_queue(
        to=user.email,
        template="password_reset",
        context={"name": user.full_name, "link": "http://testserver/reset/x/"},
        language="en",
        kind="password_reset",
    )

    assert queued is not None
    message = delivered(smtp_server, queued)
    assert message["List-Unsubscribe"] is None
    assert message["List-Unsubscribe-Post"] is None
    assert "/unsubscribe/" not in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert not Notification.objects.filter(kind="password_reset").exists()


def test_none_sends_nothing_but_keeps_the_notification(world: World) -> None:
    side = world.one
    choose(side.pm, "report_question", Delivery.NONE)

    assert question_to(side.pm, side) is None

    assert not OutboundEmail.objects.filter(to=side.pm.email).exists()
    notification = Notification.objects.get(user=side.pm)
    assert notification.side == Notification.Side.MEMBER
    assert notification.organisation == side.organisation
    assert not notification.in_digest


def test_digest_gathers_the_day_into_one_email_in_the_recipients_language(
    world: World, smtp_server: SmtpServer, settings: Any
) -> None:
    settings.MAILERS = smtp_mailer(smtp_server.port)
    side = world.one
    contact = side.contact_a
    choose(contact.user, "report_answer", Delivery.DIGEST)  # type: ignore[arg-type]

    assert answer_to(contact.email, side, language="zh-hans") is None
    assert answer_to(contact.email, side, language="zh-hans") is None
    assert not OutboundEmail.objects.exists()
    assert Notification.objects.filter(in_digest=True).count() == 2

    assert digest.send_all() == 1
    assert digest.send_all() == 0  # nothing waits any more: a second run sends nothing

    queued = OutboundEmail.objects.get()
    assert queued.kind == DIGEST
    assert queued.to == contact.email
    message = delivered(smtp_server, queued)
    assert queued.language == "zh-hans"  # rendered in the recipient's language
    assert "2" in message["Subject"]
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert body.count(f"/portal/projects/{side.project_a.pk}/") == 2
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Notification.objects.filter(in_digest=True).exists()
    assert Notification.objects.filter(user=contact.user, read_at__isnull=True).count() == 2


def test_unregistered_kind_is_refused(world: World) -> None:
    with pytest.raises(LookupError, match="not registered"):
        email_queue(to="a@b.test", template="report_answer", context={}, language="en", kind="x")


# --- one-click unsubscribe ----------------------------------------------------------------------


def unsubscribe_path(queued: OutboundEmail) -> str:
    return urlsplit(queued.unsubscribe_url).path


def test_one_click_post_turns_the_kind_off_without_login(world: World) -> None:
    side = world.one
    queued = answer_to(side.contact_a.email, side)
    assert queued is not None
    anonymous = HttpClient(enforce_csrf_checks=True)

    page = anonymous.get(unsubscribe_path(queued))
    assert page.status_code == 200
    assert side.contact_a.email in page.content.decode()
    assert not NotificationPreference.objects.exists()  # looking changes nothing

    response = anonymous.post(unsubscribe_path(queued), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    preference = NotificationPreference.objects.get()
    assert (preference.user, preference.kind, preference.delivery) == (
        side.contact_a.user,
        "report_answer",
        Delivery.NONE,
    )
    assert AuditEvent.objects.filter(action="unsubscribed").count() == 1
    assert answer_to(side.contact_a.email, side) is None  # the next one is not sent


def test_contact_without_login_unsubscribes_as_the_contact(world: World) -> None:
    side = world.one
    side.contact_b.user = None
    side.contact_b.portal_access = False
    side.contact_b.save()
    queued = answer_to(side.contact_b.email, side)
    assert queued is not None

    HttpClient().post(unsubscribe_path(queued))

    preference = NotificationPreference.objects.get()
    assert preference.user is None and preference.contact == side.contact_b
    assert answer_to(side.contact_b.email, side) is None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token[: len(token) // 2],
        lambda token: "not-a-token",
        lambda token: signing.dumps({"k": "report_answer", "s": "contact", "u": 1}),  # no salt
        lambda token: signing.dumps(
            {"k": "password_reset", "s": "member", "u": 1}, salt=recipients.UNSUBSCRIBE_SALT
        ),  # a mandatory kind cannot be turned off
        lambda token: signing.dumps(
            {"k": "nope", "s": "member", "u": 1}, salt=recipients.UNSUBSCRIBE_SALT
        ),
        lambda token: signing.dumps(
            {"k": "report_answer", "s": "member", "u": 10**9}, salt=recipients.UNSUBSCRIBE_SALT
        ),
    ],
)
def test_tampered_unsubscribe_link_is_a_clear_error(world: World, mangle: Any) -> None:
    side = world.one
    queued = answer_to(side.contact_a.email, side)
    assert queued is not None
    token = unsubscribe_path(queued).removeprefix("/unsubscribe/").rstrip("/")
    path = reverse("unsubscribe:confirm", args=[mangle(token)])

    for method in ("get", "post"):
        response = getattr(HttpClient(), method)(path)
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    assert not NotificationPreference.objects.exists()
    assert not AuditEvent.objects.filter(action="unsubscribed").exists()


def test_digest_unsubscribe_turns_the_digest_off(world: World) -> None:
    side = world.one
    choose(side.pm, "report_question", Delivery.DIGEST)
    question_to(side.pm, side)
    digest.send_all()
    queued = OutboundEmail.objects.get(kind=DIGEST)

    HttpClient().post(unsubscribe_path(queued))

    assert NotificationPreference.objects.get(user=side.pm).delivery == Delivery.NONE


# --- the in-app list, both sides --------------------------------------------------------------


def test_member_reads_opens_and_marks_all_read(world: World) -> None:
    side = world.one
    question_to(side.pm, side)
    question_to(side.pm, side)
    first, second = Notification.objects.filter(user=side.pm).order_by("pk")
    http = login(side.pm)

    page = http.get(reverse("notifications:list"))
    assert page.status_code == 200
    assert page.content.decode().count(first.title) == 2
    assert '<span class="count">2' in page.content.decode()  # the bell

    opened = http.get(reverse("notifications:open", args=[first.pk]))
    assert opened.status_code == 302 and opened["Location"] == "/app/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert '<span class="count">1' in http.get(reverse("notifications:list")).content.decode()

    http.post(reverse("notifications:read_all"))
    second.refresh_from_db()
    assert second.read_at is not None
    assert '<span class="count">' not in http.get(reverse("notifications:list")).content.decode()


def test_portal_contact_sees_only_their_portal_notifications(world: World) -> None:
    side = world.one
    answer_to(side.contact_a.email, side)
    question_to(side.pm, side)
    mine = Notification.objects.get(user=side.contact_a.user)
    http = login(side.contact_a.user)  # type: ignore[arg-type]

    page = http.get(reverse("portal_notifications:list")).content.decode()

    assert mine.title in page
    assert Notification.objects.get(user=side.pm).title not in page
    response = http.post(reverse("portal_notifications:read", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_nobody_sees_or_marks_someone_elses_notification(world: World) -> None:
    side = world.one
    question_to(side.pm, side)
    answer_to(side.contact_a.email, side)
    pms = Notification.objects.get(user=side.pm)
    contacts = Notification.objects.get(user=side.contact_a.user)

    for user in (side.admin, world.two.pm):
        http = login(user)
        assert http.get(reverse("notifications:open", args=[pms.pk])).status_code == 404
        assert http.post(reverse("notifications:read", args=[pms.pk])).status_code == 404
        assert pms.title not in http.get(reverse("notifications:list")).content.decode()
        http.post(reverse("notifications:read_all"))
    # a member cannot reach a portal notification through the app, nor the other way round
    pm = login(side.pm)
    assert pm.get(reverse("notifications:open", args=[contacts.pk])).status_code == 404
    contact = login(side.contact_b.user)  # type: ignore[arg-type]
    assert contact.get(reverse("portal_notifications:open", args=[contacts.pk])).status_code == 404
    assert contact.get(reverse("portal_notifications:open", args=[pms.pk])).status_code == 404
    pms.refresh_from_db()
    contacts.refresh_from_db()
    assert pms.read_at is None and contacts.read_at is None


def test_notification_of_another_organisation_is_not_in_this_ones_list(world: World) -> None:
    """A person in two organisations sees each organisation's notifications in it alone."""
    side = world.one
    question_to(side.pm, side)
    notification = Notification.objects.get(user=side.pm)
    notification.organisation = world.two.organisation
    notification.save()

    page = login(side.pm).get(reverse("notifications:list")).content.decode()

    assert notification.title not in page


# --- preferences page -------------------------------------------------------------------------


def test_member_chooses_per_kind_and_mandatory_kinds_are_locked(world: World) -> None:
    side = world.one
    http = login(side.pm)

    page = http.get(reverse("notifications:preferences")).content.decode()
    assert 'name="report_question"' in page
    assert 'name="report_answer"' not in page  # a contact's kind
    assert 'name="member_invitation"' in page and "disabled" in page

    response = http.post(
        reverse("notifications:preferences"),
        {"report_question": "digest", "message_posted": "none", "member_invitation": "none"},
    )

    assert response.status_code == 302
    chosen = dict(
        NotificationPreference.objects.filter(user=side.pm).values_list("kind", "delivery")
    )
    assert chosen["report_question"] == "digest"
    assert chosen["message_posted"] == "none"
    assert "member_invitation" not in chosen
    assert AuditEvent.objects.filter(action="notification_preferences_changed").count() == 1
    assert question_to(side.pm, side) is None
    assert Notification.objects.get(user=side.pm).in_digest


def test_contact_chooses_in_the_portal(world: World) -> None:
    contact = world.one.contact_a
    http = login(contact.user)  # type: ignore[arg-type]

    page = http.get(reverse("portal_notifications:preferences")).content.decode()
    assert 'name="report_answer"' in page and 'name="report_question"' not in page

    http.post(reverse("portal_notifications:preferences"), {"report_answer": "none"})

    assert NotificationPreference.objects.get(user=contact.user).delivery == "none"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_bad_delivery_is_refused_in_the_users_language(world: World, language: str) -> None:
    side = world.one
    side.pm.language = language
    side.pm.save()
    http = login(side.pm)

    response = http.post(
        reverse("notifications:preferences"),
        {"report_question": "carrier-pigeon", "message_posted": "none"},
        headers={"accept-language": language},
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert ("Select a valid choice" in text) if language == "en" else ("选择一个有效的选项" in text)
    assert not NotificationPreference.objects.exists()  # nothing half-written
