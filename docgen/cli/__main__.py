"""``python -m docgen.cli``: the same as the ``docgen`` command."""

from docgen.cli import main

main()
