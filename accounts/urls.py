from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views
from accounts.forms import ThrottledAuthenticationForm

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm), name="login"),
    path("signup/", views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
    path("delete/", views.account_delete, name="account_delete"),
    path("", include("django.contrib.auth.urls")),
]
