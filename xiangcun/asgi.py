"""ASGI entry point, served by uvicorn (`make run`)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangcun.settings")
application = get_asgi_application()
