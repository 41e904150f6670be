"""Surveys by personal link: the token is random, hashed, expiring, for one survey and one
contact, answered once; the page shows nothing else and cannot be framed."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.clients.models import Contact
from rapport.core.tokens import digest
from rapport.feedback import services
from rapport.feedback.models import Feedback, Question, Survey, SurveyInvitation
from rapport.notify.models import OutboundEmail
from rapport.tenancy.actors import Actor
from tests.test_bad_input import HOSTILE_VALUES

pytestmark = pytest.mark.django_db


def _send(side, contacts=None, **values):
    contacts = contacts or [side.contact_a]
    return services.survey_send(
        actor=side.actor(side.pm),
        project=side.project_a,
        contact_ids=[c.pk for c in contacts],
        **values,
    )


def _token(contact) -> str:
    email = OutboundEmail.objects.filter(to=contact.email).order_by("-pk").first()
    return re.search(r"/survey/([A-Za-z0-9_-]+)/", email.body_text).group(1)


def _answers(survey, **override):
    values = {}
    for q in survey.template.questions.all():
        if q.kind == Question.Kind.RATING:
            values[f"q{q.pk}"] = "4"
        elif q.kind == Question.Kind.NPS:
            values[f"q{q.pk}"] = "9"
        else:
            values[f"q{q.pk}"] = "Good work"
    for dimension, value in override.items():
        q = survey.template.questions.get(
            **({"kind": dimension} if dimension in ("nps", "text") else {"dimension": dimension})
        )
        values[f"q{q.pk}"] = value
    return values


def test_a_survey_sends_a_personal_link_in_the_contacts_language(world):
    side = world.one
    Contact.objects.filter(pk=side.contact_a.pk).update(language="zh-hans")
    side.contact_a.refresh_from_db()
    survey = _send(side)
    email = OutboundEmail.objects.get(to=side.contact_a.email)
    assert email.language == "zh-hans"
    token = _token(side.contact_a)
    assert len(token) >= 22  # at least 128 bits in URL-safe base64
    invitation = SurveyInvitation.objects.get(survey=survey)
    assert invitation.token_hash == digest(token)
    assert token not in str(SurveyInvitation.objects.values_list().get(pk=invitation.pk))
    assert survey.template.is_default and survey.template.questions.count() == 5
    assert AuditEvent.objects.filter(action="survey_sent").exists()


def test_only_managers_send_and_only_to_the_projects_client(world):
    side = world.one
    with pytest.raises(PermissionDenied):
        services.survey_send(
            actor=side.actor(side.member), project=side.project_a, contact_ids=[side.contact_a.pk]
        )
    with pytest.raises(ValidationError) as error:
        _send(side, contacts=[side.contact_b])
    assert "contacts" in error.value.message_dict
    with pytest.raises(ValidationError):
        _send(side, contacts=[world.two.contact_a])
    assert not Survey.objects.exists()


def test_the_link_opens_without_login_and_answers_once(world, client):
    side = world.one
    survey = _send(side)
    token = _token(side.contact_a)
    page = client.get(f"/survey/{token}/")
    assert page.status_code == 200
    assert "sessionid" not in page.cookies
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert side.project_a.name not in page.content.decode()
    answered = client.post(
        f"/survey/{token}/", _answers(survey, text="<script>alert(1)</script> too slow")
    )
    assert answered.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.progress, feedback.nps, feedback.source) == (4, 9, "survey")
    assert feedback.comment == "<script>alert(1)</script> too slow"
    again = client.get(f"/survey/{token}/")
    assert again.status_code == 200
    body = again.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert" not in body
    second = client.post(f"/survey/{token}/", _answers(survey))
    assert second.status_code == 200  # the thanks page, no second count
    assert Feedback.objects.count() == 1
    assert "sessionid" not in second.cookies


def test_a_second_submission_by_the_service_is_refused(world):
    side = world.one
    survey = _send(side)
    invitation = SurveyInvitation.objects.get(survey=survey)
    anonymous = Actor.anonymous()
    services.survey_answer(invitation=invitation, values=_answers(survey), actor=anonymous)
    with pytest.raises(ValidationError) as error:
        services.survey_answer(invitation=invitation, values=_answers(survey), actor=anonymous)
    assert error.value.code == "answered"
    assert Feedback.objects.count() == 1


def test_guessed_tampered_and_foreign_tokens_find_nothing(world, client):
    side = world.one
    survey = _send(side)
    token = _token(side.contact_a)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for guess in (tampered, "x" * 32, token.upper() if token.upper() != token else "y", "a" * 500):
        assert client.get(f"/survey/{guess}/").status_code == 404
    other = _send(world.two, contacts=[world.two.contact_a])
    other_token = _token(world.two.contact_a)
    # the other survey's token answers the other survey, never this one
    client.post(f"/survey/{other_token}/", _answers(other))
    assert Feedback.objects.get().project == world.two.project_a
    assert not SurveyInvitation.objects.get(survey=survey).answered_at


def test_an_expired_link_is_closed(world, client):
    side = world.one
    survey = _send(side)
    token = _token(side.contact_a)
    Survey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(f"/survey/{token}/").status_code == 410
    assert client.post(f"/survey/{token}/", _answers(survey)).status_code == 410
    assert not Feedback.objects.exists()


def test_bad_answers_are_explained_and_nothing_is_stored(world, client):
    side = world.one
    survey = _send(side)
    token = _token(side.contact_a)
    cases = [
        _answers(survey, progress="6"),
        _answers(survey, nps="11"),
        _answers(survey, quality="-1"),
        _answers(survey, communication="many"),
        _answers(survey, progress=""),  # required
        _answers(survey, text="x" * 4001),
    ]
    for values in cases:
        response = client.post(f"/survey/{token}/", values)
        assert response.status_code == 400, values
        assert "Please check the answers" in response.content.decode()
    assert not Feedback.objects.exists()
    assert not SurveyInvitation.objects.get(survey=survey).answered_at
    assert client.post(f"/survey/{token}/", _answers(survey, text="")).status_code == 302


def test_the_answer_page_is_rate_limited(world, client, settings):
    side = world.one
    _send(side)
    token = _token(side.contact_a)
    from rapport.feedback import views

    limit = views.ANSWER_PER_IP.limit
    for _ in range(limit):
        client.get("/survey/guess-guess-guess/")
    response = client.get(f"/survey/{token}/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= views.ANSWER_PER_IP.window
    assert "Too many attempts" in response.content.decode()
    # Another address is not held back.
    assert client.get(f"/survey/{token}/", REMOTE_ADDR="10.9.8.7").status_code == 200


def test_reminders_go_at_most_twice_to_those_who_have_not_answered(world, client):
    side = world.one
    contact = Contact.objects.create(
        organisation=side.organisation,
        client=side.client_a,
        full_name="Second Person",
        email="second@client.test",
    )
    survey = _send(side, contacts=[side.contact_a, contact], remind_after_days=3)
    client.post(f"/survey/{_token(side.contact_a)}/", _answers(survey))
    first_token = _token(contact)
    now = timezone.now()
    assert services.survey_remind_due(now=now + timedelta(days=1)) == 0
    assert services.survey_remind_due(now=now + timedelta(days=4)) == 1
    assert services.survey_remind_due(now=now + timedelta(days=5)) == 0
    assert services.survey_remind_due(now=now + timedelta(days=8)) == 1
    assert services.survey_remind_due(now=now + timedelta(days=15)) == 0
    assert OutboundEmail.objects.filter(to=contact.email).count() == 3
    assert OutboundEmail.objects.filter(to=side.contact_a.email).count() == 1
    # the reminder's link replaces the first one
    assert client.get(f"/survey/{first_token}/").status_code == 404
    assert client.get(f"/survey/{_token(contact)}/").status_code == 200


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_hostile_answers_never_fail_and_never_half_write(world, client, value):
    side = world.one
    survey = _send(side)
    token = _token(side.contact_a)
    values = dict.fromkeys(_answers(survey), value)
    response = client.post(f"/survey/{token}/", values)
    assert response.status_code in (302, 400)
    answered = Feedback.objects.count()
    assert answered == (1 if response.status_code == 302 else 0)
    assert bool(SurveyInvitation.objects.get(survey=survey).answered_at) == bool(answered)


def test_portal_contacts_answer_in_the_portal_once(world, login_as):
    side = world.one
    survey = _send(side)
    client = login_as(side.contact_a.user)
    project_page = client.get(f"/portal/projects/{side.project_a.pk}/")
    url = f"/portal/projects/{side.project_a.pk}/surveys/{survey.pk}/"
    assert url in project_page.content.decode()
    assert client.post(url, _answers(survey, progress="9")).status_code == 400
    assert client.post(url, _answers(survey, progress="2")).status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.progress, feedback.contact) == (2, side.contact_a)
    event = AuditEvent.objects.get(action="survey_answered")
    assert event.actor_contact_id == side.contact_a.pk
    page = client.get(url)
    assert page.status_code == 200 and "Thank you" in page.content.decode()
    assert client.post(url, _answers(survey)).status_code == 200
    assert Feedback.objects.count() == 1
    assert url not in client.get(f"/portal/projects/{side.project_a.pk}/").content.decode()
    # the emailed link shows the same answer
    assert client.get(f"/survey/{_token(side.contact_a)}/").status_code == 200


def test_a_contact_cannot_answer_another_contacts_survey(world, login_as):
    side = world.one
    survey = _send(side)
    client = login_as(side.contact_b.user)
    url = f"/portal/projects/{side.project_a.pk}/surveys/{survey.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, _answers(survey)).status_code == 404
    assert not Feedback.objects.exists()
