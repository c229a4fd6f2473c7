# The two commands of the README. Both set everything up first.
.PHONY: gallery test quick-test lint bench docs-gallery setup

setup:
	@bash scripts/setup.sh

## Render every document kind in kk and ru as PDF, DOCX and HTML (+ PNG previews) into out/gallery.
gallery: setup
	.venv/bin/docgen gallery --out out/gallery

## Lint, type-check and run every test (what CI runs).
test: setup
	.venv/bin/ruff check docgen tests bench
	.venv/bin/ruff format --check docgen tests bench
	.venv/bin/mypy
	.venv/bin/pytest

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
