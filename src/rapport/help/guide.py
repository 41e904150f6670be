"""The user guide (``docs/guide/<language>/*.md``), read from the checkout and rendered for the
in-app help: links between its pages and its pictures are rewritten to the help URLs, and
the HTML goes through the same allow-list as user Markdown, with pictures added.

Which page explains which area: ``page_for`` maps the URL namespace (and name) a person is
on to the guide page about it, so the Help link in the top bar opens the right one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nh3
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from markdown_it.token import Token

from rapport.core.markdown import ATTRIBUTES, PARSER, TAGS

LANGUAGES = {"en": "en", "zh-hans": "zh", "zh": "zh"}  # interface language → guide folder
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")
PICTURE = re.compile(r"^(?:\.\./)+img/(?P<language>en|zh)/(?P<name>[a-z0-9-]{1,60})\.png$")
INDEX = "README"

# URL namespace, or "namespace:name" where one namespace spans two areas → guide page.
AREAS = {
    "app": "home",
    "portfolio": "home",
    "notifications": "home",
    "search": "home",
    "clients": "00-getting-started",
    "clients:detail": "08-relationship",
    "client_health_settings": "08-relationship",
    "projects": "00-getting-started",
    "projects:baseline": "03-expectations",
    "projects:compare": "03-expectations",
    "projects:version": "03-expectations",
    "projects:item_create": "03-expectations",
    "projects:item_edit": "03-expectations",
    "projects:actuals": "03-expectations",
    "communication": "01-communication",
    "messages_app": "01-communication",
    "risks": "02-trust",
    "risks:conflicts": "06-conflicts",
    "risks:conflict_detail": "06-conflicts",
    "audit": "02-trust",
    "changes": "04-changes",
    "reports": "05-reporting",
    "meetings": "05-reporting",
    "feedback": "07-feedback",
    "feedback_settings": "07-feedback",
    "closure": "09-closure",
    "closure_settings": "08-relationship",
    "lessons": "09-closure",
    "portal": "portal",
}


@dataclass(frozen=True)
class Page:
    language: str
    slug: str
    title: str
    html: SafeString


def guide_dir() -> Path:
    return Path(settings.RAPPORT_DOCS_DIR) / "guide"


def folder_for(language_code: str) -> str:
    return LANGUAGES.get((language_code or "en").lower(), "en")


def page_for(namespace: str, url_name: str) -> str:
    """The guide page about the area a person is on (the contents when none fits)."""
    first = namespace.split(":")[0] if namespace else ""
    if first.startswith("portal") or namespace.endswith("portal"):
        return "portal"
    return AREAS.get(f"{first}:{url_name}") or AREAS.get(first) or INDEX


def load(language: str, slug: str) -> Page | None:
    """The page, or None when there is no such page (an unknown or malformed name included)."""
    if language not in set(LANGUAGES.values()) or (not SLUG.match(slug) and slug != INDEX):
        return None
    path = guide_dir() / language / f"{slug}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return None
    title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), slug)
    return Page(language=language, slug=slug, title=title, html=_render(language, text))


def _render(language: str, text: str) -> SafeString:
    tokens = PARSER.parse(text)
    for token in tokens:
        for child in token.children or []:
            _rewrite(language, child)
    html = PARSER.renderer.render(tokens, PARSER.options, {})
    clean = nh3.clean(
        html,
        tags=TAGS | {"img"},
        attributes={**ATTRIBUTES, "img": {"src", "alt"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 above


def _rewrite(language: str, token: Token) -> None:
    if token.type == "link_open":
        token.attrSet("href", _link(language, str(token.attrGet("href") or "")))
    elif token.type == "image":
        picture = PICTURE.match(str(token.attrGet("src") or ""))
        if picture:
            src = reverse("help:picture", args=[picture["language"], picture["name"]])
            token.attrSet("src", src)
        else:  # a picture from anywhere else shows as its description
            token.type, token.children = "text", None


def _link(language: str, href: str) -> str:
    """A link to another page of the guide opens it in the help; links out stay as they are."""
    if href.startswith(("http://", "https://", "mailto:", "#")):
        return href
    target = href.split("#", 1)[0]
    parts = target.split("/")
    other_language = len(parts) == 3 and parts[0] == ".." and parts[1] in ("en", "zh")
    if other_language and parts[2].endswith(".md"):
        return _page_url(parts[1], parts[2][:-3])
    if len(parts) == 1 and target.endswith(".md"):
        return _page_url(language, target[:-3])
    return ""  # anything else (the operator guide, source files) is not part of the help


def _page_url(language: str, slug: str) -> str:
    if slug == INDEX:
        return reverse("help:index", args=[language])
    return reverse("help:page", args=[language, slug])


def picture_path(language: str, name: str) -> Path | None:
    if language not in ("en", "zh") or not re.fullmatch(r"[a-z0-9-]{1,60}", name):
        return None
    path = Path(settings.RAPPORT_DOCS_DIR) / "img" / language / f"{name}.png"
    return path if path.is_file() else None
