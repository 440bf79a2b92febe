from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.forms import ThrottledAdminAuthenticationForm, UniqueNamesMixin
from accounts.models import User

# The admin's log-in door is throttled like the site's (accounts.services.login_throttled).
admin.site.login_form = ThrottledAdminAuthenticationForm
# A password set here ends the user's API tokens too: each token keeps the mark of the password it was
# issued under (accounts.authentication).


class UserAddForm(UniqueNamesMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class UserEditForm(UniqueNamesMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserAddForm
    list_display = ("username", "email", "strategy", "keep_images", "is_staff", "date_joined")
    list_filter = ("strategy", "keep_images", "is_staff", "is_active")
    fieldsets = (*BaseUserAdmin.fieldsets, ("Listening", {"fields": ("strategy", "player", "keep_images")}))
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "email", "usable_password",
                                                               "password1", "password2")}),)
