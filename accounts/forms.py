from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, UserCreationForm

from accounts import services, validators
from accounts.models import User


def client_ip(request) -> str:
    """The client's address; behind our TLS proxy, the last hop the proxy appended."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


# Each says what is true: a completed password reset lifts an account's lock
# (accounts.services.user_password_changed), not an address's.
LOCKED_ACCOUNT = "Too many failed log-ins. Wait %(minutes)d minutes, or reset your password."
LOCKED_ADDRESS = "Too many failed log-ins from your network. Wait %(minutes)d minutes, then try again."


def locked_error(error: services.LoginLocked) -> forms.ValidationError:
    return forms.ValidationError(LOCKED_ACCOUNT if error.account else LOCKED_ADDRESS, code="locked",
                                 params={"minutes": settings.LOGIN_LOCKOUT_SECONDS // 60})


def password_confirmed(*, user: User, password: str, ip: str) -> bool:
    """Check the signed-in user's password under the log-in lock-out, so a stolen session cannot guess it
    without limit; raises the locked ValidationError while locked out."""
    try:
        return bool(services.login_throttled(username=user.get_username(), ip=ip,
                                             check=lambda: user.check_password(password) or None))
    except services.LoginLocked as error:
        raise locked_error(error) from None


class ThrottledLogInMixin:
    """Log-in that refuses to check passwords after too many failures for an account or address."""

    def clean(self):
        refused = []

        def check() -> dict | None:
            try:
                return super(ThrottledLogInMixin, self).clean()
            except forms.ValidationError as error:
                refused.append(error)
                return None

        try:
            cleaned = services.login_throttled(username=self.data.get("username", ""), ip=client_ip(self.request),
                                               check=check)
        except services.LoginLocked as error:
            raise locked_error(error) from None
        if refused:
            raise refused[0]
        return cleaned


class ThrottledAuthenticationForm(ThrottledLogInMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLogInMixin, AdminAuthenticationForm):
    """The admin's log-in, under the same lock-out as the site's (one counter per account)."""


class UniqueNamesMixin:
    """User names and e-mail addresses unique regardless of case, and no look-alike names (sign-up, API, admin)."""

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]  # UsernameField has applied NFKC already
        validators.username_check(username=username, exclude_id=self.instance.pk)
        return username

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        validators.email_check(email=email, exclude_id=self.instance.pk)
        return email


class SignUpForm(UniqueNamesMixin, UserCreationForm):
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

    def __init__(self, *args, user: User, ip: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.ip = user, ip

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not password_confirmed(user=self.user, password=password, ip=self.ip):
            raise forms.ValidationError("That is not your password.")
        return password


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's password change, with the old password checked under the log-in lock-out."""

    def __init__(self, *args, ip: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.ip = ip

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        if not password_confirmed(user=self.user, password=old_password, ip=self.ip):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password
