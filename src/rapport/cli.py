"""The ``rapport`` command: ``serve``, ``worker``, ``demo``, ``seed-scale``, ``mail-in``,
``check-deploy`` and
every Django management command."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    from django.core.management import execute_from_command_line

    arguments = sys.argv[1:]
    if arguments[:1] and "-" in arguments[0] and not arguments[0].startswith("-"):
        # command names Python cannot spell as modules: mail-in, check-deploy, import-org, …
        arguments[0] = arguments[0].replace("-", "_")
    execute_from_command_line(["rapport", *arguments])


if __name__ == "__main__":
    main()
