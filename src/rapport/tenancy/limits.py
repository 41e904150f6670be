"""The rate limits on the doors of Rapport that take a secret: sign-in, password reset,
invitation links and the two-factor code. They are counted in ``core.ratelimit``, so they hold
across every web process. django-axes also locks one email out from one address after
``AXES_FAILURE_LIMIT`` failures; these limits catch spraying from one address over many emails
and guessing at one email from many addresses."""

from __future__ import annotations

from rapport.core.ratelimit import Limit

# Failed sign-ins, counted per email address (any IP) and per IP address (any email).
SIGN_IN_PER_EMAIL = Limit("sign-in-email", 10, 15 * 60)
SIGN_IN_PER_IP = Limit("sign-in-ip", 20, 15 * 60)
# Requests for a reset link. Past the per-email limit nothing more is sent, silently (the page
# is the same whether or not the address has an account); past the per-IP limit, a 429.
PASSWORD_RESET_PER_EMAIL = Limit("password-reset-email", 3, 60 * 60)
PASSWORD_RESET_PER_IP = Limit("password-reset-ip", 5, 60 * 60)
# Every request of an invitation link (colleague or client contact), per IP address.
INVITATION_LINK_PER_IP = Limit("invitation-link-ip", 30, 10 * 60)
# Wrong two-factor codes, per person and per IP address.
TWO_FACTOR_PER_USER = Limit("two-factor-user", 5, 15 * 60)
TWO_FACTOR_PER_IP = Limit("two-factor-ip", 20, 15 * 60)
