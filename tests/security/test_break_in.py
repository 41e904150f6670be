"""Break-in attempts through the channels that are not pages or the API: email replies and the
links mailed to people (survey answers, invitations, password resets, unsubscribes). The
attacker has a real account or contact in organisation one and tries to read or change what
belongs to organisation two, another client, or another person."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from rapport.clients import services as client_services
from rapport.clients.models import Contact
from rapport.feedback import services as feedback
from rapport.feedback.models import Feedback, Question, SurveyInvitation
from rapport.mailin import addresses, services
from rapport.mailin.models import InboundEmail, ReplyToken
from rapport.messaging import services as messaging
from rapport.messaging.models import Message
from rapport.notify import kinds, recipients
from rapport.notify.models import NotificationPreference, OutboundEmail
from rapport.projects.models import ProjectMember
from rapport.tenancy import services as tenancy
from rapport.tenancy.models import Invitation, Membership, Role
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db

DOMAIN = "reply.rapport.test"


# --- email replies --------------------------------------------------------------------------


@pytest.fixture
def threads(world, settings):
    """A conversation on project A of each organisation, opened by its PM."""
    settings.RAPPORT_MAIL_IN_DOMAIN = DOMAIN
    opened = {}
    for name in ("one", "two"):
        side = getattr(world, name)
        opened[name] = messaging.thread_open(
            actor=side.actor(side.pm),
            project=side.project_a,
            subject=f"Go-live {name}",
            body="Can your team test on Saturday?",
        )
    return opened


def _address(thread, email: str) -> str:
    address = addresses.reply_address(
        kind=messaging.REPLY_KIND,
        object_id=thread.pk,
        recipient_email=email,
        organisation_id=thread.project.organisation_id,
    )
    assert address is not None
    return address


def _raw(sender: str, to: str, text: str = "Yes, Saturday works.", **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Re: Go-live"
    message_id = headers.pop("message_id", make_msgid(domain="client.test"))
    if message_id:
        message["Message-ID"] = message_id
    html = headers.pop("html", None)
    if html is not None:
        message.set_content(html, subtype="html")
    else:
        message.set_content(text)
    return message.as_bytes()


def _deliver(address: str, raw: bytes, mail_from: str = "") -> InboundEmail | None:
    """What ``rapport mail-in`` does at RCPT and DATA, then what the worker does."""
    services.inbound_check_recipient(address)
    inbound = services.inbound_receive(mail_from=mail_from, rcpt_to=address, raw=raw)
    if inbound is not None:
        inbound = services.inbound_process(inbound_id=inbound.pk)
    return inbound


def _refused_at_the_door(address: str, raw: bytes) -> str:
    with pytest.raises(services.Rejected) as rejected:
        _deliver(address, raw)
    return rejected.value.smtp_reply


def test_a_reply_address_carries_at_least_128_random_bits(world, threads):
    address = _address(threads["one"], world.one.contact_a.email)
    token = addresses.token_of(address)
    assert token is not None and len(token) * 6 >= 128
    assert not ReplyToken.objects.filter(token_hash=token).exists()  # only its digest is kept


def test_another_organisations_reply_address_cannot_be_used_or_altered(world, threads):
    attacker = world.one.contact_a
    theirs = _address(threads["two"], world.two.contact_a.email)
    before = Message.objects.count()

    # their address, with the attacker's own From: refused as a stranger
    assert _refused_at_the_door(theirs, _raw(attacker.email, theirs)).startswith("550 5.7.1")
    # the attacker's own address altered by one character, or made up: no such address
    mine = _address(threads["one"], attacker.email)
    token = addresses.token_of(mine)
    assert token is not None
    flipped = "A" if token[-1] != "A" else "B"
    for forged in (
        mine.replace(token, token[:-1] + flipped),
        mine.replace(token, token[:-2]),
        f"reply+{'A' * 27}@{DOMAIN}",
        mine.replace(DOMAIN, "evil.test"),
        f"reply+{token}+{token}@{DOMAIN}",
    ):
        assert _refused_at_the_door(forged, _raw(attacker.email, forged)).startswith("550 5.1.1")
    assert Message.objects.count() == before
    assert not InboundEmail.objects.exists()


def test_a_token_never_reaches_outside_its_own_organisation(world, threads):
    """Even a token row naming another organisation's thread (a bug elsewhere, a restored
    backup) posts nothing there."""
    attacker = world.one.pm
    address = _address(threads["one"], attacker.email)
    token = ReplyToken.objects.latest("id")
    ReplyToken.objects.filter(pk=token.pk).update(object_id=threads["two"].pk)
    before = threads["two"].messages.count()

    inbound = _deliver(address, _raw(attacker.email, address, "Injected into org two"))

    assert inbound is not None and inbound.status == InboundEmail.Status.REJECTED
    assert threads["two"].messages.count() == before
    assert not Message.objects.filter(body__contains="Injected").exists()


def test_spoofing_a_contact_of_another_client_or_person_is_refused(world, threads):
    address = _address(threads["one"], world.one.contact_a.email)
    for sender in (
        world.one.contact_b.email,  # a contact of the other client
        world.two.contact_a.email,  # a contact of the other organisation
        world.one.pm.email,  # a member of the same organisation
        f'"{world.one.contact_a.email}" <mallory@evil.test>',  # the address only in the name
        f"mallory@evil.test, {world.one.contact_a.email}",
        f"{world.one.contact_a.email}, mallory@evil.test",  # two authors: who wrote it?
    ):
        assert _refused_at_the_door(address, _raw(sender, address)).startswith("550 5.7.1"), sender
    assert not InboundEmail.objects.exists()


def test_a_recipient_who_lost_access_since_cannot_post(world, threads):
    side = world.one
    member_address = _address(threads["one"], side.member.email)
    contact_address = _address(threads["one"], side.contact_a.email)
    ProjectMember.objects.filter(project=side.project_a, user=side.member).delete()
    client_services.contact_revoke_portal_access(actor=side.actor(side.pm), contact=side.contact_a)
    before = Message.objects.count()

    for address, sender in (
        (member_address, side.member.email),
        (contact_address, side.contact_a.email),
    ):
        inbound = _deliver(address, _raw(sender, address))
        assert inbound is not None and inbound.status == InboundEmail.Status.REJECTED, sender
    assert Message.objects.count() == before


def test_an_address_that_expires_before_the_worker_reads_it_posts_nothing(world, threads):
    contact = world.one.contact_a
    address = _address(threads["one"], contact.email)
    inbound = services.inbound_receive(
        mail_from="", rcpt_to=address, raw=_raw(contact.email, address)
    )
    assert inbound is not None
    ReplyToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    before = Message.objects.count()

    assert services.inbound_process(inbound_id=inbound.pk).status == InboundEmail.Status.REJECTED
    assert Message.objects.count() == before
    with pytest.raises(services.Rejected):
        services.inbound_check_recipient(address)


def test_the_same_message_delivered_again_is_posted_once(world, threads):
    contact = world.one.contact_a
    address = _address(threads["one"], contact.email)
    before = Message.objects.count()
    with_id = _raw(contact.email, address, "With an id", message_id="<same@client.test>")
    without_id = _raw(contact.email, address, "Without an id", message_id="")
    assert b"Message-ID" not in without_id

    for raw in (with_id, with_id, without_id, without_id):
        _deliver(address, raw)
    # and once more after it was posted, as a replay by someone who kept a copy
    assert _deliver(address, without_id) is None

    assert Message.objects.count() == before + 2
    assert InboundEmail.objects.count() == 2
    # processing a kept message again posts nothing more
    for inbound in InboundEmail.objects.all():
        services.inbound_process(inbound_id=inbound.pk)
    assert Message.objects.count() == before + 2


def test_an_oversized_message_is_refused_before_it_is_kept(world, threads, settings):
    contact = world.one.contact_a
    address = _address(threads["one"], contact.email)
    settings.RAPPORT_MAIL_IN_MAX_BYTES = 10_000
    raw = _raw(contact.email, address, "x" * 20_000)
    assert _refused_at_the_door(address, raw).startswith("552")
    assert not InboundEmail.objects.exists()


MALFORMED = [
    b"",
    b"\x00\xff\xfe garbage",
    b"From:\r\n\r\nno sender",
    b"From: <>\r\nSubject: =?utf-8?b?????\r\n\r\nbody",
    b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n--x--",
    b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\n\xff\xfe",
    b"From: " + b"a" * 5000 + b"@" + b"b" * 5000 + b"\r\n\r\nlong",
]


def _malformed_from(sender: str) -> list[bytes]:
    """Broken messages that at least claim the right sender, so they get past the door."""
    head = f"From: {sender}\r\nMessage-ID: <{{n}}@client.test>\r\n".encode()
    bodies = [
        b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\n\xff\xfe\xfd",
        b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n--x--",
        b"Content-Type: multipart/mixed\r\n\r\nno boundary at all",
        b"Content-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64",
        b"Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=\r\n",
        b"Content-Type: " + b"multipart/mixed; boundary=a\r\n\r\n--a\r\n" * 50 + b"\r\n",
    ]
    return [head.replace(b"{n}", str(n).encode()) + body for n, body in enumerate(bodies)]


def test_malformed_messages_are_refused_or_kept_never_crash(world, threads):
    contact = world.one.contact_a
    address = _address(threads["one"], contact.email)
    before = Message.objects.count()
    for raw in MALFORMED:
        with pytest.raises(services.Rejected):
            services.inbound_receive(mail_from="", rcpt_to=address, raw=raw)
    for raw in _malformed_from(contact.email):
        inbound = services.inbound_receive(mail_from="", rcpt_to=address, raw=raw)
        assert inbound is not None
        processed = services.inbound_process(inbound_id=inbound.pk)
        # the sender's mistake is refused with a reason, never an operator's failure
        assert processed.status in (InboundEmail.Status.POSTED, InboundEmail.Status.REJECTED)
    # whatever was posted is text only: no markup survived into a message
    for body in Message.objects.filter(via="email").values_list("body", flat=True):
        assert "<" not in body
    assert Message.objects.count() >= before


def test_an_html_reply_with_script_is_inert_in_the_app_and_the_portal(world, threads):
    side = world.one
    contact = side.contact_a
    address = _address(threads["one"], contact.email)
    html = (
        "<div>Fine<script>alert('x')</script>"
        "<img src=x onerror=alert(1)>"
        '<a href="javascript:alert(2)">click</a>'
        "&lt;script&gt;alert(3)&lt;/script&gt;"
        "<iframe src=//evil.test></iframe></div>"
    )
    inbound = _deliver(address, _raw(contact.email, address, html=html))
    assert inbound is not None and inbound.status == InboundEmail.Status.POSTED

    thread = threads["one"]
    pages = [
        login(side.pm).get(f"/app/projects/{side.project_a.pk}/messages/{thread.pk}/"),
        login(contact.user).get(f"/portal/projects/{side.project_a.pk}/messages/{thread.pk}/"),
    ]
    for page in pages:
        assert page.status_code == 200, page.status_code
        html_out = page.content.decode()
        assert "Fine" in html_out
        for executable in ("<script>alert", "onerror", "javascript:alert", "<iframe"):
            assert executable not in html_out, executable
    # the email telling the team renders it inert too
    email = OutboundEmail.objects.filter(to=side.pm.email, kind="message_posted").latest("id")
    for executable in ("<script>alert", "onerror=", "javascript:", "<iframe"):
        assert executable not in (email.body_html or ""), executable


@pytest.mark.parametrize(
    "filename, content, maintype, subtype",
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "text", "html"),
        ("drawing.svg", b"<svg onload=alert(1)></svg>", "image", "svg+xml"),
        ("invoice.pdf", b"<html><script>alert(1)</script></html>", "application", "pdf"),
        ("run.exe", b"MZ\x90\x00", "application", "octet-stream"),
        ("notes.txt", b"<!doctype html><script>alert(1)</script>", "text", "plain"),
    ],
)
def test_attachments_of_a_dangerous_type_are_refused(
    world, threads, filename, content, maintype, subtype
):
    contact = world.one.contact_a
    address = _address(threads["one"], contact.email)
    message = EmailMessage()
    message["From"] = contact.email
    message["To"] = address
    message["Message-ID"] = make_msgid()
    message.set_content("See attached")
    message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    before = Message.objects.count()

    inbound = _deliver(address, message.as_bytes())

    assert inbound is not None and inbound.status == InboundEmail.Status.REJECTED
    assert filename in inbound.reason
    assert Message.objects.count() == before


def test_an_attachment_name_cannot_climb_out_of_the_attachment_folder(world, threads):
    contact = world.one.contact_a
    address = _address(threads["one"], contact.email)
    message = EmailMessage()
    message["From"] = contact.email
    message["To"] = address
    message["Message-ID"] = make_msgid()
    message.set_content("See attached")
    message.add_attachment(
        b"%PDF-1.4 x", maintype="application", subtype="pdf", filename="../../../etc/passwd.pdf"
    )
    inbound = _deliver(address, message.as_bytes())
    assert inbound is not None and inbound.status == InboundEmail.Status.POSTED
    attachment = Message.objects.latest("id").attachments.get()
    assert attachment.filename == "passwd.pdf"
    assert ".." not in attachment.stored_name and "passwd" not in attachment.stored_name


# --- survey links -----------------------------------------------------------------------------


def _second_contact(side) -> Contact:
    return factories.portal_contact(side.client_a)


def _survey(side, contact=None):
    contact = contact or side.contact_a
    survey = feedback.survey_send(
        actor=side.actor(side.pm), project=side.project_a, contact_ids=[contact.pk]
    )
    email = OutboundEmail.objects.filter(to=contact.email).order_by("-pk").first()
    token = re.search(r"/survey/([A-Za-z0-9_-]+)/", email.body_text).group(1)
    return survey, token


def _answers(survey) -> dict[str, str]:
    values = {}
    for question in survey.template.questions.all():
        values[f"q{question.pk}"] = {"rating": "4", "nps": "9"}.get(question.kind, "Good work")
    return values


def test_a_survey_token_carries_at_least_128_bits(world):
    assert feedback.TOKEN_BYTES * 8 >= 128
    _unused, token = _survey(world.one)
    assert len(token) * 6 >= 128


def test_another_organisations_survey_link_used_while_signed_in_answers_only_that_survey(world):
    theirs, token = _survey(world.two)
    attacker = login(world.one.pm)

    page = attacker.get(f"/survey/{token}/")
    assert page.status_code == 200
    text = page.content.decode()
    for name in (world.one.organisation.name, world.one.project_a.name, world.one.pm.full_name):
        assert name not in text  # nothing of the signed-in person's organisation is shown
    assert attacker.post(f"/survey/{token}/", _answers(theirs)).status_code == 302

    answer = Feedback.objects.get()
    assert answer.organisation_id == world.two.organisation.pk
    assert answer.contact_id == world.two.contact_a.pk  # the link's contact, not the session
    assert not Feedback.objects.filter(organisation=world.one.organisation).exists()
    # the session was not changed into anything else
    assert attacker.get(f"/app/projects/{world.two.project_a.pk}/").status_code == 404


def test_answer_fields_of_another_survey_and_out_of_range_scores_are_ignored_or_refused(
    world, client
):
    mine, token = _survey(world.one)
    theirs, _their_token = _survey(world.two)
    values = _answers(mine)
    foreign = dict.fromkeys(_answers(theirs), "1")
    response = client.post(f"/survey/{token}/", {**values, **foreign, "q999999": "5"})
    assert response.status_code == 302
    answer = Feedback.objects.get()
    own = set(mine.template.questions.values_list("pk", flat=True))
    assert {item["question"] for item in answer.answers} == own
    assert not SurveyInvitation.objects.filter(survey=theirs, answered_at__isnull=False).exists()

    again, token = _survey(world.one, contact=_second_contact(world.one))
    rating = again.template.questions.filter(kind=Question.Kind.RATING).first()
    for score in ("6", "0", "-1", "99999999999999999999", "4.5", "1e3", " ", "True"):
        response = client.post(f"/survey/{token}/", {**_answers(again), f"q{rating.pk}": score})
        assert response.status_code == 400, score
    assert Feedback.objects.count() == 1


def test_a_survey_cannot_be_answered_twice_or_after_it_closed(world, client):
    survey, token = _survey(world.one)
    assert client.post(f"/survey/{token}/", _answers(survey)).status_code == 302
    assert client.post(f"/survey/{token}/", _answers(survey)).status_code in (200, 409)
    assert Feedback.objects.count() == 1

    later, late_token = _survey(world.one, contact=_second_contact(world.one))
    type(later).objects.filter(pk=later.pk).update(expires_at=timezone.now())
    assert client.post(f"/survey/{late_token}/", _answers(later)).status_code == 410
    assert Feedback.objects.count() == 1


def test_guessing_survey_links_is_rate_limited(world, client):
    from rapport.feedback.views import ANSWER_PER_IP

    statuses = [client.get(f"/survey/guess-{n}/").status_code for n in range(ANSWER_PER_IP.limit)]
    assert set(statuses) == {404}
    assert client.get("/survey/guess-last/").status_code == 429


# --- invitation, reset and unsubscribe links --------------------------------------------------


def _link(to: str, pattern: str) -> str:
    email = OutboundEmail.objects.filter(to=to).order_by("-pk").first()
    found = re.search(pattern, email.body_text)
    assert found, email.body_text
    return found.group(1)


def test_a_member_invitation_is_for_its_addressee_only(world):
    invitation = tenancy.invitation_create(
        actor=world.two.actor(world.two.owner), email=world.one.pm.email, role=Role.OWNER
    )
    path = _link(world.one.pm.email, r"https?://[^/]+(/accounts/invitation/[^/\s]+/)")

    # someone else of organisation one, signed in, cannot take it
    thief = login(world.one.member)
    refused = thief.post(path)
    assert refused.status_code == 200  # the form again, with the refusal
    assert "Sign in with that address to accept it" in refused.content.decode()
    assert not Membership.objects.filter(
        user=world.one.member, organisation=world.two.organisation
    ).exists()

    # the addressee joins organisation two with the invited role, and only there
    invitee = login(world.one.pm)
    assert invitee.post(path).status_code == 302
    assert Membership.objects.get(user=world.one.pm, organisation=world.two.organisation).role == (
        Role.OWNER
    )
    assert Membership.objects.get(user=world.one.pm, organisation=world.one.organisation).role == (
        Role.PM
    )
    # signed in to organisation two, organisation one's projects are not shown mixed in
    home = invitee.get("/app/projects/").content.decode()
    assert world.two.project_a.name in home and world.one.project_a.name not in home
    assert invitee.get(f"/app/projects/{world.one.project_a.pk}/").status_code == 404

    # reused, by anyone
    assert invitee.post(path).status_code == 410
    assert thief.get(path).status_code == 410
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_an_expired_member_invitation_link_is_refused(world):
    tenancy.invitation_create(
        actor=world.two.actor(world.two.owner), email="late@example.test", role=Role.ADMIN
    )
    path = _link("late@example.test", r"https?://[^/]+(/accounts/invitation/[^/\s]+/)")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert login(world.one.pm).post(path).status_code == 410
    response = login(world.one.outsider).post(
        path,
        {
            "full_name": "Late",
            "password1": "a-long-pass-4242",
            "password2": "a-long-pass-4242",
            "language": "en",
            "time_zone": "UTC",
        },
    )
    assert response.status_code == 410
    assert (
        not Membership.objects.filter(organisation=world.two.organisation, role=Role.ADMIN)
        .exclude(user=world.two.admin)
        .exists()
    )


def test_a_portal_invitation_is_for_its_contact_only(world):
    side = world.two
    contact = Contact.objects.create(
        organisation=side.organisation,
        client=side.client_a,
        full_name="New Contact",
        email="new.contact@client-two.test",
    )
    client_services.contact_invite_to_portal(actor=side.actor(side.pm), contact=contact)
    path = _link(contact.email, r"https?://[^/]+(/portal/invitation/[^/\s]+/)")

    for thief in (world.one.pm, world.one.contact_a.user, world.two.contact_b.user):
        response = login(thief).post(path)
        assert response.status_code == 200, thief  # the form again, with the refusal
        assert "Sign in with that address to accept it" in response.content.decode()
    contact.refresh_from_db()
    assert contact.user is None and not contact.portal_access

    # an anonymous visitor cannot take over an existing login by accepting as a new account
    taken = Contact.objects.create(
        organisation=side.organisation,
        client=side.client_a,
        full_name="Same address as a member",
        email=world.one.pm.email,
    )
    client_services.contact_invite_to_portal(actor=side.actor(side.pm), contact=taken)
    other_path = _link(world.one.pm.email, r"https?://[^/]+(/portal/invitation/[^/\s]+/)")
    from django.test import Client as HttpClient

    anonymous = HttpClient()
    response = anonymous.post(
        other_path, {"password1": "a-long-pass-4242", "password2": "a-long-pass-4242"}
    )
    assert response.status_code == 200
    assert "Sign in to accept" in response.content.decode()
    world.one.pm.refresh_from_db()
    assert world.one.pm.check_password("a-long-pass-4242") is False

    # expired
    client_services.contact_invite_to_portal(actor=side.actor(side.pm), contact=contact)
    path = _link(contact.email, r"https?://[^/]+(/portal/invitation/[^/\s]+/)")
    from rapport.clients.models import PortalInvitation

    PortalInvitation.objects.filter(contact=contact).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert (
        anonymous.post(
            path, {"password1": "a-long-pass-4242", "password2": "a-long-pass-4242"}
        ).status_code
        == 410
    )
    contact.refresh_from_db()
    assert contact.user is None


def test_a_password_reset_link_changes_only_its_own_person_once(world):
    victim, attacker = world.two.pm, world.one.pm
    uid = urlsafe_base64_encode(force_bytes(victim.pk))
    token = default_token_generator.make_token(victim)
    signed_in = login(attacker)

    # the victim's token on the attacker's id, and the other way round: refused
    attacker_uid = urlsafe_base64_encode(force_bytes(attacker.pk))
    page = signed_in.get(f"/accounts/password/reset/{attacker_uid}/{token}/", follow=True)
    assert "new_password1" not in page.content.decode()

    # the link itself sets the password of the person it was sent to, never the signed-in one
    page = signed_in.get(f"/accounts/password/reset/{uid}/{token}/", follow=True)
    set_url = page.redirect_chain[-1][0]
    signed_in.post(
        set_url, {"new_password1": "fresh-pass-9090", "new_password2": "fresh-pass-9090"}
    )
    victim.refresh_from_db()
    attacker.refresh_from_db()
    assert victim.check_password("fresh-pass-9090")
    assert not attacker.check_password("fresh-pass-9090")

    # used once, it no longer works
    again = login(attacker).get(f"/accounts/password/reset/{uid}/{token}/", follow=True)
    assert "new_password1" not in again.content.decode()


def test_an_expired_password_reset_link_is_refused(world, settings):
    victim = world.two.pm
    uid = urlsafe_base64_encode(force_bytes(victim.pk))
    token = default_token_generator.make_token(victim)
    settings.PASSWORD_RESET_TIMEOUT = -1
    page = login(world.one.pm).get(f"/accounts/password/reset/{uid}/{token}/", follow=True)
    assert "new_password1" not in page.content.decode()


def test_an_unsubscribe_link_changes_only_the_person_it_was_signed_for(world):
    kind = kinds.get("message_posted")
    victim = recipients.Recipient(side="member", user=world.two.pm)
    token = recipients.unsubscribe_token(victim, kind)
    attacker = login(world.one.pm)

    # tampering with who it is for breaks the signature
    payload = signing.loads(token, salt=recipients.UNSUBSCRIBE_SALT)
    for forged in (
        signing.dumps({**payload, "u": world.one.owner.pk}),  # no salt
        signing.dumps({**payload, "u": world.one.owner.pk}, salt="something.else"),
        token.replace(
            token.split(":")[0], signing.dumps({**payload, "u": world.one.owner.pk}).split(":")[0]
        ),
        token[:-2],
    ):
        assert attacker.post(f"/unsubscribe/{forged}/").status_code == 400
    assert not NotificationPreference.objects.exists()

    # the genuine link, whoever follows it, turns the kind off for its own person only
    assert attacker.post(f"/unsubscribe/{token}/").status_code == 200
    assert list(NotificationPreference.objects.values_list("user_id", "kind", "delivery")) == [
        (world.two.pm.pk, kind.code, "none")
    ]
