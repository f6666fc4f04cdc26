"""Gunicorn settings of bin/demarrer: `gunicorn -c config/gunicorn.py config.wsgi`.

A few processes with a few threads each: the pages are short database-bound requests,
threads overlap their waits, and several processes keep serving while one renders a PDF.
"""

import os

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = 3
worker_class = "gthread"
threads = 4
# PDF conventions and XLSX/ODS exports of a whole year take longer than a page.
timeout = 60
graceful_timeout = 10
# Browsers reuse a connection for their next page: closed after gunicorn's 2 s default, an
# idle one races with that next request, which then meets a reset connection (seen under
# bench/charge.py). A proxy in front keeps its own, longer, idle connections the same way.
keepalive = 30
accesslog = "-"
errorlog = "-"
# No control socket: it lives in the user's home directory, shared by every instance.
control_socket_disable = True
