"""The WSGI entry point of every service: gunicorn smart360.django.wsgi:application.

DJANGO_SETTINGS_MODULE picks the service. The URLconf is loaded here, at start-up, so a view
the toolkit refuses (a tenant API without a permission module) stops the process from starting
instead of failing its first request.
"""

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 (imported for its check, see above)
