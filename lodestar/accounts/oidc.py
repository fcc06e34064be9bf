"""Single sign-on through an OpenID Connect provider, such as Microsoft Entra ID.

People are matched to existing accounts by email address. Register Lodestar as a
single-tenant application with your own provider: the email claim is only as
trustworthy as the tenant that issues it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from lodestar.accounts import services
from lodestar.accounts.models import User

log = logging.getLogger("lodestar.accounts")

# Entra ID sends `email` only when the mailbox is set on the account; its
# `preferred_username` is the sign-in name, which is an email address in NHS tenants.
_EMAIL_CLAIMS = ("email", "preferred_username")


def email_from_claims(claims: dict[str, Any]) -> str | None:
    """The first claim that holds a valid email address, or None."""
    for name in _EMAIL_CLAIMS:
        value = claims.get(name)
        if not isinstance(value, str):
            continue
        value = value.strip()
        try:
            validate_email(value)
        except ValidationError:
            continue
        return value
    return None


def names_from_claims(claims: dict[str, Any]) -> tuple[str, str]:
    first, last = _text(claims, "given_name"), _text(claims, "family_name")
    if not (first or last):
        # Some providers send only a display name when the profile is sparse.
        first, _, last = _text(claims, "name").partition(" ")
    return first.strip(), last.strip()


def _text(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


class LodestarOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Sign in people whose organisation's identity provider vouches for them."""

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        # Entra ID puts preferred_username in the ID token but not in its userinfo
        # answer, so the verified ID token's claims fill any gaps.
        userinfo: dict[str, Any] = super().get_userinfo(access_token, id_token, payload)
        if "sub" in userinfo and "sub" in payload and userinfo["sub"] != payload["sub"]:
            raise SuspiciousOperation("The userinfo and ID token name different people.")
        return {**payload, **userinfo}

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if claims.get("email_verified") is False:
            log.warning("Single sign-on refused: the provider says the email is unverified")
            return False
        return email_from_claims(claims) is not None

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"email {email_from_claims(claims)}"

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        email = email_from_claims(claims)
        if email is None:
            return User.objects.none()
        return User.objects.filter(email__iexact=email)

    def create_user(self, claims: dict[str, Any]) -> User:
        # mozilla-django-oidc creates users unless told not to; Lodestar does so only
        # when OIDC_CREATE_USER is explicitly on.
        email = email_from_claims(claims)
        if not getattr(settings, "OIDC_CREATE_USER", False) or email is None:
            raise SuspiciousOperation("No Lodestar account matches, and none may be made.")
        first, last = names_from_claims(claims)
        try:
            return services.create_single_sign_on_user(email, first, last)
        except ValidationError as e:
            # The library turns SuspiciousOperation into a failed sign-in, not an error page.
            raise SuspiciousOperation(" ".join(e.messages)) from e

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        first, last = names_from_claims(claims)
        return services.update_names_from_single_sign_on(user, first, last)


class LodestarOIDCCallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """Say why single sign-on failed, instead of silently showing the sign-in page again."""

    request: HttpRequest

    @property
    def failure_url(self) -> str:
        # The library redirects to this setting as it stands, without resolving a URL name.
        return resolve_url(getattr(settings, "LOGIN_REDIRECT_URL_FAILURE", "accounts:login"))

    def login_failure(self) -> HttpResponse:
        messages.error(
            self.request,
            "You could not be signed in with your organisation's account. If you have not "
            "used Lodestar before, ask an administrator at your organisation to add you.",
        )
        return HttpResponseRedirect(self.failure_url)


def is_single_sign_on_attempt(request: HttpRequest, credentials: dict[str, Any] | None) -> bool:
    """For AXES_WHITELIST_CALLABLE: leave single sign-on out of django-axes's counting.

    The provider already limits password guessing; a failure here means "no Lodestar
    account", and counting those would lock a whole trust's shared address out of
    single sign-on after five new starters tried it.
    """
    return credentials is not None and "nonce" in credentials
