"""The client pages, as a PM fills them in."""

import pytest

from rapport.clients import services
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _selected_time_zone(html: str) -> str:
    start = html.index('name="time_zone"')
    selected = html.index(" selected", start)
    return html[html.rindex('value="', start, selected) + 7 : selected].split('"')[0]


def test_a_new_contact_starts_in_the_clients_time_zone_or_the_users(world):
    side = world.one
    side.pm.time_zone = "Europe/Berlin"
    side.pm.save(update_fields=["time_zone"])
    http = login(side.pm)
    empty = services.client_create(actor=side.actor(side.pm), name="Fresh client", language="en")
    page = http.get(f"/app/clients/{empty.pk}/contacts/new/").content.decode()
    assert _selected_time_zone(page) == "Europe/Berlin"  # no contact yet: the PM's own

    side.client_a.contacts.update(time_zone="Asia/Shanghai")
    page = http.get(f"/app/clients/{side.client_a.pk}/contacts/new/").content.decode()
    assert _selected_time_zone(page) == "Asia/Shanghai"  # where the client's people are
