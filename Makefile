# The two commands of the README. Both set everything up first.
.PHONY: gallery test quick-test lint bench docs-gallery setup

setup:
	@bash scripts/setup.sh

## Render every document kind in kk and ru as PDF, DOCX and HTML (+ PNG previews) into out/gallery.
gallery: setup
	.venv/bin/docgen gallery --out out/gallery

## Lint, type-check and run every test (what CI runs); database tests also run on
## PostgreSQL when DOCGEN_TEST_POSTGRES_URL is set or a server answers on 127.0.0.1:5432.
test: setup
	.venv/bin/ruff check docgen tests bench
	.venv/bin/ruff format --check docgen tests bench
	.venv/bin/mypy
	DOCGEN_TEST_POSTGRES_URL="$$(bash scripts/postgres-url.sh)" .venv/bin/pytest

## Skip the slow tests (batch workers, gallery).
quick-test: setup
	.venv/bin/pytest -m "not slow"

bench: setup
	.venv/bin/python bench/render.py

## Refresh the PNGs the README shows.
docs-gallery: setup
	rm -rf out/docs-gallery
	.venv/bin/docgen gallery --out out/docs-gallery --dpi 60
	rm -rf docs/gallery && mkdir -p docs/gallery && cp out/docs-gallery/png/*.png docs/gallery/
