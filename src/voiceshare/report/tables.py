"""Tidy CSV tables for spreadsheets and pandas: one row per person, utterance, interruption
and question, each with the meeting id so tables from many meetings can be stacked."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict, fields

from voiceshare.report.model import InterruptionReport, MeetingReport, SpeakerReport

UTTERANCE_COLUMNS = (
    "meeting_id", "utterance_id", "speaker", "start_s", "end_s", "text", "backchannel", "acts",
    "answered_by", "interrupted_by", "talked_over_by",
)  # fmt: skip
QUESTION_COLUMNS = (
    "meeting_id", "utterance_id", "speaker", "start_s", "text", "answered_by", "question_text",
)  # fmt: skip


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else _cell(value) for value in row])
    return buffer.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def csv_tables(report: MeetingReport) -> dict[str, str]:
    """`{"speakers": csv, "utterances": csv, "interruptions": csv, "questions": csv}`."""
    meeting_id = report.meeting.id
    speaker_fields = [f.name for f in fields(SpeakerReport)]
    interruption_fields = [f.name for f in fields(InterruptionReport)]
    utterances = [
        (
            meeting_id,
            u.id,
            u.speaker,
            u.start_s,
            u.end_s,
            u.text,
            u.backchannel,
            ";".join(u.acts),
            u.answered_by,
            u.interrupted_by,
            u.talked_over_by,
        )
        for u in report.utterances
    ]
    # The question's own words when its utterance holds more.
    wording = {q.utterance_id: q.text for q in report.questions}
    questions = [
        (meeting_id, u.id, u.speaker, u.start_s, u.text, u.answered_by, wording.get(u.id))
        for u in report.utterances
        if "question" in u.acts
    ]
    return {
        "speakers": _csv(
            ["meeting_id", *speaker_fields],
            ([meeting_id, *asdict(s).values()] for s in report.speakers),
        ),
        "utterances": _csv(UTTERANCE_COLUMNS, utterances),
        "interruptions": _csv(
            ["meeting_id", *interruption_fields],
            (
                [
                    meeting_id,
                    *(("; ".join(v) if k == "evidence" else v) for k, v in asdict(i).items()),
                ]
                for i in report.interruptions
            ),
        ),
        "questions": _csv(QUESTION_COLUMNS, questions),
    }
