"""The organisation's status report settings: the six health thresholds (checked by one rule,
stored only where they differ from the default, audited) and the acknowledgement window."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rapport.audit.models import AuditEvent
from rapport.reports import health
from rapport.tenancy import services
from rapport.tenancy.models import Organisation

pytestmark = pytest.mark.django_db

URL = "/app/team/organisation/"
RESET_URL = "/app/team/organisation/report-settings/reset/"


def settings_form(side, **changes):
    values = {
        "name": side.organisation.name,
        "default_currency": "EUR",
        "time_zone": "UTC",
        "change_approval_threshold": "",
        "report_acknowledgement_days": "5",
        **{name: str(value) for name, value in health.DEFAULT_THRESHOLDS.items()},
    }
    values.update(changes)
    return values


def events(side):
    return list(
        AuditEvent.objects.filter(
            organisation=side.organisation, content_type__model="organisation", action="updated"
        ).order_by("id")
    )


# --- the one rule ---------------------------------------------------------------------------


def test_only_the_values_that_differ_from_the_default_are_stored():
    stored = health.check_thresholds(
        {
            "schedule_red_percent": "15",
            "cpi_red_below": Decimal("0.90"),  # the default, written differently
            "cpi_amber_below": "0.95",
            "burn_ahead_points": "",
            "scope_amber_percent": None,
            "scope_red_percent": "20.0",
        }
    )
    assert stored == {"schedule_red_percent": "15", "cpi_amber_below": "0.95"}
    assert health.check_thresholds({}) == {}


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"schedule_red_percent": "101"}, "schedule_red_percent", "from 0 to 100"),
        ({"burn_ahead_points": "-1"}, "burn_ahead_points", "from 0 to 100"),
        ({"scope_red_percent": "100.5"}, "scope_red_percent", "from 0 to 100"),
        ({"cpi_red_below": "2.1"}, "cpi_red_below", "from 0 to 2"),
        ({"cpi_amber_below": "-0.1"}, "cpi_amber_below", "from 0 to 2"),
        ({"cpi_red_below": "abc"}, "cpi_red_below", "Enter a number."),
        ({"cpi_red_below": "NaN"}, "cpi_red_below", "Enter a number."),
        ({"scope_amber_percent": True}, "scope_amber_percent", "Enter a number."),
        ({"cpi_amber_below": "0.955"}, "cpi_amber_below", "at most 2 decimal places"),
        (
            {"cpi_red_below": "0.95", "cpi_amber_below": "0.9"},
            "cpi_red_below",
            "Red must start at or below amber: enter at most 0.9",
        ),
        ({"cpi_red_below": "1.05"}, "cpi_red_below", "enter at most 1, the amber CPI"),
        (
            {"scope_amber_percent": "30"},
            "scope_amber_percent",
            "Amber must start at or below red: enter at most 20",
        ),
    ],
)
def test_each_rule_refuses_with_a_field_error(values, field, message):
    with pytest.raises(ValidationError) as caught:
        health.check_thresholds(values)
    assert list(caught.value.message_dict) == [field]
    assert message in caught.value.message_dict[field][0]


def test_equal_red_and_amber_are_allowed_and_bounds_are_inclusive():
    assert health.check_thresholds(
        {
            "cpi_red_below": "2",
            "cpi_amber_below": "2",
            "scope_amber_percent": "0",
            "scope_red_percent": "0",
            "schedule_red_percent": "100",
        }
    ) == {
        "cpi_red_below": "2",
        "cpi_amber_below": "2",
        "scope_amber_percent": "0",
        "scope_red_percent": "0",
        "schedule_red_percent": "100",
    }


def test_an_unknown_threshold_is_a_programming_error():
    with pytest.raises(TypeError):
        health.check_thresholds({"cpi_green_above": "1"})


# --- the service ------------------------------------------------------------------------------


def test_the_service_stores_the_overrides_and_audits_each_threshold(world):
    side = world.one
    organisation = services.organisation_update(
        actor=side.actor(side.admin),
        health_thresholds={"schedule_red_percent": "15", "cpi_red_below": "0.9"},
        report_acknowledgement_days=8,
    )
    organisation.refresh_from_db()
    assert organisation.health_thresholds == {"schedule_red_percent": "15"}
    assert organisation.report_acknowledgement_days == 8
    [event] = events(side)
    assert event.changes == {
        "health_thresholds.schedule_red_percent": ["10", "15"],
        "report_acknowledgement_days": [5, 8],
    }


def test_an_untouched_threshold_follows_a_later_change_of_its_default(world, monkeypatch):
    side = world.one
    services.organisation_update(
        actor=side.actor(side.admin), health_thresholds={"scope_red_percent": "30"}
    )
    side.organisation.refresh_from_db()
    monkeypatch.setitem(health.DEFAULT_THRESHOLDS, "cpi_red_below", Decimal("0.8"))
    in_force = health.thresholds(side.organisation.health_thresholds)
    assert in_force["cpi_red_below"] == Decimal("0.8")
    assert in_force["scope_red_percent"] == Decimal("30")


def test_the_service_refuses_bad_values_and_writes_nothing(world):
    side = world.one
    with pytest.raises(ValidationError) as caught:
        services.organisation_update(
            actor=side.actor(side.owner),
            name="Renamed",
            health_thresholds={"cpi_red_below": "1.5", "cpi_amber_below": "1.2"},
            report_acknowledgement_days=91,
        )
    assert set(caught.value.message_dict) == {"cpi_red_below", "report_acknowledgement_days"}
    side.organisation.refresh_from_db()
    assert side.organisation.name == "Org one"
    assert side.organisation.health_thresholds == {}
    assert side.organisation.report_acknowledgement_days == 5
    assert events(side) == []


def test_a_save_without_a_change_writes_no_audit_event(world):
    side = world.one
    services.organisation_update(
        actor=side.actor(side.admin),
        health_thresholds={name: str(v) for name, v in health.DEFAULT_THRESHOLDS.items()},
    )
    assert events(side) == []


@pytest.mark.parametrize("role", ["pm", "member", "outsider"])
def test_only_owners_and_admins_change_the_settings(world, role):
    side = world.one
    actor = side.actor(getattr(side, role))
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=actor, health_thresholds={"cpi_red_below": "0.5"})
    with pytest.raises(PermissionDenied):
        services.organisation_reset_report_settings(actor=actor)
    side.organisation.refresh_from_db()
    assert side.organisation.health_thresholds == {}


def test_reset_brings_back_the_defaults_with_an_audit_event(world):
    side = world.one
    actor = side.actor(side.owner)
    services.organisation_update(
        actor=actor, health_thresholds={"cpi_amber_below": "0.95"}, report_acknowledgement_days=12
    )
    services.organisation_reset_report_settings(actor=actor)
    side.organisation.refresh_from_db()
    assert side.organisation.health_thresholds == {}
    assert side.organisation.report_acknowledgement_days == 5
    assert events(side)[-1].changes == {
        "health_thresholds.cpi_amber_below": ["0.95", "1.0"],
        "report_acknowledgement_days": [12, 5],
    }


# --- the page -------------------------------------------------------------------------------


def test_the_page_shows_each_threshold_with_its_rule_and_default(world, login_as):
    side = world.one
    Organisation.objects.filter(pk=side.organisation.pk).update(
        health_thresholds={"cpi_red_below": "0.8"}
    )
    page = login_as(side.owner).get(URL).content.decode()
    assert "Status report health" in page
    assert "Budget is red when the cost performance index (CPI) is below this." in page
    assert 'name="cpi_red_below" value="0.8"' in page
    assert "Default: 0.9 (leave empty to use it)." in page
    assert 'name="scope_red_percent" value="20"' in page
    assert 'name="report_acknowledgement_days" value="5"' in page
    assert "not acknowledged by a client contact after this many days is flagged" in page


def test_the_page_saves_changed_thresholds_only(world, login_as):
    side = world.one
    response = login_as(side.admin).post(
        URL,
        settings_form(
            side, schedule_red_percent="12.5", burn_ahead_points="", report_acknowledgement_days=""
        ),
    )
    assert response.status_code == 302
    side.organisation.refresh_from_db()
    assert side.organisation.health_thresholds == {"schedule_red_percent": "12.5"}
    assert side.organisation.report_acknowledgement_days == 5  # empty: the default


def test_the_page_shows_every_error_beside_its_field_and_saves_nothing(world, login_as):
    side = world.one
    response = login_as(side.admin).post(
        URL,
        settings_form(
            side,
            cpi_red_below="1.2",
            scope_amber_percent="150",
            report_acknowledgement_days="0",
        ),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {
        "cpi_red_below",
        "scope_amber_percent",
        "report_acknowledgement_days",
    }
    assert "Enter a number of days from 1 to 90." in form.errors["report_acknowledgement_days"]
    assert "Enter a number from 0 to 100." in form.errors["scope_amber_percent"]
    side.organisation.refresh_from_db()
    assert side.organisation.health_thresholds == {}
    assert events(side) == []


def test_the_page_refuses_text_in_a_number_field(world, login_as):
    side = world.one
    response = login_as(side.admin).post(URL, settings_form(side, cpi_amber_below="lots"))
    assert response.status_code == 200
    assert "cpi_amber_below" in response.context["form"].errors


def test_the_reset_button_posts_to_the_reset_page(world, login_as):
    side = world.one
    Organisation.objects.filter(pk=side.organisation.pk).update(
        health_thresholds={"cpi_red_below": "0.8"}, report_acknowledgement_days=9
    )
    client = login_as(side.admin)
    assert f'formaction="{RESET_URL}"' in client.get(URL).content.decode()
    response = client.post(RESET_URL)
    assert response.status_code == 302
    side.organisation.refresh_from_db()
    assert (side.organisation.health_thresholds, side.organisation.report_acknowledgement_days) == (
        {},
        5,
    )


@pytest.mark.parametrize("role", ["pm", "member"])
def test_non_admins_cannot_reach_the_settings_or_the_reset(world, login_as, role):
    side = world.one
    Organisation.objects.filter(pk=side.organisation.pk).update(
        health_thresholds={"cpi_red_below": "0.8"}
    )
    client = login_as(getattr(side, role))
    assert client.get(URL).status_code == 404
    assert client.post(URL, settings_form(side, cpi_red_below="0.5")).status_code == 404
    assert client.post(RESET_URL).status_code == 404
    side.organisation.refresh_from_db()
    assert side.organisation.health_thresholds == {"cpi_red_below": "0.8"}
