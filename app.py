"""``python app.py`` (or ``flask --app app run``): the web front end on the embedded defaults."""

from __future__ import annotations

from docgen.web import create_app

if __name__ == "__main__":
    create_app().run(host="127.0.0.1", port=5000)
