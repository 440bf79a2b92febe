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
    # Django's own reset flow, with our mail: plain text and HTML, both branded.
    path("password_reset/", auth_views.PasswordResetView.as_view(
        html_email_template_name="registration/password_reset_email_rich.html"), name="password_reset"),
    path("", include("django.contrib.auth.urls")),
]
