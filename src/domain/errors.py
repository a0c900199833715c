"""What can go wrong in the domain, each error naming the rule (RULES.md) it enforces.

The API maps each class to one HTTP status explicitly (src/api/problems.py).
"""

from __future__ import annotations


class PostLedgerError(Exception):
    """A refused command. ``rule`` is the RULES.md id broken, where there is one; ``zh``, where
    given, says the same in Chinese for a reader who prefers it."""

    def __init__(self, detail: str, rule: str | None = None, *, zh: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.rule = rule
        self.detail_zh = zh


class InvalidInput(PostLedgerError):
    """The command's own data breaks a rule (422); ``fact`` is the path of the input at fault."""

    def __init__(self, detail: str, rule: str | None = None, fact: str | None = None, *,
                 zh: str | None = None) -> None:
        super().__init__(detail, rule, zh=zh)
        self.fact = fact


class StepNotAllowed(PostLedgerError):
    """The step is out of order for the subject's current state (409)."""

    def __init__(self, detail: str, rule: str | None, state: str, *,
                 zh: str | None = None) -> None:
        super().__init__(detail, rule, zh=zh)
        self.state = state


class LimitReached(PostLedgerError):
    """A limit that spans subjects is exhausted: headcount, quota, one post per person (409).
    ``fact``, where given, is the input that meets the limit."""

    def __init__(self, detail: str, rule: str | None = None, fact: str | None = None, *,
                 zh: str | None = None) -> None:
        super().__init__(detail, rule, zh=zh)
        self.fact = fact


class NotFound(PostLedgerError):
    """No such subject (404)."""


class Forbidden(PostLedgerError):
    """The actor's role or jurisdiction does not allow this (403)."""
