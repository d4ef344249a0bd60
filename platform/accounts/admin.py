"""The admin site manages organisations and accounts only. Clinical data is never shown here:
it would bypass consent and the access log."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts import services
from accounts.forms import ACTING_ADMIN, AdminSetPasswordForm
from accounts.models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "duty_contact_email"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active", "organisation"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["full_name", "role", "organisation", "timezone", "language"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "full_name", "role", "organisation", "password1", "password2"]})
    ]
    change_password_form = AdminSetPasswordForm

    def save_model(self, request, obj, form, change):
        """Unticking "active" deactivates through ``user_deactivate`` (sessions, sockets and
        API keys end), not by saving the row alone."""
        deactivated = change and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        if deactivated:
            services.user_deactivate(user=obj, by=request.user)

    def user_change_password(self, request, id, form_url=""):  # noqa: A002 (Django's name)
        # The form gets no request; it reads who acts from here (per request, thread-safe).
        token = ACTING_ADMIN.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            ACTING_ADMIN.reset(token)


from django.contrib.auth.forms import BaseUserCreationForm  # noqa: E402


class UserAddForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "role", "organisation")


UserAdmin.add_form = UserAddForm
