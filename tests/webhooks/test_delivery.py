"""Deliveries against a real HTTP receiver on loopback: signed, retried with backoff on errors
and timeouts, never sent twice after a success, paused after failing again and again."""

from __future__ import annotations

import email
import email.policy
import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from rapport.changes import services as cr
from rapport.notify.models import Notification
from rapport.webhooks import events, services, transport
from rapport.webhooks.models import WebhookAttempt, WebhookDelivery
from tests.notify.smtp import smtp_mailer
from tests.webhooks.helpers import shared_issue, subscribe
from tests.webhooks.receiver import running_receiver, verify

pytestmark = pytest.mark.django_db


def test_an_event_reaches_the_receiver_signed_with_its_documented_payload(
    world, receiver, django_capture_on_commit_callbacks
):
    side = world.one
    subscription = subscribe(side, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        issue = shared_issue(side)

    [request] = receiver.received
    delivery = WebhookDelivery.objects.get()
    assert request.path == "/hooks/rapport"
    assert request.headers["Rapport-Event"] == "issue.shared"
    assert request.headers["Rapport-Delivery"] == str(delivery.uuid)
    assert request.headers["Content-Type"] == "application/json"
    assert verify(subscription.secret, request.headers["Rapport-Signature"], request.body)
    assert not verify("another secret", request.headers["Rapport-Signature"], request.body)
    payload = json.loads(request.body)
    assert set(payload) == {"id", "event", "created_at", "organisation", "data"}
    assert payload["event"] == "issue.shared"
    assert payload["organisation"] == {"id": side.organisation.pk, "name": side.organisation.name}
    assert set(payload["data"]) == set(events.get("issue.shared").fields)
    assert payload["data"]["issue_id"] == issue.pk
    assert payload["data"]["project_code"] == side.project_a.code
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    [attempt] = WebhookAttempt.objects.all()
    assert attempt.status_code == 200 and attempt.succeeded
    assert attempt.response_body.startswith("answer 200")
    assert len(attempt.response_body) == transport.RESPONSE_KEEP  # truncated

    # Delivered once: running the job again, or the sweep, sends nothing more.
    assert services.deliver(delivery_id=delivery.pk) is None
    assert services.deliver_due(now=timezone.now() + timedelta(days=1)) == 0
    assert len(receiver.received) == 1


def test_a_failing_receiver_is_tried_again_with_growing_delays(
    world, django_capture_on_commit_callbacks
):
    side = world.one
    with running_receiver(500, 503, 200) as receiver:
        subscribe(side, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            shared_issue(side)
        delivery = WebhookDelivery.objects.get()
        first = delivery.next_attempt_at
        assert delivery.status == WebhookDelivery.Status.PENDING and delivery.attempts == 1
        assert delivery.last_status_code == 500

        assert services.deliver_due(now=first - timedelta(seconds=1)) == 0  # not yet
        start = WebhookAttempt.objects.get().started_at
        assert first - start == timedelta(minutes=1)
        assert services.deliver_due(now=first) == 1
        delivery.refresh_from_db()
        assert delivery.next_attempt_at - first == timedelta(minutes=5)
        assert services.deliver_due(now=delivery.next_attempt_at) == 1

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 503, 200]
    assert len({json.loads(r.body)["id"] for r in receiver.received}) == 1  # the same event


def test_a_timeout_is_a_failed_attempt(world, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(transport, "TIMEOUT", 0.3)
    side = world.one
    with running_receiver(200, delay=1.0) as receiver:
        subscribe(side, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            shared_issue(side)
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and not attempt.succeeded
    assert "timed out" in attempt.error.lower()
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.PENDING


def test_after_six_attempts_a_delivery_has_failed(world, django_capture_on_commit_callbacks):
    side = world.one
    with running_receiver(500) as receiver:
        subscribe(side, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            shared_issue(side)
        delivery = WebhookDelivery.objects.get()
        while delivery.next_attempt_at is not None:
            services.deliver_due(now=delivery.next_attempt_at)
            delivery.refresh_from_db()
        assert services.deliver_due(now=timezone.now() + timedelta(days=3)) == 0
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == services.MAX_ATTEMPTS == 6
    assert len(receiver.received) == 6
    gaps = [
        later.started_at - earlier.started_at
        for earlier, later in zip(
            delivery.attempt_log.all(), list(delivery.attempt_log.all())[1:], strict=False
        )
    ]
    assert gaps == list(services.BACKOFF)


def test_a_redirect_is_not_followed(world, django_capture_on_commit_callbacks):
    side = world.one
    with running_receiver(302) as receiver:
        subscribe(side, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            shared_issue(side)
    assert len(receiver.received) == 1
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code == 302 and not attempt.succeeded


def test_a_subscription_failing_again_and_again_is_paused_and_admins_are_told(
    world, settings, smtp_server, django_capture_on_commit_callbacks
):
    settings.MAILERS = smtp_mailer(smtp_server.port)
    settings.RAPPORT_WEBHOOKS_PAUSE_AFTER = 3
    side = world.one
    with running_receiver(500) as receiver:
        subscription = subscribe(side, receiver.url)
        for n in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                shared_issue(side, title=f"Problem {n}")
        subscription.refresh_from_db()
        assert not subscription.is_active
        assert subscription.failures_in_a_row == 3
        paused_emails = [
            e for e in smtp_server.inbox.envelopes if b"webhook to http" in e.content
        ]  # the issue itself was emailed to the client's contacts too
        recipients = sorted(r for e in paused_emails for r in e.rcpt_tos)
        assert recipients == sorted([side.owner.email, side.admin.email])
        message = email.message_from_bytes(paused_emails[0].content, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert receiver.url in text and "failed 3 times in a row" in text
        assert Notification.objects.filter(kind="webhook_paused").count() == 2

        # Paused: its pending retries wait, and new events are not recorded for it.
        with django_capture_on_commit_callbacks(execute=True):
            shared_issue(side, title="While paused")
        assert WebhookDelivery.objects.count() == 3
        assert services.deliver_due(now=timezone.now() + timedelta(hours=1)) == 0
        assert len(receiver.received) == 3

        receiver.statuses[:] = [200]
        with django_capture_on_commit_callbacks(execute=True):
            services.subscription_resume(actor=side.actor(side.admin), subscription=subscription)
    assert len(receiver.received) == 6
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"succeeded"}
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.failures_in_a_row == 0


def test_a_replay_sends_the_same_event_again_as_a_new_delivery(
    world, receiver, django_capture_on_commit_callbacks
):
    side = world.one
    subscribe(side, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        shared_issue(side)
    original = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        replay = services.delivery_replay(actor=side.actor(side.admin), delivery=original)
    first, second = (json.loads(r.body) for r in receiver.received)
    assert first == second
    assert receiver.received[1].headers["Rapport-Delivery"] == str(replay.uuid)
    replay.refresh_from_db()
    assert replay.replay_of == original and replay.status == WebhookDelivery.Status.SUCCEEDED


def test_a_rotated_secret_signs_the_next_deliveries(
    world, receiver, django_capture_on_commit_callbacks
):
    side = world.one
    subscription = subscribe(side, receiver.url)
    old = subscription.secret
    rotated = services.subscription_rotate_secret(
        actor=side.actor(side.admin), subscription=subscription
    )
    assert rotated.secret != old and len(rotated.secret) >= 43
    with django_capture_on_commit_callbacks(execute=True):
        shared_issue(side)
    signature = receiver.received[0].headers["Rapport-Signature"]
    assert verify(rotated.secret, signature, receiver.received[0].body)
    assert not verify(old, signature, receiver.received[0].body)


def test_an_event_is_recorded_once_per_action_and_not_when_it_rolls_back(
    world, receiver, django_capture_on_commit_callbacks
):
    side = world.one
    wanted = subscribe(side, receiver.url)
    subscribe(side, receiver.url, events=["change_request.submitted"])  # not this event
    paused = subscribe(side, receiver.url)
    services.subscription_pause(actor=side.actor(side.admin), subscription=paused)
    subscribe(world.two, receiver.url)  # another organisation's

    with pytest.raises(RuntimeError), transaction.atomic():
        shared_issue(side, title="Rolled back")
        raise RuntimeError
    assert not WebhookDelivery.objects.exists()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        shared_issue(side)
    assert list(WebhookDelivery.objects.values_list("subscription", flat=True)) == [wanted.pk]
    assert len(receiver.received) == 1
    assert len(callbacks) >= 1


def test_emit_refuses_unregistered_events_and_undocumented_fields(world):
    with pytest.raises(events.UnknownEvent):
        services.emit("project.exploded", world.one.organisation.pk, {})
    with pytest.raises(ValueError, match="fields"):
        services.emit("issue.shared", world.one.organisation.pk, {"issue_id": 1})


def test_the_guide_documents_every_event_and_its_fields():
    from tests.webhooks.receiver import DOCS

    guide = DOCS.read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip().strip("`"): line
        for line in guide.splitlines()
        if line.startswith("| `") and "." in line.split("|")[1]
    }
    for event in events.EVENTS.values():
        assert event.name in rows, f"{event.name} is missing from docs/webhooks.md"
        for name in event.fields:
            if name not in {"project_id", "project_code", "project_name", "client_id"}:
                assert f"`{name}`" in rows[event.name], f"{event.name}.{name} undocumented"


def test_the_documented_check_refuses_a_stale_or_forged_signature():
    body = b'{"id":"1"}'
    old = int(timezone.now().timestamp()) - 3600
    assert not verify("s", transport.signature("s", old, body), body)
    assert not verify("s", "t=abc,v1=00", body)
    assert not verify("s", "garbage", body)
    now = int(timezone.now().timestamp())
    assert verify("s", transport.signature("s", now, body), body)
    assert not verify("s", transport.signature("s", now, body), body + b" ")


def test_a_subscription_deleted_while_sending_logs_nothing(world, receiver, monkeypatch):
    side = world.one
    subscription = subscribe(side, receiver.url)
    shared_issue(side)  # its job would run after a commit; here the test sends it
    delivery = WebhookDelivery.objects.get()
    post = transport.post

    def post_then_delete(**kwargs):
        answer = post(**kwargs)
        services.subscription_delete(actor=side.actor(side.admin), subscription=subscription)
        return answer

    monkeypatch.setattr(transport, "post", post_then_delete)
    services.deliver(delivery_id=delivery.pk)
    assert len(receiver.received) == 1
    assert not WebhookDelivery.objects.exists() and not WebhookAttempt.objects.exists()


def test_events_of_one_object_arrive_in_order(world, django_capture_on_commit_callbacks):
    """The decision on a change request waits while its submission is being retried; another
    object's event is not held back."""
    side = world.one
    contact, pm = side.contact_actor(side.contact_a), side.actor(side.pm)
    with running_receiver(500, 200) as receiver:
        subscribe(
            side,
            receiver.url,
            events=["change_request.submitted", "change_request.decided", "issue.shared"],
        )
        with django_capture_on_commit_callbacks(execute=True):
            request = cr.change_request_create(
                actor=contact, project=side.project_a, title="Export", description="To Excel"
            )
        with django_capture_on_commit_callbacks(execute=True):
            cr.change_request_evaluate(actor=pm, change_request=request, recommendation="approve")
            cr.change_request_send_for_approval(actor=pm, change_request=request)
            cr.change_request_decide(actor=contact, change_request=request, decision="approve")
        with django_capture_on_commit_callbacks(execute=True):
            shared_issue(side)
        sent = [r.headers["Rapport-Event"] for r in receiver.received]
        assert sent == ["change_request.submitted", "issue.shared"]  # the decision waits

        submitted = WebhookDelivery.objects.get(event="change_request.submitted")
        with django_capture_on_commit_callbacks(execute=True):
            services.deliver_due(now=submitted.next_attempt_at)
    sent = [r.headers["Rapport-Event"] for r in receiver.received]
    assert sent == [
        "change_request.submitted",
        "issue.shared",
        "change_request.submitted",
        "change_request.decided",
    ]
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"succeeded"}
