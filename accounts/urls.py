from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views
from accounts.forms import ThrottledAuthenticationForm

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm), name="login"),
    path("signup/", views.signup, name="signup"),
    path("try/", views.trial_start, name="trial_start"),
    path("profile/", views.profile, name="profile"),
    path("delete/", views.account_delete, name="account_delete"),
    path("logout/", views.LogoutConfirmedView.as_view(), name="logout"),
    path("tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("tokens/revoke/", views.api_tokens_revoke_all, name="api_tokens_revoke_all"),
    # Django's own reset flow, throttled, with our mail (plain text and HTML, both branded); a completed
    # reset or a changed password also revokes API tokens and lifts the lock-out.
    path("password_reset/", views.ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("", include("django.contrib.auth.urls")),
]
