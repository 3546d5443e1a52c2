"""Command-line interfaces: ``keten`` for the whole stack, ``keten-<service>`` for one service."""
