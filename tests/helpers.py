"""Building meetings by hand for tests: `meeting(("Ana", 0, 5, "hello"), ...)`."""

from __future__ import annotations

from voiceshare.model import Meeting, Utterance, speakers_in_order


def meeting(
    *rows: tuple[str, float | None, float | None, str],
    attendees: tuple[str, ...] = (),
    metadata: dict[str, str] | None = None,
) -> Meeting:
    """A meeting from `(speaker, start_s, end_s, text)` rows, ids 1..N in order."""
    utterances = tuple(
        Utterance(str(i), speaker, text, start, end)
        for i, (speaker, start, end, text) in enumerate(rows, start=1)
    )
    return Meeting(
        id="test",
        title="Test meeting",
        speakers=speakers_in_order(utterances),
        utterances=utterances,
        attendees=attendees,
        metadata=metadata or {},
    )


def png_pixels(data: bytes) -> tuple[int, int, list[tuple[int, ...]]]:
    """Decode an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium's screenshots are) into
    `(width, height, pixels)`, to check a screenshot without an imaging library."""
    import struct
    import zlib

    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, chunks, header = 8, [], b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, "unsupported PNG layout"
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    previous = bytearray(stride)
    pixels: list[tuple[int, ...]] = []
    offset = 0
    for _ in range(height):
        kind, line = raw[offset], bytearray(raw[offset + 1 : offset + 1 + stride])
        offset += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + predictor) & 0xFF
        pixels.extend(tuple(line[i : i + 3]) for i in range(0, stride, channels))
        previous = line
    return width, height, pixels
