"""Any text into the create services — control characters, bidirectional overrides, 4-byte
characters, very long strings — is either refused with messages or stored and read back as
given (less the surrounding whitespace the services strip); never another exception."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.audit.models import AuditEvent
from rapport.changes import services as changes
from rapport.clients import services as clients
from rapport.communication import services as communication
from rapport.lessons import services as lessons
from rapport.risks import services as risks

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TRICKY = [
    "\u202e",  # right-to-left override
    "\u200b",  # zero width space
    "\ufeff",
    "\x00",
    "\x1b",
    "\r\n",
    "𝕏",  # 4-byte characters
    "😀",
    "中文",
    "'; DROP TABLE x; --",
    "<script>alert(1)</script>",
    "{{ secret }}",
]
text = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(TRICKY) | st.text(max_size=5), max_size=12).map("".join),
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "𝕏", "中", " "]), st.integers(150, 6000)),
)


class Rollback(Exception):
    pass


def _client(side: Any, value: str) -> tuple[Any, dict[str, str]]:
    made = clients.client_create(actor=side.actor(side.admin), name=value, notes=value)
    return made, {"name": value, "notes": value}


def _contact(side: Any, value: str) -> tuple[Any, dict[str, str]]:
    made = clients.contact_create(
        actor=side.actor(side.admin), client=side.client_a, full_name=value, job_title=value
    )
    return made, {"full_name": value, "job_title": value}


def _risk(side: Any, value: str) -> tuple[Any, dict[str, str]]:
    made = risks.risk_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        title=value,
        probability=3,
        impact=2,
        owner_id=side.pm.pk,
        cause=value,
        mitigation=value,
    )
    return made, {"title": value, "cause": value, "mitigation": value}


def _plan_item(side: Any, value: str) -> tuple[Any, dict[str, str]]:
    made = communication.plan_item_create(
        actor=side.actor(side.pm),
        project=side.project_a,
        audience=[side.contact_a],
        owner_id=side.pm.pk,
        title=value,
        channel="email",
        cadence_days=7,
    )
    return made, {"title": value}


def _lesson(side: Any, value: str) -> tuple[Any, dict[str, str]]:
    made = lessons.lesson_create(
        actor=side.actor(side.pm),
        project_id=side.project_a.pk,
        title=value,
        what_happened=value,
        recommendation=value,
        category="other",
    )
    return made, {"title": value, "what_happened": value, "recommendation": value}


def _change_request(side: Any, value: str) -> tuple[Any, dict[str, str]]:
    made = changes.change_request_create(
        actor=side.contact_actor(side.contact_a),
        project=side.project_a,
        title=value,
        description=value,
        reason=value,
    )
    return made, {"title": value, "description": value, "reason": value}


SERVICES = {
    "client": _client,
    "contact": _contact,
    "risk": _risk,
    "plan_item": _plan_item,
    "lesson": _lesson,
    "change_request": _change_request,
}


@FUZZ
@given(service=st.sampled_from(sorted(SERVICES)), value=text)
def test_any_text_is_refused_with_messages_or_kept_exactly(world, service, value):
    side = world.one
    events = AuditEvent.objects.count()
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    made, given_values = SERVICES[service](side, value)
            except ValidationError as refusal:
                assert refusal.messages and all(str(m).strip() for m in refusal.messages)
                assert AuditEvent.objects.count() == events
            else:
                stored = type(made).objects.get(pk=made.pk)
                for field, sent in given_values.items():
                    assert getattr(stored, field) == sent.strip(), field
                assert AuditEvent.objects.count() > events
            raise Rollback
    except Rollback:
        pass
