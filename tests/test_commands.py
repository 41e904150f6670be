import pytest
from django.core.management import CommandError, call_command

from rapport.audit.models import AuditEvent
from rapport.clients.models import Contact
from rapport.projects.models import Project
from rapport.tenancy.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def test_demo_loads_a_bilingual_organisation_once(capsys):
    call_command("demo")
    call_command("demo")

    assert Organisation.objects.count() == 1
    assert Membership.objects.count() == 3
    assert Contact.objects.filter(portal_access=True).count() == 2
    assert Project.objects.filter(published_at__isnull=False).count() == 2
    assert {p.currency for p in Project.objects.all()} == {"EUR", "CNY"}
    assert AuditEvent.objects.filter(action="published").count() == 2
    out = capsys.readouterr().out
    assert "owner@lumen.demo" in out and "zhangwei@huachen.demo" in out


def test_demo_logins_work(client):
    call_command("demo")
    from rapport.core.management.commands.demo import PASSWORD

    response = client.post(
        "/accounts/login/", {"username": "zhangwei@huachen.demo", "password": PASSWORD}
    )
    assert response.status_code == 302
    page = client.get("/portal/").content.decode()
    assert "患者预约系统" in page and "Customer portal relaunch" not in page


def test_createowner_makes_an_organisation(capsys):
    call_command(
        "createowner",
        organisation="First Co",
        email="boss@first.test",
        name="Boss",
        password="a-very-long-pass-1",
    )
    membership = Membership.objects.get()
    assert (membership.role, membership.organisation.name) == ("owner", "First Co")


def test_createowner_refuses_a_weak_password():
    with pytest.raises(CommandError):
        call_command(
            "createowner",
            organisation="First Co",
            email="boss@first.test",
            name="Boss",
            password="123",
        )
    assert not Organisation.objects.exists()
