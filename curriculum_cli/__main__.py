"""``python -m curriculum_cli``: the same as the ``curriculum`` command."""

from curriculum_cli.cli import main

main()
