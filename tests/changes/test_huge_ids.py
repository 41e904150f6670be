"""Ids in a list field that no database can store are invalid choices, not a 500."""

import pytest
from django.urls import reverse

from rapport.changes.models import ChangeRequest
from tests.conftest import login


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["objectives", "milestones", "deliverables", "budget_lines"])
def test_ids_no_database_can_hold_are_form_errors(world, field: str) -> None:
    """A list of ids reaches the database as ``IN (…)``, where SQLite raises on an integer it
    cannot store: such an id must be an invalid choice, not a 500."""
    side = world.one
    response = login(side.pm).post(
        reverse("changes:create", kwargs={"project_id": side.project_a.pk}),
        {"title": "Export", "description": "CSV", "priority": "normal", field: ["9" * 25]},
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ChangeRequest.objects.exists()
