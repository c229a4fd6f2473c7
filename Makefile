# The two commands of the README. Both set everything up first.
.PHONY: gallery test quick-test lint bench bench-batch bench-reads bench-http bench-start bench-memory audit-deps docs-gallery docs-issued setup setup-browser run screenshots

setup:
	@bash scripts/setup.sh

## Chromium, its WebDriver and axe-core for the browser tests (tests/browser).
setup-browser:
	@bash scripts/setup-browser.sh

## The web front end on http://127.0.0.1:5000 (SQLite in instance/; demo users and requests made on
## the first start, their sign-ins printed).
run: setup
	.venv/bin/python app.py

## Render every document kind in kk and ru as PDF, DOCX and HTML (+ PNG previews) into out/gallery.
gallery: setup
	.venv/bin/docgen gallery --out out/gallery

## Lint, type-check, audit the installed dependencies for known vulnerabilities and
## run every test (what CI runs); database tests also run on PostgreSQL when
## DOCGEN_TEST_POSTGRES_URL is set or a server answers on 127.0.0.1:5432.
test: setup setup-browser
	.venv/bin/ruff check docgen tests bench
	.venv/bin/ruff format --check docgen tests bench
	.venv/bin/mypy
	bash scripts/audit-deps.sh
	DOCGEN_TEST_POSTGRES_URL="$$(bash scripts/postgres-url.sh)" .venv/bin/pytest

## Known vulnerabilities in the installed dependencies (pip-audit; skipped with a
## message when the vulnerability service cannot be reached).
audit-deps: setup
	bash scripts/audit-deps.sh

## Skip the slow tests (batch workers, gallery).
quick-test: setup
	.venv/bin/pytest -m "not slow"

## Every measure, in one run: render and sign beside a Typst render of a comparable license (the bench
## extra: typst), batches (local and Celery), HTTP under gunicorn, cold start, memory over 10,000 licenses.
bench: setup
	.venv/bin/pip install -q -e '.[bench]'
	.venv/bin/python bench/render.py
	.venv/bin/python bench/batch_celery.py
	.venv/bin/python bench/http_load.py
	.venv/bin/python bench/cold_start.py
	.venv/bin/python bench/memory.py

## Batch throughput: the same license batch in 1 and 2 local processes and in 2 Celery workers on
## the local Redis (127.0.0.1:6379).
bench-batch: setup
	.venv/bin/python bench/batch_celery.py

## Issuing through the web front end under gunicorn (2 workers) with 1, 2, 4 clerks at once, and the
## latency of reads meanwhile (127.0.0.1 only; PostgreSQL with DATABASE_URL, else SQLite).
bench-http: setup
	.venv/bin/python bench/http_load.py $(if $(THREADS),--threads $(THREADS))

## Cold start of every docgen command that renders nothing (median of 5 runs; budget 0.5 s).
bench-start: setup
	.venv/bin/python bench/cold_start.py

## Resident memory of one worker over 10,000 signed licenses (DOCS=1000 for fewer).
bench-memory: setup
	.venv/bin/python bench/memory.py --docs $(or $(DOCS),10000)

## Latency of reads while 20 processes issue documents on one SQLite database.
bench-reads: setup
	.venv/bin/python bench/reads_while_issuing.py

## Refresh the PNGs the README shows.
docs-gallery: setup
	rm -rf out/docs-gallery
	.venv/bin/docgen gallery --out out/docs-gallery --dpi 60
	rm -rf docs/gallery && mkdir -p docs/gallery && cp out/docs-gallery/png/*.png docs/gallery/

## PNG previews (60 dpi) of the documents as the workflow issues them, from the demo requests carried
## through a fresh temporary instance (SQLite, demo PKI): docs/issued/.
docs-issued: setup
	.venv/bin/python scripts/issued_previews.py docs/issued --dpi 60

## Screenshots of the main web pages (desktop and phone width) for the README: docs/screenshots/.
screenshots: setup setup-browser
	DOCGEN_SCREENSHOTS=docs/screenshots .venv/bin/pytest -q -p no:cacheprovider tests/browser -k screenshots
