from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, UserChangeForm

from accounts import services
from accounts.forms import ThrottledAdminAuthenticationForm, UniqueNamesMixin
from accounts.models import User

# The admin's log-in door is throttled like the site's (accounts.services.login_throttled).
admin.site.login_form = ThrottledAdminAuthenticationForm


class UserAddForm(UniqueNamesMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class UserEditForm(UniqueNamesMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class PasswordSetForm(AdminPasswordChangeForm):
    """A password set by staff revokes the user's API tokens, as the user's own change does."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            services.user_password_changed(user=user)
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserAddForm
    change_password_form = PasswordSetForm
    list_display = ("username", "email", "strategy", "keep_images", "is_staff", "date_joined")
    list_filter = ("strategy", "keep_images", "is_staff", "is_active")
    fieldsets = (*BaseUserAdmin.fieldsets, ("Listening", {"fields": ("strategy", "player", "keep_images")}))
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "email", "usable_password",
                                                               "password1", "password2")}),)
