"""Search terms marked in a result's text. The text is escaped piece by piece and only the
``<mark>`` elements are ours, so whatever a record contains is shown, never run."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

SNIPPET_CONTEXT = 60  # characters shown either side of the first match


def _pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    longest_first = sorted(terms, key=len, reverse=True)
    return re.compile("|".join(re.escape(term) for term in longest_first), re.IGNORECASE)


def highlight(text: str, terms: Sequence[str]) -> SafeString:
    pattern = _pattern(terms)
    if pattern is None:
        return escape(text)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(format_html("<mark>{}</mark>", match.group()))
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece escaped above


def snippet(texts: Iterable[str], terms: Sequence[str]) -> SafeString:
    """The first text that contains a term, cut around that term, terms marked; else the
    beginning of the first non-empty text."""
    pattern = _pattern(terms)
    present = [" ".join(text.split()) for text in texts if text and text.strip()]
    for text in present:
        match = pattern.search(text) if pattern else None
        if match:
            start = max(0, match.start() - SNIPPET_CONTEXT)
            end = min(len(text), match.end() + SNIPPET_CONTEXT)
            piece = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
            return highlight(piece, terms)
    if not present:
        return mark_safe("")
    first = present[0]
    cut = first[: 2 * SNIPPET_CONTEXT] + ("…" if len(first) > 2 * SNIPPET_CONTEXT else "")
    return highlight(cut, terms)
