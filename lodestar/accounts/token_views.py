"""Pages for a person's own API tokens."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lodestar.accounts import services
from lodestar.accounts.forms import ApiTokenForm
from lodestar.accounts.models import ApiToken

if TYPE_CHECKING:
    from lodestar.accounts.views import AccountRequest


# never_cache because the page that shows a new secret must not be kept in the browser's
# cache or history, where the next person at a shared computer could find it.
@never_cache
@login_required
def api_tokens(request: AccountRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_token, secret = None, ""
    if request.method == "POST" and form.is_valid():
        try:
            new_token, secret = services.create_api_token(
                request.user, form.cleaned_data["name"], form.cleaned_data["expiry"]
            )
        except ValidationError as e:
            form.add_error("name", e)
        else:
            form = ApiTokenForm()
    tokens = ApiToken.objects.for_user(request.user).unrevoked()
    context = {"form": form, "tokens": tokens, "new_token": new_token, "secret": secret}
    status = 400 if form.errors else 200
    return render(request, "accounts/api_tokens.html", context, status=status)


@require_POST
@login_required
def revoke_api_token(request: AccountRequest, token: uuid.UUID) -> HttpResponse:
    # Looked up among the user's own tokens only: anyone else's is "not found".
    target = get_object_or_404(ApiToken.objects.for_user(request.user), uuid=token)
    try:
        services.revoke_api_token(request.user, target)
    except ValidationError as e:
        messages.error(request, e.messages[0])
    else:
        messages.success(request, f"The token “{target.name}” has been revoked.")
    return redirect("accounts:api_tokens")
