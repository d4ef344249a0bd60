"""Only organisation settings here: each organisation's default emergency numbers. Patients'
toolbox records are never shown in the admin (it would bypass consent and the access log)."""

from django.contrib import admin

from toolbox.models import OrganisationEmergencyNumber


@admin.register(OrganisationEmergencyNumber)
class OrganisationEmergencyNumberAdmin(admin.ModelAdmin):
    list_display = ["organisation", "label", "number", "position"]
    list_filter = ["organisation"]
    ordering = ["organisation__name", "position", "label"]
