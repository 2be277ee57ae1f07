"""The module-level app for Zappa (app_function "service.wsgi.app") and WSGI servers."""

from .app import create_app

app = create_app()
