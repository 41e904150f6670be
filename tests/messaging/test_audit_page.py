import pytest

from rapport.messaging import services
from tests.conftest import login
from tests.messaging import samples

pytestmark = pytest.mark.django_db


def test_the_audit_trail_shows_conversations_without_their_text(world):
    side = world.one
    services.thread_open(
        actor=side.contact_actor(side.contact_a),
        project=side.project_a,
        subject="Budget question",
        body="The confidential figure is 4711",
        attachments=[samples.pdf("figures.pdf")],
    )
    page = login(side.owner).get("/app/audit/").content.decode()
    assert "Budget question" in page and "posted a message" in page
    assert "figures.pdf" in page and "Client portal" in page
    assert "4711" not in page
