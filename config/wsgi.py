"""The WSGI application, the entry point of every production server (bin/demarrer: gunicorn).

Serving means production: DEBUG is off unless the environment asks for it, whatever the
settings' default for manage.py and the tests.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
application = get_wsgi_application()
