"""The ``rapport`` command: ``serve``, ``worker``, ``demo``, ``mail-in`` and every Django
management command."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    from django.core.management import execute_from_command_line

    arguments = sys.argv[1:]
    if arguments[:1] == ["mail-in"]:  # a command name Python cannot spell as a module
        arguments[0] = "mail_in"
    execute_from_command_line(["rapport", *arguments])


if __name__ == "__main__":
    main()
