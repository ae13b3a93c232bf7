"""Durations as operations people write them: ``45s``, ``10m``, ``24h``, ``3d``, ``1h30m``."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
#: the longest duration qplan accepts: a year
MAX_SECONDS = 366 * 86400
_PART = re.compile(r"(\d+(?:\.\d+)?)([smhdw])")
PATTERN = r"^(\d+(\.\d+)?[smhdw])+$"
_WHOLE = re.compile(PATTERN)


@dataclass(frozen=True, slots=True, order=True)
class Duration:
    """A length of time, kept in seconds, written back the way it was given."""

    seconds: float
    text: str

    @classmethod
    def parse(cls, value: Any) -> Duration:
        if isinstance(value, Duration):
            return value
        if not isinstance(value, str):
            raise TypeError("a duration is a string with a unit, like 45s, 10m, 24h or 3d")
        return _parse(value)

    @classmethod
    def of_seconds(cls, seconds: float) -> Duration:
        for unit in ("w", "d", "h", "m"):
            size = _UNITS[unit]
            if seconds >= size and seconds % size == 0:
                return cls(seconds, f"{int(seconds // size)}{unit}")
        return cls(seconds, f"{seconds:g}s")

    @property
    def hours(self) -> float:
        return self.seconds / 3600

    def __str__(self) -> str:
        return self.text


@functools.lru_cache(maxsize=4096)
def _parse(value: str) -> Duration:
    """A duration from its text (an organisation writes few, many times; a Duration is
    immutable, so one may serve them all)."""
    text = value.strip()
    if not _WHOLE.match(text):
        raise ValueError(f"{value!r} is not a duration; write 45s, 10m, 24h, 3d or 1h30m")
    seconds = sum(float(n) * _UNITS[u] for n, u in _PART.findall(text))
    if seconds <= 0:
        raise ValueError("a duration must be longer than zero")
    if seconds > MAX_SECONDS or len(text) > 40:
        raise ValueError(f"{value!r} is longer than qplan accepts (at most 366d)")
    return Duration(seconds, text)
