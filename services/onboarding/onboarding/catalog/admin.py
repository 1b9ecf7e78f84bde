from django.contrib import admin

from onboarding.catalog.models import (
    Category,
    ContractType,
    DocumentType,
    EnabledModule,
    UtilityService,
)

for model in (UtilityService, Category, DocumentType, ContractType, EnabledModule):
    admin.site.register(model)
