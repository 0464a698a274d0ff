"""voiceshare's own report JSON, read back as a transcript (the normalised form of a meeting)."""

from __future__ import annotations

from voiceshare.model import MACHINE_DIARIZATION, Speaker, Utterance, Word
from voiceshare.readers._base import Parsed, ReaderSpec, parse_seconds
from voiceshare.readers._source import Source


def sniff(source: Source) -> float:
    if '"schema_version"' not in source.head:
        return 0.0
    data = source.json
    if isinstance(data, dict) and "schema_version" in data and "utterances" in data:
        return 1.0
    return 0.0


def read(source: Source) -> Parsed:
    data = source.json
    if not isinstance(data, dict) or not isinstance(data.get("utterances"), list):
        raise source.fail("is not a voiceshare report (no utterances list)")
    major = str(data.get("schema_version", "")).split(".")[0]
    if major != "1":
        raise source.fail(f"uses report schema {data.get('schema_version')!r}; this reads 1.x")
    utterances = []
    for item in data["utterances"]:
        words = tuple(
            Word(str(w[0]), parse_seconds(w[1]), parse_seconds(w[2]))
            for w in item.get("words") or ()
        )
        utterances.append(
            Utterance(
                id=str(item["id"]),
                speaker=str(item["speaker"]),
                text=str(item.get("text") or ""),
                start_s=parse_seconds(item.get("start_s")),
                end_s=parse_seconds(item.get("end_s")),
                words=words,
            )
        )
    meeting = data.get("meeting") or {}
    attendees = [str(a) for a in meeting.get("attendees") or ()]
    spoken = {u.speaker for u in utterances}
    # Silent attendees appear among the report's speakers; keep them as attendees.
    speakers = [
        Speaker(str(s["name"])) for s in data.get("speakers") or () if s.get("name") in spoken
    ]
    return Parsed(
        utterances=utterances,
        speakers=speakers,
        title=meeting.get("title"),
        date=meeting.get("date"),
        stated_duration_s=parse_seconds(meeting.get("duration_s")),
        attendees=attendees,
        has_text=any(u.text for u in utterances),
        # A recogniser's speaker labels stay a recogniser's: its label switches are still no
        # interruptions. Its flickers were mended when the report was written.
        machine_diarized=meeting.get("diarization") == MACHINE_DIARIZATION,
    )


SPEC = ReaderSpec(
    name="voiceshare",
    description="voiceshare's own JSON report, read back as a transcript",
    extensions=("json",),
    sniff=sniff,
    read=read,
)
