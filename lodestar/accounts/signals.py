from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from lodestar.accounts.models import User
from lodestar.accounts.otp import SECOND_FACTOR_DUE, has_two_factor


@receiver(user_logged_in, dispatch_uid="lodestar_note_second_factor_due")
def note_second_factor_due(
    sender: object, request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    """Every way of signing in (password or single sign-on) ends here, so the code step
    cannot be skipped by signing in another way."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if has_two_factor(user):
        session[SECOND_FACTOR_DUE] = True
    else:
        session.pop(SECOND_FACTOR_DUE, None)
