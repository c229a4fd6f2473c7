"""The web front end as ``python app.py`` starts it, on a free port: ``python -m tests.browser.server``.

The application is built from the environment (``DOCGEN_INSTANCE_DIR``, ``DOCGEN_PKI_DIR``,
``DOCGEN_AUDIT_KEY`` ...) by :func:`docgen.web.create_app`, which on an empty embedded database makes
the demo users, PKI and requests. The server (Werkzeug's, threaded, as ``app.run``) listens on
127.0.0.1 and a port the system chooses, and prints ``listening on http://127.0.0.1:<port>`` once it
accepts connections; it stops on SIGTERM.
"""

from __future__ import annotations

import signal
import sys
from typing import Any

from werkzeug.serving import make_server

from docgen.web import create_app


def main() -> None:
    app = create_app()
    server = make_server("127.0.0.1", 0, app, threaded=True)

    def stop(*_: Any) -> None:
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    print(f"listening on http://127.0.0.1:{server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
