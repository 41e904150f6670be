"""One of the concurrent writers: ``python -m tests.reliability.writer N COUNT`` creates COUNT
clients through the service, one transaction each, against the database in the environment,
and prints how many succeeded and how many failed with "database is locked"."""

from __future__ import annotations

import json
import sys

import django


def main(number: int, count: int) -> None:
    django.setup()
    from django.db import OperationalError

    from rapport.clients import services
    from rapport.tenancy.actors import Actor
    from rapport.tenancy.models import Membership

    membership = Membership.objects.select_related("user", "organisation").get()
    actor = Actor.member(membership.user, membership.organisation, membership.role)
    done = locked = 0
    for index in range(count):
        try:
            services.client_create(actor=actor, name=f"Writer {number} client {index}")
            done += 1
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            locked += 1
    print(json.dumps({"done": done, "locked": locked}))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
