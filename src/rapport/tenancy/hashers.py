"""How passwords are hashed: Argon2id with the parameters OWASP's Password Storage Cheat
Sheet gives as its first choice (19 MiB of memory, 2 passes, 1 lane).

Django's default asks for 100 MiB and 8 lanes per sign-in, so one web worker's memory peaks
past 200 MB at the first sign-in and fifty people signing in at once keep every worker busy
for a minute on a 2-core machine. A hash made with other parameters still verifies and is
re-made with these at the next sign-in (Django's ``must_update``)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class RapportArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
