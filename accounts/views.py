from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LogoutView
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms import AccountDeleteForm, ProfileForm, SignUpForm, client_ip


@require_http_methods(["GET", "POST"])
def signup(request):
    guest = request.user if request.user.is_authenticated and request.user.is_guest else None
    if request.user.is_authenticated and not guest:
        return redirect("home")
    # A visitor on a trial signs up as that same user, so the trial's readings become theirs.
    form = SignUpForm(request.POST or None, instance=guest, initial={"username": "", "email": ""} if guest else None)
    if request.method == "POST" and form.is_valid():
        user = services.guest_sign_up(guest=guest, form=form) if guest else services.user_sign_up(form=form)
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
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
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
        guest = request.user if request.user.is_authenticated and request.user.is_guest else None
        response = super().post(request, *args, **kwargs)
        if guest:  # a trial ends here, and nothing of it stays
            services.user_delete(user=guest)
            messages.success(request, "Your trial has ended. Nothing of it was kept.")
        else:
            messages.success(request, "You are logged out. Your history is kept for your next visit.")
        return response
