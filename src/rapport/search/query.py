"""What a person typed into the search box, made safe: control characters dropped (PostgreSQL
refuses NUL), the length bounded, and split into the words every result must contain. A word
is taken literally: ``%``, ``_`` and ``\\`` mean themselves, never a wildcard."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 200
MAX_TERMS = 8

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class SearchQuery:
    text: str  # shown again in the box
    terms: tuple[str, ...]  # every result contains each of them, in any letter case
    truncated: bool  # the typed text was longer than MAX_QUERY_CHARS

    @property
    def no_words(self) -> bool:
        """Something was typed, but only punctuation."""
        return bool(self.text) and not self.terms


def _meaningful(character: str) -> bool:
    """A letter, digit or pictograph (an emoji is a search too); not punctuation or an
    operator sign, which alone would match nearly everything."""
    category = unicodedata.category(character)
    return not category.startswith("P") and category not in {"Sm", "Sc", "Sk", "Zs"}


def parse(raw: str | None) -> SearchQuery:
    text = _CONTROL.sub(" ", raw or "").strip()
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS].strip()
    terms: dict[str, str] = {}
    for word in text.split():
        if any(_meaningful(character) for character in word):
            terms.setdefault(word.casefold(), word)
    return SearchQuery(text=text, terms=tuple(terms.values())[:MAX_TERMS], truncated=truncated)
