from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LogoutView
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.forms import AccountDeleteForm, ProfileForm, SignUpForm, ThrottledPasswordChangeForm, client_ip


@require_http_methods(["GET", "POST"])
def signup(request):
    guest = request.user if request.user.is_authenticated and request.user.is_guest else None
    if request.user.is_authenticated and not guest:
        return redirect("home")
    # A visitor on a trial signs up as that same user, so the trial's readings become theirs.
    form = SignUpForm(request.POST or None, instance=guest, initial={"username": "", "email": ""} if guest else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_up_throttled(ip=client_ip(request))
        except services.Refused as error:
            form.add_error(None, str(error))
            return render(request, "accounts/signup.html", {"form": form, "guest": guest}, status=429)
        try:
            user = services.guest_sign_up(guest=guest, form=form) if guest else services.user_sign_up(form=form)
        except services.NameTaken as error:
            form.add_error(None, str(error))
            return render(request, "accounts/signup.html", {"form": form, "guest": guest}, status=409)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session.set_expiry(None)  # the trial's short session becomes an ordinary one
        kept = " Your readings from the trial are kept." if guest else ""
        messages.success(request, f"Welcome, {user.username}! Your account is ready.{kept}")
        return redirect("capture")  # the next step: a reading, and songs for it
    return render(request, "accounts/signup.html", {"form": form, "guest": guest})


@require_http_methods(["POST"])
def trial_start(request):
    """Try it without an account: a trial user, whose readings and photos go when the trial ends."""
    if request.user.is_authenticated:
        return redirect("capture")
    try:
        guest = services.guest_start(ip=client_ip(request))
    except services.TrialRefused as error:
        messages.error(request, str(error))
        return redirect("home")
    login(request, guest, backend="django.contrib.auth.backends.ModelBackend")
    request.session.set_expiry(settings.GUEST_TRIAL_SECONDS)
    messages.info(request, "You are trying Cloudscendo: photos are deleted once read, and nothing is kept "
                           "after this visit. Sign up to keep your history.")
    return redirect("capture")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Your settings are saved.")
        return redirect("profile")
    tokens = selectors.api_tokens_live(user=request.user)
    return render(request, "accounts/profile.html", {"form": form, "tokens": tokens})


@login_required
@require_POST
def api_token_revoke(request, token_id: int):
    if not services.api_token_revoke(user=request.user, token_id=token_id):
        raise Http404("You have no such token.")
    messages.success(request, "That API token no longer works.")
    return redirect("profile")


@login_required
@require_POST
def api_tokens_revoke_all(request):
    count = services.api_tokens_revoke_all(user=request.user)
    messages.success(request, f"{count} API token{pluralize(count)} revoked: none works any more.")
    return redirect("profile")


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset, counted per client address and per e-mail before any mail goes (429 past either)."""

    html_email_template_name = "registration/password_reset_email_rich.html"

    def form_valid(self, form):
        try:
            services.password_reset_throttled(email=form.cleaned_data["email"], ip=client_ip(self.request))
        except services.Refused as error:
            form.add_error(None, str(error))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A completed reset also revokes the API tokens and lifts the log-in lock-out (as its message promises)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_password_changed(user=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """A changed password also revokes every API token issued under the old one; the old password is
    checked under the log-in lock-out."""

    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ip": client_ip(self.request)}

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_password_changed(user=form.user)
        return response


class AdminPasswordChangeView(PasswordChangeView):
    """The admin's "change my password", under the same lock-out: Django's own checks the old password
    without one. Served at the admin's URL (cloudscendo/urls.py), behind the admin's staff check; it ends on
    the admin's "done" page."""

    success_url = reverse_lazy("admin:password_change_done")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **admin.site.each_context(self.request)}


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user, ip=client_ip(request))
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.user_delete(user=user)
        messages.success(request, "Your account, your history and your photos have been deleted.")
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})


class LogoutConfirmedView(LogoutView):
    """Log-out that says so on the next page (Django's says nothing)."""

    def post(self, request, *args, **kwargs):
        user = request.user if request.user.is_authenticated else None
        response = super().post(request, *args, **kwargs)
        if user and user.is_guest:  # a trial ends here, and nothing of it stays
            services.user_delete(user=user)
            messages.success(request, "Your trial has ended. Nothing of it was kept.")
            return response
        # Logging out ends every way in, API tokens included (issue 13: they outlived the log-out).
        revoked = services.api_tokens_revoke_all(user=user) if user else 0
        tokens = " Your API tokens no longer work." if revoked else ""
        messages.success(request, f"You are logged out.{tokens} Your history is kept for your next visit.")
        return response
