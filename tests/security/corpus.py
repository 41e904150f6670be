"""Hostile text: what attackers and unlucky users type into free-text fields and search boxes,
and the checks that say it came out inert (escaped HTML, single-line email headers, templates
not evaluated)."""

from __future__ import annotations

import re
from email.message import Message
from html.parser import HTMLParser

# --- the corpus -------------------------------------------------------------------------------

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    '<svg><script href="data:,alert(1)"/></svg>',
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '![x](x" onerror="alert(1))',
    "<iframe src=//evil.example>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]
SQL_AND_FTS = [
    "' OR 1=1 --",
    '" OR ""="',
    "'; DROP TABLE clients; --",
    '"',
    '"unbalanced',
    "*",
    "a*",
    "NEAR(",
    "NEAR(a b, 2)",
    "MATCH",
    "a OR",
    "AND NOT",
    "(",
    ")",
    "^",
    "-",
    ":",
    "col:term",
    "{a b}",
    "%",
    "_",
    "\\",
    "&|!<>",
]
TEMPLATE = ["{{ 7*7 }}", "{% debug %}", "${7*7}", "#{7*7}", "{{7*'7'}}", "<%= 7*7 %>"]
HEADER = [
    "Subject\r\nBcc: victim@evil.example",
    "Name\nX-Injected: yes",
    "Name\r\n\r\n<html>body</html>",
    "=?utf-8?q?=0D=0ABcc:_victim@evil.example?=",
]
UNICODE = [
    "\u202eevil\u202c",  # right-to-left override
    "zero\u200bwidth\u200d\ufeff",
    "emoji 😀👩‍💻🇨🇳",
    "four-byte 𠜎𠜱𠝹𠱓",
    "combining e\u0301\u0301\u0301",
    "中文，全角：＜script＞",
]
OVERLONG = ["x" * 20_000, "𠜎" * 5_000, "a " * 10_000]

CORPUS = [*XSS, *SQL_AND_FTS, *TEMPLATE, *HEADER, *UNICODE]

# Free-text fields receive one line that carries a sample of every family at once, behind a
# marker that says which request wrote it. Kept under 100 characters so that short fields
# (names, titles) take it too; the long and the rest of the corpus go through search boxes and
# the services' own tests.
OPEN, CLOSE = "\u27e6", "\u27e7"  # ⟦ ⟧ around the template probes: "⟦49⟧" means evaluated


def payload(marker: str) -> str:
    return (
        f'{marker}<script>x()</script>"><img src=x onerror=x()>[a](javascript:x())'
        f"{OPEN}{{{{7*7}}}}{CLOSE}{OPEN}${{7*7}}{CLOSE}{{%debug%}}'OR 1=1--\u202e𠜎😀\u200b"
    )


def short_payload(marker: str) -> str:
    """For fields that keep fewer than 100 characters."""
    return f'{marker}"><img src=x onerror=x()>{OPEN}{{{{7*7}}}}{CLOSE}\u202e𠜎'


MARKDOWN_PAYLOAD = "[x](javascript:alert(1)) <svg onload=alert(1)> "


def lines(marker: str) -> str:
    """A payload with line breaks, for fields that become email subjects or names."""
    return f"{marker}\r\nBcc: victim@evil.example\nX-Injected: yes"


# --- the checks -------------------------------------------------------------------------------

EVALUATED = [f"{OPEN}49{CLOSE}", "'False': False", "sql_queries"]


class ActiveContent(HTMLParser):
    """Every element or attribute that would run script or load something: on a page whose
    own markup has none (the CSP crawl proves that), any found came from user text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        data_block = (values.get("type") or "").lower() == "application/json"
        if tag == "script" and "src" not in values and "nonce" not in values and not data_block:
            self.found.append("<script>")
        if tag in {"iframe", "object", "embed", "math"}:
            self.found.append(f"<{tag}>")
        if tag == "img" and values.get("src") == "x":
            self.found.append("<img src=x>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in {"href", "src", "xlink:href", "action", "formaction"} and re.match(
                r"\s*(javascript|vbscript):", value or "", re.IGNORECASE
            ):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    parser.close()
    return parser.found


def evaluated(text: str) -> list[str]:
    """Signs that a template probe was evaluated rather than shown."""
    return [sign for sign in EVALUATED if sign in text]


def header_problems(message: Message | object) -> list[str]:
    """Header values that carry a line break (an injected header), for an
    ``EmailMessage``/``EmailMultiAlternatives`` or a parsed ``email.message.Message``."""
    problems = []
    if isinstance(message, Message):
        items = [(name, str(value)) for name, value in message.items()]
    else:
        built = message.message()  # type: ignore[attr-defined]
        items = [(name, str(value)) for name, value in built.items()]
    for name, value in items:
        unfolded = re.sub(r"\r?\n[ \t]", " ", value)  # RFC 5322 folding is not a new line
        if "\r" in unfolded or "\n" in unfolded:
            problems.append(f"{name}: {value!r}")
        if name.lower() in {"bcc", "x-injected"}:
            problems.append(f"injected header {name}: {value!r}")
    return problems
