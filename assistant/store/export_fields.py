"""Reading fields of an imported file: each checks one value's type and range, or raises Invalid
saying what is wrong with it (the importer adds which conversation and message)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.store.records import clean_text, encode_json, parse_time


class Invalid(Exception):
    """A value in an import that is not what it must be."""


def text(record: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    value = record.get(key)
    if value is None:
        if required:
            raise Invalid(f"'{key}' is missing")
        return None
    if not isinstance(value, str):
        raise Invalid(f"'{key}' must be text")
    return clean_text(value)


def integer(record: Mapping[str, Any], key: str) -> int | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"'{key}' must be a whole number")
    if not -(2**63) <= value < 2**63:
        raise Invalid(f"'{key}' is too large")
    return value


def number(record: Mapping[str, Any], key: str) -> float | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(f"'{key}' must be a number")
    value = float(value)
    if not math.isfinite(value):
        raise Invalid(f"'{key}' must be a finite number")
    return value


def choice(record: Mapping[str, Any], key: str, allowed: Sequence[str], default: str | None) -> str | None:
    value = record.get(key, default)
    if value is None and default is None:
        return None
    if value not in allowed:
        raise Invalid(f"'{key}' must be one of {', '.join(allowed)}, not {value!r}")
    return value


def time(record: Mapping[str, Any], key: str, default: str) -> str:
    value = record.get(key)
    if value is None:
        return default
    try:
        return parse_time(value)
    except ValueError:
        raise Invalid(f"'{key}' is not a date and time: {value!r}") from None


def json_object(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is not None and not isinstance(value, Mapping):
        raise Invalid(f"'{key}' must be an object")
    try:
        return encode_json(value, key)
    except TypeError as exc:
        raise Invalid(str(exc)) from None


def boolean(record: Mapping[str, Any], key: str) -> bool:
    value = record.get(key, False)
    if value not in (True, False, 0, 1):
        raise Invalid(f"'{key}' must be true or false")
    return bool(value)
