"""The Simplified Chinese catalogue is complete, compiled, and used: every string of the
source is translated, the committed .mo matches the .po, pages render in the reader's
language and emails go out in the recipient's language."""

from __future__ import annotations

import ast
import gettext
import html.parser
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.utils import translation

import rapport
from rapport.clients.services import contact_invite_to_portal
from rapport.notify.models import OutboundEmail
from tests import factories

PACKAGE_DIR = Path(rapport.__file__).resolve().parent
LC_MESSAGES = PACKAGE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"
# The same options as the documented `rapport makemessages` call.
MAKEMESSAGES_ARGS = shlex.split("--locale zh_Hans --no-obsolete --no-location --ignore 'static/*'")

MSGFMT = shutil.which("msgfmt")
XGETTEXT = shutil.which("xgettext")
needs_msgfmt = pytest.mark.skipif(MSGFMT is None, reason="GNU gettext (msgfmt) is not installed")

# Strings that Django itself shows in Rapport's pages but that Django's own zh_Hans catalogue
# does not translate (Django 6.1). Rapport's catalogue carries them although makemessages
# does not extract them from Rapport's source (and drops them when regenerating).
DJANGO_SUPPLEMENTS = {(None, "- Select an option -")}


# --- reading a .po file ----------------------------------------------------------------------

Key = tuple[str | None, str]  # (msgctxt, msgid)


class Entry:
    def __init__(self) -> None:
        self.flags: set[str] = set()
        self.msgctxt: str | None = None
        self.msgid = ""
        self.msgid_plural: str | None = None
        self.msgstr: dict[int, str] = {}

    @property
    def key(self) -> Key:
        return (self.msgctxt, self.msgid)


def read_po(path: Path) -> dict[Key, Entry]:
    """A small .po reader: enough for catalogues written by xgettext and msgmerge."""
    entries: dict[Key, Entry] = {}
    entry = Entry()
    field: tuple[str, int] | None = None
    started = False

    def finish() -> None:
        nonlocal entry, started
        if started:
            entries[entry.key] = entry
        entry, started = Entry(), False

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            field = None
            continue
        if line.startswith("#~"):  # obsolete entry
            continue
        if line.startswith("#,"):
            if started:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            keyword, index, literal = match.groups()
            if keyword in {"msgctxt", "msgid"} and field is not None and field[0] == "msgstr":
                finish()
            started = True
            name = "msgstr" if keyword.startswith("msgstr") else keyword
            field = (name, int(index or 0))
            _append(entry, field, "")
        elif line.startswith('"') and field is not None:
            literal = line
        else:
            raise ValueError(f"{path}: cannot read line {raw!r}")
        _append(entry, field, ast.literal_eval(literal))
    finish()
    return entries


def _append(entry: Entry, field: tuple[str, int], text: str) -> None:
    name, index = field
    if name == "msgstr":
        entry.msgstr[index] = entry.msgstr.get(index, "") + text
    elif name == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + text
    elif name == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    else:
        entry.msgid += text


def messages(entries: dict[Key, Entry]) -> dict[Key, Entry]:
    """Every entry but the header."""
    return {key: entry for key, entry in entries.items() if key != (None, "")}


def describe(keys: set[Key]) -> str:
    return "\n".join(
        f"  {msgid!r}" + (f" (context {context!r})" if context else "")
        for context, msgid in sorted(keys, key=lambda key: (key[1], key[0] or ""))
    )


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


# --- the catalogue ----------------------------------------------------------------------------


def test_po_header_names_the_language_charset_and_plural_forms():
    header = read_po(PO_FILE)[(None, "")]
    text = header.msgstr[0]
    assert "#, fuzzy" not in PO_FILE.read_text(encoding="utf-8")
    assert "Language: zh_Hans\n" in text
    assert "Content-Type: text/plain; charset=UTF-8\n" in text
    assert "Plural-Forms: nplurals=1; plural=0;\n" in text


@needs_msgfmt
def test_msgfmt_check_reports_no_untranslated_and_no_fuzzy_messages(tmp_path):
    result = subprocess.run(
        [MSGFMT, "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(PO_FILE)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip()
    assert re.fullmatch(r"\d+ translated messages?\.", statistics), statistics


def test_every_message_is_translated_and_not_fuzzy():
    entries = messages(read_po(PO_FILE))
    assert entries
    fuzzy = {key for key, entry in entries.items() if "fuzzy" in entry.flags}
    untranslated = {
        key
        for key, entry in entries.items()
        if not entry.msgstr or not all(text.strip() for text in entry.msgstr.values())
    }
    assert not fuzzy, "fuzzy messages in the Chinese catalogue:\n" + describe(fuzzy)
    assert not untranslated, "untranslated messages in the Chinese catalogue:\n" + describe(
        untranslated
    )


def test_translations_keep_every_placeholder():
    wrong = []
    for entry in messages(read_po(PO_FILE)).values():
        expected = sorted(set(PLACEHOLDER.findall(entry.msgid)))
        for text in entry.msgstr.values():
            if sorted(set(PLACEHOLDER.findall(text))) != expected:
                wrong.append(f"  {entry.msgid!r} -> {text!r}")
    assert not wrong, "translations that lose or invent a placeholder:\n" + "\n".join(wrong)


def test_chinese_ui_terms_follow_the_glossary():
    """The words the article uses (and the browser tests look for)."""
    entries = messages(read_po(PO_FILE))
    expected = {
        "My projects": "我的项目",
        "Projects": "项目",
        "Clients": "客户",
        "Client portal": "客户门户",
        "Sign in": "登录",
        "Home": "首页",
        "Team": "团队",
        "New client": "新建客户",
        "New project": "新建项目",
        "Project manager": "项目经理",
        "Audit trail": "审计记录",
        "Outbox": "发件箱",
        "Owner": "所有者",
        "Admin": "管理员",
        "Team member": "团队成员",
    }
    actual = {msgid: entries[(None, msgid)].msgstr[0] for msgid in expected}
    assert actual == expected


@pytest.mark.skipif(
    MSGFMT is None or XGETTEXT is None, reason="GNU gettext (xgettext, msgfmt) is not installed"
)
def test_catalogue_covers_exactly_the_strings_of_the_source(tmp_path):
    """Extract the strings again from a copy of the package and compare with the committed
    catalogue: a new string that nobody translated fails here, with its text."""
    copy = tmp_path / "rapport"
    shutil.copytree(
        PACKAGE_DIR,
        copy,
        # the catalogue itself stays behind; locale/*.py (strings Django lacks) comes along
        ignore=shutil.ignore_patterns("static", "*.po", "*.mo", "__pycache__", "*.pyc"),
    )
    (copy / "locale").mkdir(exist_ok=True)
    # The real settings, without LOCALE_PATHS, so that nothing can be written to the real
    # catalogue: makemessages writes into ./locale of the copy.
    (tmp_path / "i18n_check_settings.py").write_text(
        "from rapport.settings import *  # noqa: F403\nLOCALE_PATHS = []\n"
    )
    rapport_command = Path(sys.executable).with_name("rapport")
    command = (
        [str(rapport_command)]
        if rapport_command.exists()
        else [sys.executable, "-c", "from rapport.cli import main; main()"]
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])),
        "RAPPORT_VAR_DIR": str(tmp_path / "var"),
        "RAPPORT_MODE": "embedded",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [*command, "makemessages", *MAKEMESSAGES_ARGS, "--settings", "i18n_check_settings"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    extracted = set(messages(read_po(copy / "locale/zh_Hans/LC_MESSAGES/django.po")))
    committed = set(messages(read_po(PO_FILE)))
    missing = extracted - committed
    obsolete = committed - extracted - DJANGO_SUPPLEMENTS
    dropped = DJANGO_SUPPLEMENTS - committed
    assert not missing, (
        "strings in the source that the Chinese catalogue lacks; run `rapport makemessages "
        + shlex.join(MAKEMESSAGES_ARGS)
        + "` in src/rapport, translate them and run `rapport compilemessages`:\n"
        + describe(missing)
    )
    assert not obsolete, "strings in the catalogue that the source no longer has:\n" + describe(
        obsolete
    )
    assert not dropped, (
        "strings Django shows untranslated that the catalogue must keep (makemessages drops "
        "them; add them back at the end of django.po):\n" + describe(dropped)
    )


def _catalog(translations: gettext.GNUTranslations) -> dict[Any, str]:
    return dict(translations._catalog)  # type: ignore[attr-defined]


def test_committed_mo_holds_exactly_the_translations_of_the_po():
    """Works without gettext: the .mo a fresh machine uses says what the .po says."""
    with MO_FILE.open("rb") as handle:
        compiled = _catalog(gettext.GNUTranslations(handle))
    expected: dict[Any, str] = {}
    for entry in messages(read_po(PO_FILE)).values():
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[msgid] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                expected[(msgid, index)] = text
    compiled.pop("", None)
    assert compiled == expected, "the committed django.mo is stale; run `rapport compilemessages`"


@needs_msgfmt
def test_committed_mo_matches_a_fresh_compilation_of_the_po(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run([MSGFMT, "--check", "-o", str(fresh), str(PO_FILE)], check=True)
    with fresh.open("rb") as handle:
        expected = gettext.GNUTranslations(handle)
    with MO_FILE.open("rb") as handle:
        committed = gettext.GNUTranslations(handle)
    assert _catalog(committed) == _catalog(expected), (
        "the committed django.mo is stale; run `rapport compilemessages`"
    )
    assert committed.info() == expected.info()
    assert committed.info()["plural-forms"] == "nplurals=1; plural=0;"


# --- pages ------------------------------------------------------------------------------------


class _VisibleText(html.parser.HTMLParser):
    """The text a reader sees or hears: element text and the labelling attributes."""

    ATTRIBUTES = ("aria-label", "placeholder", "title", "alt")
    HIDDEN = ("script", "style")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        attributes = dict(attrs)
        names = self.ATTRIBUTES
        if tag == "input" and attributes.get("type") in {"submit", "button", "reset"}:
            names = (*names, "value")  # the label of a button
        self.parts.extend(value for name, value in attributes.items() if name in names and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    parser = _VisibleText()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


def has_word(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![A-Za-z]){re.escape(phrase)}(?![A-Za-z])", text) is not None


def set_language(user: Any, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


# (page, Chinese labels it must show, English labels it shows in English and must not in Chinese)
MEMBER_PAGES = {
    "home": (
        lambda side: "/app/",
        ["首页", "客户", "项目", "团队", "审计记录", "发件箱", "退出登录", "您好", "您的未结项目"],
        ["Home", "Clients", "Projects", "Team", "Audit trail", "Outbox", "Sign out",
         "Your open projects", "Status", "End date", "API tokens", "Skip to content"],
    ),
    "clients": (
        lambda side: "/app/clients/",
        ["客户", "新建客户", "搜索客户", "名称", "联系人"],
        ["Clients", "New client", "Search", "Search clients", "Name", "Contacts", "Sign out"],
    ),
    "search": (
        lambda side: "/app/search/",
        ["搜索", "用中文或英文搜索您的客户", "按 /"],
        ["Search across your clients", "Every result contains", "Search (press /)"],
    ),
    "projects": (
        lambda side: "/app/projects/",
        ["项目", "新建项目", "项目经理", "状态", "起止日期", "已发布", "进行中", "全部状态",
         "筛选"],
        ["Projects", "New project", "Project manager", "Status", "Dates", "Published", "Active",
         "Any status", "Filter", "Portal", "Code"],
    ),
    "team": (
        lambda side: "/app/team/",
        ["团队", "角色", "所有者", "管理员", "项目经理", "团队成员", "邀请同事", "发送邀请"],
        ["Team", "Role", "Owner", "Admin", "Project manager", "Team member", "Invite a colleague",
         "Send invitation", "Change", "Remove"],
    ),
    "project detail": (
        lambda side: f"/app/projects/{side.project_a.pk}/",
        ["状态", "项目经理", "客户门户", "已发布", "从门户撤下", "团队", "变更历史", "编辑"],
        ["Status", "Project manager", "Client portal", "Published", "Take out of the portal",
         "Team", "History", "Edit", "Currency", "Dates", "Select an option"],
    ),
}  # fmt: skip

PORTAL_PAGES = {
    "portal home": (
        lambda side: "/portal/",
        ["客户门户", "我的项目", "退出登录", "进行中"],
        ["Client portal", "My projects", "Sign out", "Active"],
    ),
    "portal project": (
        lambda side: f"/portal/projects/{side.project_a.pk}/",
        ["客户门户", "我的项目", "状态", "项目经理", "起止日期", "与您共享"],
        ["Client portal", "My projects", "Status", "Project manager", "Dates", "Shared with you",
         "Sign out"],
    ),
}  # fmt: skip


def _check_page(
    user: Any, client: HttpClient, url: str, chinese: list[str], english: list[str]
) -> None:
    """``url`` shows ``english`` to ``user`` in English, and ``chinese`` but none of
    ``english`` once their language is Simplified Chinese."""
    set_language(user, "en")
    in_english = visible_text(client.get(url))
    not_in_english = [phrase for phrase in english if not has_word(in_english, phrase)]
    assert not not_in_english, f"the English page {url} lacks {not_in_english}: fix the test"

    set_language(user, "zh-hans")
    response = client.get(url)
    in_chinese = visible_text(response)
    assert '<html lang="zh-hans">' in response.content.decode()
    missing = [phrase for phrase in chinese if phrase not in in_chinese]
    assert not missing, f"{url} in Chinese lacks {missing}:\n{in_chinese}"
    leftover = [phrase for phrase in english if has_word(in_chinese, phrase)]
    assert not leftover, f"{url} in Chinese still shows {leftover}:\n{in_chinese}"


@pytest.mark.parametrize("page", MEMBER_PAGES)
def test_member_pages_render_in_chinese(world, login_as, page):
    url, chinese, english = MEMBER_PAGES[page]
    user = world.one.owner
    _check_page(user, login_as(user), url(world.one), chinese, english)


@pytest.mark.parametrize("page", PORTAL_PAGES)
def test_portal_pages_render_in_chinese(world, login_as, page):
    url, chinese, english = PORTAL_PAGES[page]
    user = world.one.contact_a.user
    _check_page(user, login_as(user), url(world.one), chinese, english)


@pytest.mark.django_db
def test_sign_in_page_follows_the_browser_language_before_sign_in():
    chinese = visible_text(HttpClient().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN"))
    assert "登录" in chinese
    assert not has_word(chinese, "Sign in")
    english = visible_text(HttpClient().get("/accounts/login/"))
    assert has_word(english, "Sign in")
    assert "登录" not in english


# --- emails -----------------------------------------------------------------------------------


def _invite(side: Any, contact: Any, interface: str, capture: Any) -> OutboundEmail:
    """The PM invites ``contact`` while their own interface is in ``interface``."""
    set_language(side.pm, interface)
    mail.outbox.clear()
    with translation.override(interface), capture(execute=True):
        contact_invite_to_portal(actor=side.actor(side.pm), contact=contact)
        # rendering the email does not change the inviting member's language
        assert translation.get_language() == interface
    return OutboundEmail.objects.get(to=contact.email, kind="portal_invitation")


def test_portal_invitation_goes_out_in_the_contacts_chinese(
    world, django_capture_on_commit_callbacks
):
    side = world.one
    contact = factories.ContactFactory(
        client=side.client_a, email="wang.fang@client.test", language="zh-hans"
    )
    email = _invite(side, contact, "en", django_capture_on_commit_callbacks)

    assert email.language == "zh-hans"
    assert email.subject == f"{side.client_a.name} 的客户门户"
    for body in (email.body_text, email.body_html):
        assert f"{contact.full_name}，您好" in body
        assert "邀请您使用 Rapport 客户门户" in body
        assert "该链接仅可使用一次" in body
        for english in ("Hello", "invites you", "Choose your password", "The link works once"):
            assert english not in body
    assert "请在此设置您的密码" in email.body_text
    assert "设置您的密码" in email.body_html
    assert email.status == OutboundEmail.Status.SENT
    [sent] = mail.outbox
    assert sent.subject == email.subject
    assert sent.to == ["wang.fang@client.test"]


def test_portal_invitation_goes_out_in_english_to_an_english_contact(
    world, django_capture_on_commit_callbacks
):
    side = world.one
    contact = factories.ContactFactory(
        client=side.client_a, email="jane.doe@client.test", language="en"
    )
    email = _invite(side, contact, "zh-hans", django_capture_on_commit_callbacks)

    assert email.language == "en"
    assert email.subject == f"Your client portal for {side.client_a.name}"
    assert f"Hello {contact.full_name}," in email.body_text
    assert "Choose your password here:" in email.body_text
    assert not re.search(r"[\u4e00-\u9fff]", email.subject + email.body_text + email.body_html)
