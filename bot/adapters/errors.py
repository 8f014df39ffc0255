"""Errors an adapter raises when its platform cannot start; the runner prints them as one line."""


class StartupError(Exception):
    """A platform refused to start (invalid token, unreachable API); the message names it, never the token."""
