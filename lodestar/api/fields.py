"""Field types for the strategy and delivery API, each refusing bad input in plain words.

pydantic's own messages ("Input should be a valid date or datetime, month value is
outside expected range of 1-12") read like a stack trace; these say what to send.
"""

from __future__ import annotations

import datetime
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, Field, ValidationInfo, field_validator

from lodestar.api.schemas import Input
from lodestar.strategy.models import Domain

DATE_MESSAGE = "Give a date as YYYY-MM-DD, like 2025-04-30."
LIST_MESSAGE = 'Give a list, like ["First", "Second"].'


class NullableInput(BaseModel):
    """An input in which the fields named in NULLABLE may be sent as null to clear them.

    Elsewhere null is refused, as in `schemas.Input`: leaving a field out means "leave
    it alone", and null is how a client says "there is no executive lead any more".
    """

    model_config = Input.model_config
    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _no_nulls(cls, value: object, info: ValidationInfo) -> object:
        if value is None and info.field_name not in cls.NULLABLE:
            raise ValueError("Give a value or leave the field out; null is not allowed.")
        return value


def _day(value: object) -> object:
    if value is None or isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(DATE_MESSAGE)


def _flag(value: object) -> object:
    if isinstance(value, bool):
        return value
    raise ValueError("Give true or false.")


def _texts(value: object) -> object:
    if not isinstance(value, list):
        raise ValueError(LIST_MESSAGE)
    for number, item in enumerate(value, start=1):
        if not isinstance(item, str):
            raise ValueError(f"Item {number} is not text.")
    return value


def must_be_list(value: object) -> object:
    if not isinstance(value, list):
        raise ValueError(LIST_MESSAGE)
    return value


Day = Annotated[datetime.date, BeforeValidator(_day)]
Flag = Annotated[bool, BeforeValidator(_flag)]
# One short text a line on the pages; the services strip them and drop blank ones.
Lines = Annotated[list[str], BeforeValidator(_texts)]
Year = Annotated[int, Field(ge=1990, le=2100)]
# Bounded well inside PostgreSQL's integer, which would otherwise fail as a server error.
Count = Annotated[int, Field(ge=0, le=10_000_000)]
Reason = Annotated[str, Field(max_length=500, description="Saved in the audit trail.")]
UUIDs = Annotated[list[UUID], BeforeValidator(must_be_list)]
Domains = Annotated[list[Domain], BeforeValidator(must_be_list)]
