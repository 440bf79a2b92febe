from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "strategy", "keep_images", "is_staff", "date_joined")
    list_filter = ("strategy", "keep_images", "is_staff", "is_active")
    fieldsets = (*BaseUserAdmin.fieldsets, ("Listening", {"fields": ("strategy", "player", "keep_images")}))
