"""Decode any recording FFmpeg reads (wav, flac, mp3, m4a, mp4, webm, ogg...) to 16 kHz mono
float32, in blocks, so an hours-long file is never held in memory at once."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from voiceshare.errors import AudioError, InputError, VoiceshareError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

SAMPLE_RATE = 16_000
AUDIO_SUFFIXES = frozenset(
    {
        ".wav",
        ".flac",
        ".mp3",
        ".m4a",
        ".mp4",
        ".webm",
        ".ogg",
        ".oga",
        ".opus",
        ".aac",
        ".wma",
        ".mkv",
        ".mov",
        ".aiff",
        ".aif",
    }
)
# Leading bytes of the containers above, so a recording with a wrong or missing suffix is still
# recognised (content sniffed, not trusted from the name).
_SIGNATURES = (b"RIFF", b"fLaC", b"OggS", b"ID3", b"\x1aE\xdf\xa3", b"FORM")
_MP4_BRANDS = b"ftyp"
_SILENCE_PEAK = 10 ** (-70 / 20)  # -70 dBFS: below this everywhere, the file holds no sound


@dataclass(frozen=True)
class AudioInfo:
    """What FFmpeg says about a recording before decoding it."""

    duration_s: float | None
    codec: str
    channels: int
    sample_rate: int


def looks_like_audio(path: Path) -> bool:
    """True when the file's first bytes are a known audio/video container, or its suffix is
    one and the content is not text."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError:
        return False
    if head.startswith(_SIGNATURES) or head[4:8] == _MP4_BRANDS:
        return True
    # MPEG audio frames without an ID3 tag start with an 11-bit sync word; only layers II and
    # III count, since FF FE (layer I) is also the byte-order mark of a UTF-16 text file.
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 in (2, 4):
        return True
    return path.suffix.lower() in AUDIO_SUFFIXES and b"\x00" in head


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise VoiceshareError(
            f"Reading recordings needs FFmpeg's `{name}`, which is not installed: "
            "run `apt-get install ffmpeg` (or your system's equivalent)."
        )
    return found


def _ffmpeg_reason(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1].rstrip(".") if lines else "FFmpeg gave no reason"


def probe(path: Path) -> AudioInfo:
    """Ask ffprobe for the first audio stream; raises `AudioError` when there is none."""
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    result = subprocess.run(
        [
            _tool("ffprobe"),
            "-v",
            "error",
            "-select_streams",
            "a:0",
            "-show_entries",
            "stream=codec_name,channels,sample_rate:format=duration",
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise AudioError(f"{path}: cannot be decoded as audio ({_ffmpeg_reason(result.stderr)}).")
    try:
        info = json.loads(result.stdout or "{}")
    except json.JSONDecodeError:
        raise AudioError(f"{path}: ffprobe gave unreadable output.") from None
    streams = info.get("streams") or []
    if not streams:
        raise AudioError(f"{path}: has no audio stream.")
    stream = streams[0]
    duration = (info.get("format") or {}).get("duration")
    try:
        duration_s = float(duration) if duration not in (None, "N/A") else None
    except (TypeError, ValueError):
        duration_s = None
    return AudioInfo(
        duration_s=duration_s,
        codec=str(stream.get("codec_name", "unknown")),
        channels=int(stream.get("channels") or 0),
        sample_rate=int(stream.get("sample_rate") or 0),
    )


def stream_blocks(
    path: Path,
    block_s: float = 60.0,
    sample_rate: int = SAMPLE_RATE,
    info: AudioInfo | None = None,
) -> Iterator[npt.NDArray[np.float32]]:
    """Yield consecutive blocks of `block_s` seconds (the last one shorter) of mono float32
    audio at `sample_rate`. Raises `AudioError` if FFmpeg fails part-way or decodes nothing."""
    import numpy as np

    if info is None:  # a clear sentence for a file with no audio before starting the decoder
        probe(path)
    command = [
        _tool("ffmpeg"),
        "-nostdin",
        "-v",
        "error",
        "-i",
        str(path),
        "-map",
        "0:a:0",
        "-ac",
        "1",
        "-ar",
        str(sample_rate),
        "-f",
        "f32le",
        "-acodec",
        "pcm_f32le",
        "-",
    ]
    block_bytes = int(block_s * sample_rate) * 4
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    assert process.stderr is not None
    decoded = 0
    try:
        while True:
            chunk = process.stdout.read(block_bytes)
            if not chunk:
                break
            usable = len(chunk) - len(chunk) % 4
            block = np.frombuffer(chunk[:usable], dtype="<f4").astype(np.float32)
            decoded += block.size
            yield block
        stderr = process.stderr.read().decode("utf-8", "replace")
        returncode = process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
    if returncode != 0 and decoded == 0:
        raise AudioError(f"{path}: cannot be decoded ({_ffmpeg_reason(stderr)}).")
    if decoded == 0:
        raise AudioError(f"{path}: holds no audio samples.")


def decode(path: Path, sample_rate: int = SAMPLE_RATE) -> npt.NDArray[np.float32]:
    """The whole recording as one array (for short files and tests; long files should use
    `stream_blocks`). Raises `AudioError` for a silent recording."""
    import numpy as np

    blocks = list(stream_blocks(path, sample_rate=sample_rate))
    audio = np.concatenate(blocks) if len(blocks) > 1 else blocks[0]
    check_not_silent(path, float(np.max(np.abs(audio))) if audio.size else 0.0)
    return audio


def check_not_silent(path: Path, peak: float) -> None:
    """Raise `AudioError` when the loudest sample is below -70 dBFS."""
    if peak < _SILENCE_PEAK:
        raise AudioError(f"{path}: is silent (no sample louder than -70 dBFS).")
