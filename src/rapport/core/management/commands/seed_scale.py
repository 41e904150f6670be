"""``rapport seed-scale [--seed 1] [--scale 1.0] [--org-slug scale]``: create one large
organisation for benchmarks and performance work, reproducibly from the seed."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rapport.core.scale import PASSWORD, SlugTaken, seed_scale


class Command(BaseCommand):
    help = (
        "Create one large bilingual organisation (200 clients, 2,000 projects and some three "
        "million rows at --scale 1.0), the same data for the same seed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="multiplies every count (default 1.0)"
        )
        parser.add_argument(
            "--org-slug", default="scale", help="short name of the new organisation"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            seeded = seed_scale(
                seed=options["seed"],
                scale=options["scale"],
                slug=options["org_slug"],
                stream=sys.stderr,
                show_progress=not options["no_progress"],
            )
        except (SlugTaken, ValueError) as error:
            raise CommandError(str(error)) from error
        out = self.stdout
        out.write(
            self.style.SUCCESS(
                f"Created “{seeded.organisation.name}” (slug {seeded.organisation.slug}) "
                f"at scale {seeded.plan.scale:g} with seed {options['seed']} "
                f"in {seeded.seconds:.1f} s."
            )
        )
        for name, count in seeded.plan.counts.items():
            out.write(f"  {name.replace('_', ' '):<18} {count:>10,}")
        out.write(
            "Seconds per step: "
            + ", ".join(f"{step} {seconds:.1f}" for step, seconds in seeded.steps.items())
        )
        out.write(f"Logins (password for all: {PASSWORD}):")
        for email, role in seeded.logins:
            out.write(f"  {email:<44} {role}")
