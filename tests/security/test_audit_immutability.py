"""The audit trail is append-only: the admin (if ever enabled) may not edit an event, the model
and its manager refuse, and a bulk operation writes exactly one event per object it changes.
(No page or API operation changes the trail: test_audit_routes.py.)"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings

from rapport.audit import services as audit
from rapport.audit.models import AuditEvent
from rapport.clients import import_services
from rapport.clients.models import Client, Contact
from tests.clients.test_import import english, upload


def test_the_admin_may_not_change_or_delete_events() -> None:
    if not apps.is_installed("django.contrib.admin"):
        assert "django.contrib.admin" not in settings.INSTALLED_APPS
        return
    from django.contrib import admin  # pragma: no cover - the admin is not enabled today
    from django.test import RequestFactory

    model_admin = admin.site._registry.get(AuditEvent)
    if model_admin is None:
        return
    request = RequestFactory().get("/")
    request.user = type("Superuser", (), {"is_superuser": True, "is_active": True})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


@pytest.mark.django_db
def test_the_model_and_its_manager_refuse_changes(world) -> None:
    event = audit.record(
        actor=world.one.actor(world.one.pm), action="updated", obj=world.one.client_a
    )
    event.actor_label = "someone else"
    for attempt in (
        event.save,
        event.delete,
        lambda: AuditEvent.objects.filter(pk=event.pk).update(action="forged"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: AuditEvent.objects.all().delete(),
        lambda: AuditEvent.objects.bulk_update([event], ["actor_label"]),
        lambda: AuditEvent.objects.update_or_create(pk=event.pk, defaults={"action": "forged"}),
    ):
        with pytest.raises(TypeError, match="append-only"):
            attempt()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.actor_label) == ("updated", world.one.actor(world.one.pm).label)


@pytest.mark.django_db
def test_a_client_import_writes_one_event_per_client_and_contact_it_creates(world) -> None:
    side = world.one
    client_import = upload(
        side,
        english(
            ["Blue Harbour", "Ada Lee", "ada@blue.example", "", "", "en"],
            ["Blue Harbour", "Bo Chen", "bo@blue.example", "", "", "en"],
            ["Green Field", "Cy Diaz", "cy@green.example", "", "", "en"],
            [side.client_a.name, "Dee Eng", "dee@a.example", "", "", "en"],
        ),
    )
    clients_before = set(Client.objects.values_list("pk", flat=True))
    contacts_before = set(Contact.objects.values_list("pk", flat=True))
    events_before = set(AuditEvent.objects.values_list("pk", flat=True))

    import_services.client_import_run(actor=side.actor(side.pm), client_import=client_import)

    new_events = AuditEvent.objects.exclude(pk__in=events_before)
    created = {
        (model, pk)
        for model, ids in (
            ("client", Client.objects.exclude(pk__in=clients_before).values_list("pk", flat=True)),
            (
                "contact",
                Contact.objects.exclude(pk__in=contacts_before).values_list("pk", flat=True),
            ),
        )
        for pk in ids
    }
    assert len(created) == 6  # two clients, four contacts
    per_object = [
        (event.content_type.model, int(event.object_id))
        for event in new_events.select_related("content_type")
        if event.content_type.model in {"client", "contact"}
    ]
    assert sorted(per_object) == sorted(created), "exactly one event per object created"
    assert new_events.filter(action="imported").count() == 1
