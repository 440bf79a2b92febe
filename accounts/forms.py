from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from accounts import services
from accounts.models import User


def client_ip(request) -> str:
    """The client's address; behind our TLS proxy, the last hop the proxy appended."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


class ThrottledAuthenticationForm(AuthenticationForm):
    """Log-in that refuses to check passwords after too many failures for an account or address."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": "Too many failed log-ins. Wait %(minutes)d minutes, or reset your password.",
    }

    def clean(self):
        refused = []

        def check() -> dict | None:
            try:
                return super(ThrottledAuthenticationForm, self).clean()
            except forms.ValidationError as error:
                refused.append(error)
                return None

        try:
            cleaned = services.login_throttled(username=self.data.get("username", ""), ip=client_ip(self.request),
                                               check=check)
        except services.LoginLocked:
            raise forms.ValidationError(self.error_messages["locked"], code="locked",
                                        params={"minutes": settings.LOGIN_LOCKOUT_SECONDS // 60}) from None
        if refused:
            raise refused[0]
        return cleaned


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=True, help_text="Used only to reset your password.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("strategy", "player", "keep_images", "share_corrections")
        widgets = {"strategy": forms.RadioSelect, "player": forms.RadioSelect}


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password
