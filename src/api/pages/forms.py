"""Reading a submitted form into typed values, once, at the edge. A value that cannot be read is
a 422 naming the field, as the API's own input checks are (API.md v1.1, "Input")."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import FormData

from postledger.domain.errors import InvalidInput


class Form:
    def __init__(self, data: FormData) -> None:
        self.data = data

    def _raw(self, name: str) -> str:
        value = self.data.get(name)
        return value.strip() if isinstance(value, str) else ""

    def has(self, name: str) -> bool:
        return bool(self._raw(name))

    def text(self, name: str) -> str:
        value = self._raw(name)
        if not value:
            raise InvalidInput(f"{name}: required", fact=name)
        return value

    def optional_text(self, name: str) -> str | None:
        return self._raw(name) or None

    def day(self, name: str) -> date:
        return self.parse_day(self.text(name), name)

    @staticmethod
    def parse_day(value: str, name: str) -> date:
        try:
            if not value.isascii():
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            raise InvalidInput(f"{name}: a date YYYY-MM-DD, got {value!r}", fact=name) from None

    def optional_day(self, name: str) -> date | None:
        return self.day(name) if self.has(name) else None

    def whole(self, name: str) -> int:
        value = self.text(name)
        if not (value.isascii() and value.isdigit()):
            raise InvalidInput(f"{name}: a whole number in ASCII digits, got {value!r}", fact=name)
        return int(value)

    def optional_whole(self, name: str) -> int | None:
        return self.whole(name) if self.has(name) else None

    def fen(self, name: str) -> int:
        """An amount typed in yuan (up to 2 decimals), as integer fen."""
        return self.yuan_to_fen(self.text(name), name)

    @staticmethod
    def yuan_to_fen(value: str, name: str) -> int:
        whole, _, cents = value.partition(".")
        if not (value.isascii() and whole.isdigit() and (cents.isdigit() or not cents)
                and len(cents) <= 2):
            raise InvalidInput(f"{name}: an amount in yuan such as 500 or 500.50, got {value!r}",
                               fact=name)
        return int(whole) * 100 + int(cents.ljust(2, "0"))

    def optional_fen(self, name: str) -> int | None:
        return self.fen(name) if self.has(name) else None

    def flag(self, name: str) -> bool:
        """A checkbox ("on") or a yes/no choice ("true"/"false")."""
        return self._raw(name) in ("on", "true")

    def choice(self, name: str, options: tuple[str, ...] | list[str]) -> str:
        value = self.text(name)
        if value not in options:
            raise InvalidInput(f"{name}: one of {', '.join(options)}, got {value!r}", fact=name)
        return value

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.data.items() if isinstance(v, str)}


async def _page_form(request: Request) -> Form:
    """Read once in the request's own context, so that sync endpoints get it ready."""
    return Form(await request.form())


PageForm = Annotated[Form, Depends(_page_form)]
