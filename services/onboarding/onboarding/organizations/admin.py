from django.contrib import admin

from onboarding.organizations.models import Organization

admin.site.register(Organization)
