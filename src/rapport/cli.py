"""The ``rapport`` command: ``serve``, ``worker``, ``demo``, ``seed-scale``, ``mail-in`` and
every Django management command."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    from django.core.management import execute_from_command_line

    arguments = sys.argv[1:]
    # command names Python cannot spell as a module
    spelled = {"mail-in": "mail_in", "seed-scale": "seed_scale"}
    if arguments[:1] and arguments[0] in spelled:
        arguments[0] = spelled[arguments[0]]
    execute_from_command_line(["rapport", *arguments])


if __name__ == "__main__":
    main()
