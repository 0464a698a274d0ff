"""A source file as readers see it: raw bytes, decoded text on demand, parsed JSON on demand."""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from voiceshare.errors import InputError

# Refuse to load more than this into memory; a 3-hour transcript is a few MB.
MAX_INPUT_BYTES = 512 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Signatures of binary containers we recognise, for a clearer error than "not text".
_BINARY_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive"),
    (b"%PDF", "a PDF document"),
    (b"RIFF", "a RIFF (WAV/AVI) file"),
    (b"ID3", "an MP3 audio file"),
    (b"fLaC", "a FLAC audio file"),
    (b"OggS", "an Ogg audio file"),
    (b"\x1aE\xdf\xa3", "a WebM/Matroska file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
)


@dataclass
class Source:
    """One input: its path (for messages and hints), its bytes, and warnings readers raise."""

    path: Path
    data: bytes
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def from_path(cls, path: str | Path) -> Source:
        path = Path(path)
        if not path.exists():
            raise InputError(f"{path}: no such file.")
        if path.is_dir():
            raise InputError(f"{path}: is a folder, not a file.")
        try:
            size = path.stat().st_size
            if size > MAX_INPUT_BYTES:
                raise InputError(
                    f"{path}: is {size / 2**20:.0f} MB, larger than the "
                    f"{MAX_INPUT_BYTES // 2**20} MB a transcript can be."
                )
            data = path.read_bytes()
        except PermissionError:
            raise InputError(f"{path}: permission denied.") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
        return cls(path=path, data=data)

    @classmethod
    def from_text(cls, text: str, name: str = "<text>") -> Source:
        return cls(path=Path(name), data=text.encode("utf-8"))

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def suffix(self) -> str:
        """The lower-case extension, without the dot ('' when there is none)."""
        return self.path.suffix.lower().lstrip(".")

    def warn(self, message: str) -> None:
        """Record a problem the reader worked around (the report shows it)."""
        self.warnings.append(message)

    def fail(self, problem: str) -> InputError:
        """An `InputError` naming this file: `raise source.fail("has no cues")`."""
        return InputError(f"{self.path}: {problem.rstrip('.')}.")

    @cached_property
    def binary_kind(self) -> str | None:
        """The kind of binary file this is ('a ZIP archive'...), or None when it looks like text."""
        head = self.data[:8]
        for signature, kind in _BINARY_SIGNATURES:
            if head.startswith(signature):
                return kind
        if any(self.data.startswith(bom) for bom, _ in _BOMS):
            return None
        sample = self.data[:8192]
        if b"\x00" in sample and not _looks_like_bomless_utf16(sample):
            return "a binary file"
        controls = sum(1 for b in sample if b < 9 or (13 < b < 32 and b not in (0x1B, 0x15)))
        if sample and controls / len(sample) > 0.05:
            return "a binary file"
        return None

    @cached_property
    def encoding(self) -> str:
        """The text encoding, detected from a BOM, UTF-8/UTF-16 validity, then statistics."""
        return _detect_encoding(self)

    @cached_property
    def text(self) -> str:
        """The decoded text with universal newlines. Raises `InputError` for binary files."""
        if not self.data.strip():
            raise self.fail("is empty")
        kind = self.binary_kind
        if kind is not None:
            raise self.fail(f"is {kind}, not a transcript")
        text = self.data.decode(self.encoding, errors="replace")
        if "\ufffd" in text and self.encoding not in ("utf-8", "utf-8-sig"):
            self.warn(f"some characters could not be decoded as {self.encoding}")
        text = text.lstrip("\ufeff")
        if not text.strip():
            raise self.fail("is empty")
        return text.replace("\r\n", "\n").replace("\r", "\n")

    @cached_property
    def head(self) -> str:
        """The first 4,000 characters of the text ('' for binary files): what sniffers look at."""
        try:
            return self.text[:4000]
        except InputError:
            return ""

    @cached_property
    def json(self) -> Any:
        """The parsed JSON document, or None when the text is not JSON.

        A truncated JSON document (cut off mid-way, as by an interrupted download) is repaired
        by closing what was open at the last complete value; a warning records it.
        """
        stripped = self.head.lstrip()
        if not stripped.startswith(("{", "[")):
            return None
        try:
            return json.loads(self.text, parse_constant=_reject_constant)
        except RecursionError:
            self.warn("the JSON is nested too deeply to read")
            return None
        except ValueError as exc:
            if not isinstance(exc, json.JSONDecodeError):
                return None
            repaired = repair_truncated_json(self.text)
            if repaired is None:
                return None
            self.warn(
                f"the JSON is truncated or malformed at character {exc.pos}; "
                "kept what was complete before that point"
            )
            return repaired


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON; a file holding them is damaged.
    raise ValueError(f"{name} is not a number JSON allows")


def _looks_like_bomless_utf16(sample: bytes) -> bool:
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = max(1, len(sample) // 2)
    return max(even_nuls, odd_nuls) > 0.3 * half and min(even_nuls, odd_nuls) < 0.05 * half


def _detect_encoding(source: Source) -> str:
    data = source.data
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    sample = data[:8192]
    if b"\x00" in sample and _looks_like_bomless_utf16(sample):
        return "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A file cut off inside a multi-byte character is still UTF-8.
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            source.warn("the file ends in the middle of a character")
            return "utf-8"
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is not None and best.encoding:
        encoding = str(best.encoding)
        # Short Western text fits several code pages equally well; Windows-1252 is by far the
        # most common of them in exported transcripts, so it wins a tie.
        for match in matches:
            if match.encoding == "cp1252" and match.chaos <= best.chaos:
                encoding = "cp1252"
        source.warn(f"the file is not UTF-8; read it as {encoding}")
        return encoding
    source.warn("the file is not UTF-8; read it as Windows-1252")
    return "cp1252"


def repair_truncated_json(text: str) -> Any:
    """Parse the longest complete prefix of a truncated JSON document, closing open containers.

    Returns None when nothing useful can be recovered.
    """
    stack: list[str] = []
    in_string = escaped = False
    # Positions after which the document is complete if the open containers are closed.
    last_good = -1
    last_good_stack: list[str] = []
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]":
            if not stack:
                break
            stack.pop()
            last_good, last_good_stack = index, list(stack)
            if not stack:
                break
        elif char == "," and stack:
            last_good, last_good_stack = index - 1, list(stack)
    if last_good < 0:
        return None
    candidate = text[: last_good + 1].rstrip().rstrip(",") + "".join(reversed(last_good_stack))
    try:
        return json.loads(candidate, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
