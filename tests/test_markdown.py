"""Markdown from users renders to HTML that never carries script."""

from html.parser import HTMLParser

import pytest

from rapport.core.markdown import render


def test_markdown_renders_the_usual_things():
    html = render("# Plan\n\n- **done**\n- [docs](https://example.test)")
    assert "<h1>Plan</h1>" in html
    assert "<strong>done</strong>" in html
    assert 'href="https://example.test"' in html


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="#" onclick="alert(1)">x</a>',
        "[x](javascript:alert(1))",
        '<div onclick="alert(1)">x</div>',
        "<svg><script>alert(1)</script></svg>",
        "![x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
    ],
)
def test_script_and_handlers_never_survive(text):
    elements = _Elements()
    elements.feed(render(text))
    assert "script" not in elements.tags
    assert not [name for name, _ in elements.attributes if name.startswith("on")]
    assert not [v for _, v in elements.attributes if "javascript" in v.lower()]
