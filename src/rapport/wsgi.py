"""The WSGI application, as gunicorn serves it (``rapport serve``, ``docs/deploy.md``)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
application = get_wsgi_application()

# Every view module is loaded now instead of on the first request, and then what the code is
# made of (about 175,000 objects that live as long as the process) is frozen out of the
# garbage collector: a full collection walked them all, over 100 ms every ten pages or so,
# and every page that ran into one paid for it (the home page's p95 was 158 ms for a p50 of
# 28). A full collection now walks what requests leave behind: 10 to 20 ms.
get_resolver().url_patterns  # noqa: B018 - loads the URLconf and every view it names
gc.freeze()
