from django.contrib import admin

from onboarding.areas.models import Area

admin.site.register(Area)
