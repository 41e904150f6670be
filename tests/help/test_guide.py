"""The user guide, read in Rapport: every page of both languages opens, every link between its
pages and every picture works, and the Help link of an area opens the page about it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from rapport.help import guide
from tests.conftest import login

GUIDE = Path(settings.RAPPORT_DOCS_DIR) / "guide"


def pages(language: str) -> list[str]:
    return sorted(path.stem for path in (GUIDE / language).glob("*.md"))


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.pictures: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))
        if tag == "img":
            self.pictures.append(str(values.get("src") or ""))
        if tag == "script":
            self.scripts += 1


def test_both_languages_have_the_same_pages() -> None:
    assert pages("en") == pages("zh")
    assert {"README", "00-getting-started", "home", "portal"} <= set(pages("en"))
    # One page per area of the article, in its order.
    assert [page for page in pages("en") if re.match(r"0[1-9]-", page)] == [
        "01-communication",
        "02-trust",
        "03-expectations",
        "04-changes",
        "05-reporting",
        "06-conflicts",
        "07-feedback",
        "08-relationship",
        "09-closure",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_page_opens_with_working_links_and_pictures(client: Client, language: str) -> None:
    for slug in pages(language):
        url = (
            reverse("help:index", args=[language])
            if slug == guide.INDEX
            else reverse("help:page", args=[language, slug])
        )
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        parser = Links()
        parser.feed(body)
        inside = [href for href in parser.hrefs if href.startswith("/help/")]
        assert inside, f"{url} links to no other page of the guide"
        for href in inside:
            assert client.get(href).status_code == 200, f"{url} → {href}"
        article = body.split('<article class="guide"', 1)[1]
        for src in re.findall(r'<img src="([^"]*)"', article):
            assert src.startswith("/help/img/"), f"{url}: a picture from elsewhere: {src}"
            picture = client.get(src)
            assert picture.status_code == 200, src
            assert picture["Content-Type"] == "image/png"
            assert b"".join(picture.streaming_content).startswith(b"\x89PNG")
        # The Chinese guide shows the Chinese pictures and the English one the English.
        pictures = re.findall(r'<img src="([^"]*)"', article)
        assert all(f"/help/img/{language}/" in src for src in pictures)


@pytest.mark.django_db
def test_a_language_the_guide_does_not_have_or_a_forged_name_is_not_found(client: Client) -> None:
    for url in [
        "/help/fr/",
        "/help/en/nope/",
        "/help/en/..%2f..%2fREADME/",
        "/help/img/en/nope.png",
        "/help/img/en/..%2fguide.png",
        "/help/img/de/home.png",
    ]:
        assert client.get(url).status_code == 404, url


def test_a_link_out_of_the_guide_is_dropped_and_raw_html_is_not_rendered(
    tmp_path: Path, settings
) -> None:
    (tmp_path / "guide" / "en").mkdir(parents=True)
    (tmp_path / "guide" / "en" / "x.md").write_text(
        "# X\n\n[ops](../../ops/README.md) [out](https://example.org) [y](y.md)\n\n"
        "<script>alert(1)</script> ![p](../../img/en/../../secret.png)\n[j](javascript:alert(1))\n",
        encoding="utf-8",
    )
    settings.RAPPORT_DOCS_DIR = str(tmp_path)
    page = guide.load("en", "x")
    assert page is not None and page.title == "X"
    html = str(page.html)
    assert 'href="https://example.org"' in html
    assert 'href="/help/en/y/"' in html
    assert "<script" not in html and 'href="javascript' not in html
    assert "secret" not in html and "<img" not in html
    assert "../../ops" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("area", "slug"),
    [
        ("changes:detail", "04-changes"),
        ("risks:conflicts", "06-conflicts"),
        ("risks:register", "02-trust"),
        ("projects:baseline", "03-expectations"),
        ("projects:detail", "00-getting-started"),
        ("clients:detail", "08-relationship"),
        ("feedback:list", "07-feedback"),
        ("closure:detail", "09-closure"),
        ("communication:overview", "01-communication"),
        ("app:home", "home"),
        ("portal_meetings:action_items", "portal"),
        ("portal:home", "portal"),
    ],
)
def test_the_help_link_of_an_area_opens_its_page(client: Client, area: str, slug: str) -> None:
    response = client.get(reverse("help:start"), {"area": area})
    assert response.status_code == 302
    assert response["Location"] == reverse("help:page", args=["en", slug])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.get(reverse("help:start"), {"area": area})
    assert response["Location"] == reverse("help:page", args=["zh", slug])


@pytest.mark.django_db
def test_every_area_of_the_app_has_a_help_link_to_an_existing_page(world) -> None:
    """The top bar of the app and of the portal carry the Help link of the area."""
    client = login(world.one.pm)
    response = client.get(reverse("changes:list", args=[world.one.project_a.pk]))
    hrefs = re.findall(r'href="(/help/\?area=[^"]*)"', response.content.decode())
    assert hrefs == ["/help/?area=changes:list"]
    target = client.get(hrefs[0].replace("&amp;", "&"))
    assert target["Location"] == "/help/en/04-changes/"
    assert client.get(target["Location"]).status_code == 200
    portal = login(world.one.contact_a.user).get(reverse("portal:home"))
    assert re.findall(r'href="(/help/\?area=[^"]*)"', portal.content.decode()) == [
        "/help/?area=portal:home"
    ]
