"""The demo tells a year of client feedback in both languages, with a trend."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from rapport.feedback.followup_models import FollowUp, ImprovementAction
from rapport.feedback.models import Feedback

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_year_of_feedback_in_both_languages():
    call_command("demo")
    today = timezone.localdate()
    surveys = Feedback.objects.filter(source="survey")
    assert surveys.filter(received_on__lte=today - timedelta(days=330)).exists()
    assert surveys.filter(comment__contains="沟通").exists()
    assert surveys.filter(comment__icontains="communication").exists()
    # communication recovers: the spring average is below the last quarter's
    old = surveys.filter(received_on__lte=today - timedelta(days=210), communication__isnull=False)
    recent = surveys.filter(received_on__gte=today - timedelta(days=100))
    assert (
        sum(f.communication for f in old) / old.count()
        < sum(f.communication for f in recent) / recent.count()
    )
    assert FollowUp.objects.filter(handled_at__isnull=True).exists()
    assert FollowUp.objects.filter(handled_at__isnull=False).exists()
    assert ImprovementAction.objects.filter(shareable=True).exists()
