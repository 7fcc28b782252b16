"""The chunked, bounded reader under the GGUF header parser (gguf_parser.py): numbers, strings, values, arrays.

It keeps a window of the file in memory and reads it in chunks (_CHUNK), bounds every count and
length it reads (gguf_format.py), and turns a short or damaged file into a ModelError that names the
file and what was being read (`where`).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

from assistant.errors import ModelError
from assistant.models.gguf_format import (
    _ARRAY,
    _CHUNK,
    _SCALAR_FORMATS,
    _STRING,
    KEEP_ARRAY_ITEMS,
    MAX_ARRAY_DEPTH,
    MAX_ARRAY_ITEMS,
    MAX_STRING,
)


def shown_name(text: str, limit: int = 80) -> str:
    """A name from a file, safe to put in a one-line message: no control characters, not too long."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class ChunkedReader:
    """Reads the file from `pos` on through a buffer refilled in chunks; `where` says what is being read."""

    def __init__(self, f, path: Path, size: int):
        self.f = f
        self.path = path
        self.name = shown_name(path.name or str(path), 200)
        self.size = size
        self.buf = b""
        self.base = 0  # file offset of buf[0]
        self.pos = 0  # current file offset
        self.where = "the file header"

    # -- low level ---------------------------------------------------------------------------

    def _truncated(self, end: int) -> ModelError:
        return ModelError(
            f"{self.name} is truncated: {self.where} needs bytes up to {end:,} "
            f"but the file ends at byte {self.size:,}.",
            hint="The download may be incomplete; download the model again.",
        )

    def _corrupt(self, reason: str) -> ModelError:
        return ModelError(f"{self.name} is damaged: {reason}.", hint="Download the model again.")

    def _need(self, n: int) -> int:
        """Make buf cover [pos, pos + n); return the index of pos in buf."""
        end = self.pos + n
        if end > self.size:
            raise self._truncated(end)
        buf_end = self.base + len(self.buf)
        if self.base <= self.pos and end <= buf_end:
            return self.pos - self.base
        keep = self.buf[self.pos - self.base :] if self.base <= self.pos <= buf_end else b""
        read_from = self.pos + len(keep)
        want = max(n - len(keep), _CHUNK)
        self.f.seek(read_from)
        data = self.f.read(want)
        self.buf = keep + data
        self.base = self.pos
        if len(self.buf) < n:  # the file shrank while we were reading it
            raise self._truncated(end)
        return 0

    def _unpack(self, fmt: str, n: int):
        i = self._need(n)
        self.pos += n
        return struct.unpack_from(fmt, self.buf, i)

    def u32(self) -> int:
        return self._unpack("<I", 4)[0]

    def u64(self) -> int:
        return self._unpack("<Q", 8)[0]

    def raw_string(self, limit: int) -> bytes:
        n = self.u64()
        if n > limit:
            if self.pos + n > self.size:
                raise self._truncated(self.pos + n)
            raise self._corrupt(f"{self.where} has an absurd string length ({n:,} bytes)")
        i = self._need(n)
        self.pos += n
        return self.buf[i : i + n]

    def string(self, limit: int = MAX_STRING) -> str:
        return self.raw_string(limit).decode("utf-8", errors="replace")

    def skip(self, n: int) -> None:
        if self.pos + n > self.size:
            raise self._truncated(self.pos + n)
        self.pos += n

    # -- values ------------------------------------------------------------------------------

    def value(self, vtype: int, keep: bool, depth: int = 0) -> Any:
        fmt = _SCALAR_FORMATS.get(vtype)
        if fmt is not None:
            return self._unpack("<" + fmt, struct.calcsize(fmt))[0]
        if vtype == _STRING:
            return self.string()
        if vtype == _ARRAY:
            return self.array(keep, depth + 1)
        raise self._corrupt(f"{self.where} has an unknown value type ({vtype})")

    def array(self, keep: bool | str, depth: int) -> Any:
        """keep: False (skip), True (keep if short), "all" (keep whatever the size)."""
        if depth > MAX_ARRAY_DEPTH:
            raise self._corrupt(f"{self.where} has arrays nested too deeply")
        etype = self.u32()
        count = self.u64()
        if count > MAX_ARRAY_ITEMS:
            raise self._corrupt(f"{self.where} claims an absurd number of items ({count:,})")
        fmt = _SCALAR_FORMATS.get(etype)
        if fmt is not None:
            width = struct.calcsize(fmt)
            total = width * count
            if keep == "all" or (keep and count <= KEEP_ARRAY_ITEMS):
                i = self._need(total)
                self.pos += total
                return struct.unpack_from(f"<{count}{fmt}", self.buf, i)
            self.skip(total)
            return None
        if etype == _STRING:
            if self.pos + 8 * count > self.size:
                raise self._truncated(self.pos + 8 * count)
            items = self._string_array(count, keep == "all" or (keep and count <= KEEP_ARRAY_ITEMS))
            if items is not None and keep != "all":
                return tuple(b.decode("utf-8", errors="replace") for b in items)
            return items
        if etype == _ARRAY:
            if self.pos + 12 * count > self.size:
                raise self._truncated(self.pos + 12 * count)
            out = [self.array(keep, depth + 1) for _ in range(count)]
            return tuple(out) if keep and count <= KEEP_ARRAY_ITEMS else None
        raise self._corrupt(f"{self.where} has an array of unknown type ({etype})")

    def _string_array(self, count: int, keep: bool) -> list[bytes] | None:
        """The hot loop (vocabularies and merge lists): raw bytes, bounds-checked, no decoding."""
        out: list[bytes] | None = [] if keep else None
        unpack = struct.unpack_from
        i = self._need(0)
        buf = self.buf
        blen = len(buf)
        for _ in range(count):
            if i + 8 > blen:
                self.pos = self.base + i
                i = self._need(8)
                buf, blen = self.buf, len(self.buf)
            (n,) = unpack("<Q", buf, i)
            end = i + 8 + n
            if end > blen:
                if n > MAX_STRING:
                    self.pos = self.base + i + 8
                    if self.pos + n > self.size:
                        raise self._truncated(self.pos + n)
                    raise self._corrupt(f"{self.where} has an absurd string length ({n:,} bytes)")
                self.pos = self.base + i
                i = self._need(8 + n)
                buf, blen = self.buf, len(self.buf)
                end = i + 8 + n
            if out is not None:
                out.append(buf[i + 8 : end])
            i = end
        self.pos = self.base + i
        return out
