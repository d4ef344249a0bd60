from django.urls import path

from accounts import mfa, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout, name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("profile/", views.profile, name="profile"),
    path("api-keys/", views.api_tokens, name="api_tokens"),
    path("api-keys/revoke-all/", views.api_tokens_revoke_all, name="api_tokens_revoke_all"),
    path("api-keys/<str:key>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("mfa/setup/", mfa.setup, name="mfa_setup"),
    path("mfa/verify/", mfa.verify, name="mfa_verify"),
    path("password/change/", views.password_change, name="password_change"),
    path("password/change/done/", views.password_change_done, name="password_change_done"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password/reset/done/", views.password_reset_complete, name="password_reset_complete"),
]
