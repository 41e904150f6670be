"""The documentation stays true: every environment variable the code reads is described in
the configuration reference, and every relative link in the Markdown files leads to a file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
READS = re.compile(
    r"""(?:environ\.get|environ\[|getenv|env_bool|env_list|env_int)\(?\s*["']([A-Z][A-Z0-9_]+)["']"""
)
LINK = re.compile(r"\]\(([^)\s]+)\)")
SET_BY_RAPPORT = {"DJANGO_SETTINGS_MODULE"}  # set by Rapport's own entry points


def variables_read() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "src" / "rapport").rglob("*.py"):
        found |= set(READS.findall(path.read_text(encoding="utf-8")))
    return found - SET_BY_RAPPORT


def test_every_environment_variable_is_in_the_configuration_reference() -> None:
    reference = (ROOT / "docs" / "ops" / "configuration.md").read_text(encoding="utf-8")
    described = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", reference))
    assert {"DATABASE_URL", "SECRET_KEY", "RAPPORT_MODE"} <= variables_read()
    missing = sorted(variables_read() - described)
    assert not missing, f"read by the code, not described in docs/ops/configuration.md: {missing}"


def markdown_files() -> list[Path]:
    files = [*ROOT.glob("*.md"), *(ROOT / "docs").rglob("*.md")]
    return sorted(path for path in files if ".venv" not in path.parts)


@pytest.mark.parametrize("path", markdown_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)  # code blocks are not links
    broken = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # a link out, or within the page
        if not (path.parent / target.split("#", 1)[0]).exists():
            broken.append(target)
    assert not broken, f"{path.relative_to(ROOT)} links to missing files: {broken}"
