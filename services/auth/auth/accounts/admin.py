from django.contrib import admin

from auth.accounts.models import Department, Invitation, Permission, Role, ServiceAccount, User

admin.site.register([Department, Invitation, Permission, Role, ServiceAccount])


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "tenant_id", "is_active", "email_verified_at"]
    search_fields = ["email", "name"]
    exclude = ["password"]
