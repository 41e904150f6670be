"""Production refuses to start without its secrets: the settings are imported in a fresh
interpreter with only the environment a deployment would give it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
GOOD_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMN"
PRINT = (
    "from rapport import settings as s; "
    "print(s.SECRET_KEY == {key!r}, s.ALLOWED_HOSTS, s.DEBUG, s.SESSION_COOKIE_SECURE)"
)


def _import_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        name: value
        for name, value in os.environ.items()
        if name
        not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "RAPPORT_MODE", "DJANGO_SETTINGS_MODULE"}
    }
    clean |= {"PYTHONPATH": str(SRC), "RAPPORT_VAR_DIR": str(tmp_path / "var")} | env
    return subprocess.run(
        [sys.executable, "-c", PRINT.format(key=env.get("SECRET_KEY", ""))],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_with_its_secrets_starts(tmp_path):
    result = _import_settings(
        tmp_path,
        RAPPORT_MODE="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="rapport.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "['rapport.example.com']", "False", "True"]
    assert not (tmp_path / "var" / "secret_key").exists(), "production never generates a key"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "rapport.example.com"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS must be set"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS must be set"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "*"}, "not '*'"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "rapport.example.com"}, "at least 50"),
        ({"SECRET_KEY": "a" * 60, "ALLOWED_HOSTS": "rapport.example.com"}, "at least 50"),
        (
            {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "rapport.example.com", "DEBUG": "1"},
            "DEBUG must be off",
        ),
    ],
    ids=["no-key", "no-hosts", "blank-hosts", "any-host", "short-key", "one-letter-key", "debug"],
)
def test_production_refuses_to_start_without_its_secrets(tmp_path, env, message):
    result = _import_settings(tmp_path, RAPPORT_MODE="production", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_embedded_mode_generates_what_it_lacks(tmp_path):
    result = _import_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "localhost" in result.stdout
    key_file = tmp_path / "var" / "secret_key"
    assert len(key_file.read_text().strip()) >= 50
    assert key_file.stat().st_mode & 0o077 == 0
