from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from lodestar.core.decorators import OrgRequest, org_view
from lodestar.core.forms import NHSFormMixin
from lodestar.core.roles import Capability
from lodestar.delivery import services
from lodestar.delivery.models import DeliverySettings
from lodestar.delivery.plan import delivery_settings_for


class DeliverySettingsForm(NHSFormMixin, forms.ModelForm[DeliverySettings]):
    reason = forms.CharField(
        required=False,
        max_length=500,
        help_text="Optional. Saved in the audit trail with the change.",
    )

    class Meta:
        model = DeliverySettings
        fields = ["update_frequency", "blue_needs_evidence", "blue_needs_milestones_complete"]
        labels = {
            "update_frequency": "How often deliverables report progress",
            "blue_needs_evidence": "Blue needs evidence",
            "blue_needs_milestones_complete": "Blue needs every milestone complete",
        }


@org_view(Capability.EDIT_ORGANISATION)
def delivery_settings(request: OrgRequest) -> HttpResponse:
    current = delivery_settings_for(request.organisation)
    form = DeliverySettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in DeliverySettingsForm.Meta.fields}
        services.update_delivery_settings(
            request.user, request.organisation, form.cleaned_data["reason"], **values
        )
        messages.success(request, "Delivery settings saved.")
        return redirect("delivery:settings", request.organisation.uuid)
    return render(request, "delivery/settings.html", {"form": form})
