"""Every list's CSV and Excel export, parsed back: the heading in the reader's language, the
rows the page lists with the same filters (every page of them), nothing of another client,
project or organisation, and no cell a spreadsheet would run as a formula.

Every export is one line in ``EXPORTS``: the list page, who asks, and how to make a row they
see and a row they do not; the row they see is named like a formula."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client as HttpClient
from openpyxl import load_workbook

from rapport.core import export
from tests import factories
from tests.conftest import World, login

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)
FORMULA = "=HYPERLINK(1)"


def _name(kind: str) -> str:
    """A text a row is found by; the ones a reader sees start like a formula."""
    return f"{kind} {next(_serial)}"


# --- parsing ----------------------------------------------------------------------------------


def _csv(response: Any) -> list[list[str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())  # a spreadsheet reads UTF-8 by this mark
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _xlsx(response: Any) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [
        ["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)
    ]


def parse(response: Any, fmt: str) -> list[list[Any]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    return _csv(response) if fmt == "csv" else _xlsx(response)


def texts(rows: list[list[Any]]) -> list[str]:
    return [str(cell) for row in rows for cell in row]


# --- the exports ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """``page`` is the list's path (its export is ``<page>export.csv``, or ``export`` names
    the export's path when it differs); ``seen`` makes a row ``role`` sees and returns a text
    only that row holds, ``unseen`` one they must not get."""

    page: Callable[[World], str]
    role: str
    seen: Callable[[World], str]
    unseen: Callable[[World], str]
    export: Callable[[World], str] | None = None
    page_list: str = "page"  # the context name of the page's paginated list
    query: dict[str, str] = field(default_factory=dict)

    def export_path(self, world: World, fmt: str) -> str:
        base = self.export(world) if self.export else f"{self.page(world)}export"
        return f"{base}.{fmt}"


def _user(world: World, role: str) -> Any:
    if role.startswith("contact"):
        return getattr(world.one, role).user
    return getattr(world.one, role)


def client_seen(world: World) -> str:
    name = f"{FORMULA} {_name('Client')}"
    factories.ProjectMemberFactory(
        project=factories.ProjectFactory(
            client=factories.ClientFactory(organisation=world.one.organisation, name=name),
            pm=world.one.pm,
        ),
        user=world.one.member,
    )
    return name


def client_unseen(world: World) -> str:
    """A client of the same organisation whose projects the member is not on, and one of the
    other organisation."""
    factories.ClientFactory(organisation=world.one.organisation, name="Hidden client one")
    factories.ClientFactory(organisation=world.two.organisation, name="Hidden client two")
    return "Hidden client"


def contact_seen(world: World) -> str:
    name = f"{FORMULA} {_name('Contact')}"
    factories.ContactFactory(client=world.one.client_a, full_name=name)
    return name


def contact_unseen(world: World) -> str:
    factories.ContactFactory(client=world.one.client_b, full_name="Hidden contact of B")
    factories.ContactFactory(client=world.two.client_a, full_name="Hidden contact two")
    return "Hidden contact"


def project_seen(world: World) -> str:
    name = f"{FORMULA} {_name('Project')}"
    project = factories.ProjectFactory(client=world.one.client_a, pm=world.one.pm, name=name)
    factories.ProjectMemberFactory(project=project, user=world.one.member)
    return name


def project_unseen(world: World) -> str:
    factories.ProjectFactory(client=world.one.client_b, pm=world.one.pm, name="Hidden project")
    factories.ProjectFactory(client=world.two.client_a, pm=world.two.pm, name="Hidden project 2")
    return "Hidden project"


def project_of_the_other_org(world: World) -> str:
    factories.ProjectFactory(client=world.two.client_a, pm=world.two.pm, name="Hidden project")
    return "Hidden project"


def member_seen(world: World) -> str:
    from rapport.tenancy.models import Membership, Role

    name = f"{FORMULA} {_name('Member')}"
    user = factories.UserFactory(full_name=name)
    Membership.objects.create(organisation=world.one.organisation, user=user, role=Role.MEMBER)
    return name


def member_unseen(world: World) -> str:
    return world.two.pm.full_name


EXPORTS: dict[str, Export] = {
    "portfolio": Export(lambda w: "/app/portfolio/", "pm", project_seen, project_of_the_other_org),
    "clients": Export(lambda w: "/app/clients/", "member", client_seen, client_unseen),
    "clients as owner": Export(
        lambda w: "/app/clients/",
        "owner",
        client_seen,
        lambda w: client_unseen(w) and "Hidden client two",
        query={"q": "HYPERLINK", "sort": "name"},
    ),
    "contacts of a client": Export(
        lambda w: f"/app/clients/{w.one.client_a.pk}/",
        "member",
        contact_seen,
        contact_unseen,
        export=lambda w: f"/app/clients/{w.one.client_a.pk}/contacts/export",
        page_list="contacts",
    ),
    "projects": Export(lambda w: "/app/projects/", "member", project_seen, project_unseen),
    "projects filtered": Export(
        lambda w: "/app/projects/",
        "pm",
        project_seen,
        project_unseen,
        query={"q": "HYPERLINK", "status": "active"},
    ),
    "team": Export(lambda w: "/app/team/", "member", member_seen, member_unseen),
}


@pytest.mark.parametrize("fmt", export.FORMATS)
@pytest.mark.parametrize("name", list(EXPORTS))
def test_export_holds_the_rows_of_the_page(world: World, name: str, fmt: str) -> None:
    case = EXPORTS[name]
    seen = case.seen(world)
    unseen = case.unseen(world)
    http = login(_user(world, case.role))
    page = http.get(case.page(world), case.query)
    assert page.status_code == 200
    listed = page.context[case.page_list].paginator.count

    rows = parse(http.get(case.export_path(world, fmt), case.query), fmt)

    cells = texts(rows)
    assert len(rows) == 1 + listed  # the heading, then every row of every page
    assert f"'{seen}" in cells  # shown as text, never run
    assert not [cell for cell in cells if unseen in cell]
    assert not [cell for cell in cells if cell[:1] in export.FORMULA_STARTS]


@pytest.mark.parametrize("name", list(EXPORTS))
def test_export_heading_in_the_readers_language(world: World, name: str) -> None:
    case = EXPORTS[name]
    user = _user(world, case.role)
    english = parse(login(user).get(case.export_path(world, "csv")), "csv")[0]
    user.language = "zh-hans"
    user.save()

    chinese = parse(login(user).get(case.export_path(world, "xlsx")), "xlsx")[0]

    assert len(chinese) == len(english)
    assert english[0].isascii()
    assert not chinese[0].isascii()


def test_a_cell_that_looks_like_a_formula_is_text(world: World) -> None:
    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert export.safe_text(value) == f"'{value}"
    assert export.safe_text("a=1") == "a=1"


def test_export_is_capped(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "MAX_ROWS", 2)
    for _ in range(3):
        project_seen(world)
    http: HttpClient = login(world.one.pm)
    assert len(parse(http.get("/app/projects/export.csv"), "csv")) == 1 + 2
    assert len(parse(http.get("/app/projects/export.xlsx"), "xlsx")) == 1 + 2
