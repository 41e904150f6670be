"""Jobs of the accounts: the password reset email, sent by the worker so that asking for a
link looks and takes the same whether or not the address has an account."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.tasks import task
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from rapport.tenancy.services import password_reset_send


@task(queue_name="email")
def send_password_reset(*, email: str) -> int:
    """Email a reset link to the active account with this address, if there is one."""
    sent = 0
    for user in PasswordResetForm().get_users(email):
        password_reset_send(
            user=user,
            uid=urlsafe_base64_encode(force_bytes(user.pk)),
            token=default_token_generator.make_token(user),
        )
        sent += 1
    return sent
