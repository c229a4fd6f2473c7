"""``python app.py`` (or ``flask --app app run``): the web front end on the embedded defaults.

The first start on an empty ``instance/`` database makes the demo users and requests (as
``docgen demo --requests`` does) and prints their sign-ins; every start prints them again.
"""

from __future__ import annotations

from docgen.web import create_app

HOST = "127.0.0.1"
PORT = 5000


def main() -> None:
    app = create_app()
    print(f"docgen web front end: http://{HOST}:{PORT}/  (Ctrl+C stops it)")
    app.run(host=HOST, port=PORT, debug=False, use_reloader=False)


if __name__ == "__main__":
    main()
