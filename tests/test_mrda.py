"""The MRDA loader: meetings built like a reader builds them, and the annotators' gold labels."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from voiceshare.errors import ConfigError, InputError
from voiceshare.evaluation.mrda import (
    GoldUnit,
    gold_answers,
    load_meeting,
    meeting_ids,
)

MEETING = "Bmr026"


@pytest.fixture(scope="module")
def mrda(shared_data: Path) -> Path:
    """The MRDA corpus folder of the shared data."""
    root = shared_data / "mrda"
    if not (root / "dadb").is_dir():
        pytest.skip(f"MRDA data not found at {root}")
    return root


def raw_rows(root: Path, meeting_id: str) -> list[list[str]]:
    """The `.dadb` rows split on commas (the files use no csv quoting), in file order."""
    lines = (root / "dadb" / f"{meeting_id}.dadb").read_text(encoding="utf-8").splitlines()
    return [line.split(",") for line in lines if line.strip()]


def spoken_rows(root: Path, meeting_id: str) -> list[list[str]]:
    """Rows with words (DIGIT_TASK and BLEEPED placeholders have none), by start time."""
    rows = [row for row in raw_rows(root, meeting_id) if row[4]]
    return sorted(rows, key=lambda row: float(row[0]))


def unit(label: str, id: str = "u", speaker: str = "me001", adjacency: str = "") -> GoldUnit:
    return GoldUnit(id, speaker, 0.0, 1.0, label, adjacency)


# --- gold unit properties -------------------------------------------------------------------


def test_disruption_forms() -> None:
    """`%-` is an interruption and `%--` an abandonment, wherever the label puts them."""
    assert unit("s.%-").interrupted and not unit("s.%-").abandoned
    assert unit("s.%--").abandoned and not unit("s.%--").interrupted
    assert unit("fg|%-").interrupted
    assert unit("%--").abandoned
    # The disruption belongs to the unit even when a quote follows it (manual 3.4, 3.5).
    assert unit("s.%--:s").abandoned
    assert not unit("s^bk").interrupted and not unit("s.%").abandoned


def test_question_rejection_and_backchannel_tags() -> None:
    """Questions are found in every `|` part; a quoted question (`s:qy`) is not a question."""
    assert unit("qy^d^rt").question_tags == {"qy"}
    assert unit("fh|qw^rt").question_tags == {"qw"}
    assert unit("qrr.%--").question_tags == {"qrr"}
    assert not unit("s^cs:qw").is_question
    assert not unit("s^bu").is_question
    assert unit("s^ar|s.%-").is_rejection and unit("s^arp").is_rejection
    assert not unit("s^aa").is_rejection
    assert unit("b").is_backchannel and unit("b.%").is_backchannel
    assert not unit("s^bk").is_backchannel and not unit("s^b").is_backchannel


def test_answer_must_come_from_another_speaker() -> None:
    """A second part by the asker is not an answer; the earliest one by someone else is."""
    gold = {
        "q": GoldUnit("q", "me001", 1.0, 2.0, "qy", "5a"),
        "self": GoldUnit("self", "me001", 2.0, 3.0, "s", "5b-1"),
        "late": GoldUnit("late", "fe002", 4.0, 5.0, "s^aa", "5b-3"),
        "early": GoldUnit("early", "mn003", 2.5, 3.0, "s^na", "5b-2"),
        "alone": GoldUnit("alone", "fe002", 6.0, 7.0, "qw", "6a"),
        "other": GoldUnit("other", "fe002", 8.0, 9.0, "s", "6_b"),  # pair 6_, not pair 6
    }
    assert gold_answers(gold) == {"q": "early", "alone": None}


# --- the real corpus ------------------------------------------------------------------------


def test_label_counts_match_the_raw_file(mrda: Path) -> None:
    """Every spoken unit of the file becomes one gold unit with its full label."""
    expected = Counter(row[5] for row in raw_rows(mrda, MEETING) if row[4])
    meeting, gold = load_meeting(mrda, MEETING)
    assert Counter(unit.label for unit in gold.values()) == expected
    assert len(meeting.utterances) == sum(expected.values())
    # Bmr026 has 5 DIGIT_TASK rows without words and without a label: they are skipped.
    assert len(raw_rows(mrda, MEETING)) - len(gold) == 5


def test_meeting_is_built_like_a_reader_builds_it(mrda: Path) -> None:
    """Id, title, source, format and speakers in order of first appearance."""
    meeting, gold = load_meeting(mrda, MEETING)
    assert meeting.id == meeting.title == MEETING
    assert meeting.source == str(mrda / "dadb" / f"{MEETING}.dadb")
    assert meeting.format == "mrda" and meeting.metadata["format"] == "mrda"
    speakers = list(dict.fromkeys(row[7] for row in spoken_rows(mrda, MEETING)))
    assert list(meeting.speaker_names) == speakers
    assert list(gold) == [u.id for u in meeting.utterances]


def test_utterance_order_and_times(mrda: Path) -> None:
    """Utterances are in start order, with the row's times, speaker and word timings."""
    meeting, _ = load_meeting(mrda, MEETING)
    rows = spoken_rows(mrda, MEETING)
    assert [u.id for u in meeting.utterances] == [row[2] for row in rows]
    for u, row in zip(meeting.utterances, rows, strict=True):
        assert (u.start_s, u.end_s, u.speaker) == (float(row[0]), float(row[1]), row[7])
        # The unit id repeats the times in milliseconds: `Bmr026-c5_0056240_0056500`.
        start_ms, end_ms = u.id.rsplit("_", 2)[1:]
        assert u.start_s == pytest.approx(int(start_ms) / 1000, abs=0.0011)
        assert u.end_s == pytest.approx(int(end_ms) / 1000, abs=0.0011)
    starts = [u.start_s or 0.0 for u in meeting.utterances]
    assert starts == sorted(starts)
    first = meeting.utterances[0]
    assert (first.id, first.speaker, first.text) == ("Bmr026-c1_0000040_0000140", "me013", "yeah .")
    # `0.517+0.767+o_k|0.767+0.987+we're|0.987+1.127+on`: words keep the transcriber's spelling.
    okay = meeting.utterances[1]
    assert [(w.text, w.start_s, w.end_s) for w in okay.words] == [
        ("o_k", 0.517, 0.767),
        ("we're", 0.767, 0.987),
        ("on", 0.987, 1.127),
    ]


def test_punctuated_text_is_the_human_transcript(mrda: Path) -> None:
    """Cut-offs, dashes and question marks stay; the annotators' `|` between acts goes."""
    meeting, _ = load_meeting(mrda, MEETING)
    text = {u.id: u.text for u in meeting.utterances}
    assert text["Bmr026-c5_0056240_0056500"] == "and =="
    assert text["Bmr026-c0_0011064_0015835"] == "so the uh - first was transcription status ."
    assert text["Bmr026-c2_0021661_0022681"] == "is that english ?"


def test_unpunctuated_text_looks_like_raw_asr(mrda: Path) -> None:
    """Without punctuation: lower case, no `==` `?` `.` `,` `|`, no fragment dashes."""
    for meeting_id in (MEETING, "Bro004"):
        meeting, _ = load_meeting(mrda, meeting_id, punctuation=False)
        for u in meeting.utterances:
            assert not any(mark in u.text for mark in ("==", "?", ".", ",", "|", "@"))
            assert u.text == u.text.lower() and u.text == " ".join(u.text.split())
            assert not any(t.startswith("-") or t.endswith("-") for t in u.text.split())
    meeting, _ = load_meeting(mrda, MEETING, punctuation=False)
    text = {u.id: u.text for u in meeting.utterances}
    assert text["Bmr026-c5_0056240_0056500"] == "and"
    assert text["Bmr026-c0_0011064_0015835"] == "so the uh first was transcription status"


def test_interrupted_and_abandoned_counts_on_validation(mrda: Path) -> None:
    """Counts on the validation split agree with a regex over the raw label column."""
    interrupted = abandoned = got_interrupted = got_abandoned = 0
    for meeting_id in meeting_ids(mrda, "val"):
        labels = [row[5] for row in raw_rows(mrda, meeting_id) if row[4]]
        interrupted += sum(bool(re.search(r"%-(?!-)", label)) for label in labels)
        abandoned += sum("%--" in label for label in labels)
        _, gold = load_meeting(mrda, meeting_id)
        got_interrupted += sum(unit.interrupted for unit in gold.values())
        got_abandoned += sum(unit.abandoned for unit in gold.values())
    assert (got_interrupted, got_abandoned) == (interrupted, abandoned)
    # Abandoning is more common than being cut off (the corpus has 919 and 1,268).
    assert 0 < interrupted < abandoned


def test_adjacency_answers_hand_checked(mrda: Path) -> None:
    """Answers follow the adjacency pairs, checked by reading the rows."""
    _, gold = load_meeting(mrda, MEETING)
    answers = gold_answers(gold)
    # me011 "does anyone besides jane know what the transcription status is ?" (qy^rt, 10a);
    # me018 "um - | sort of i do peripherally ." is 10b.
    assert answers["Bmr026-c0_0015895_0018445"] == "Bmr026-c5_0018970_0021210"
    # me001 "which meetings is she transcribing ?" (qw^rt, 30a); 30b is me018 "um well we've
    # run out of e_d_us ..." (h|s, 30b.40a.50a).
    assert answers["Bmr026-c4_0056610_0057890"] == "Bmr026-c5_0058230_0065660"
    # mn014 "is that english ?" (qy^rt^t1) has no adjacency pair: unanswered.
    assert answers["Bmr026-c2_0021661_0022681"] is None
    # Statements are not in the answers at all.
    assert "Bmr026-c5_0018970_0021210" not in answers

    # The manual's Example 6 (section 4.3, Bmr003 at 1594-1600 s), renumbered in the data.
    _, gold = load_meeting(mrda, "Bmr003")
    answers = gold_answers(gold)
    # me028 "you've already done some ?" (qy^d, 1340a) gets three answers by three speakers
    # (1340b-1, -2, -3); the first to start is me022 at 1595.36.
    assert answers["Bmr003-c3_1594720_1595830"] == "Bmr003-c2_1595360_1596610"
    # me011 continues pair 1360 with "right ?" (1360a+) and "about half ?" (1360a++);
    # fe008 "s- - i'm not sure ..." (1360b) answers both.
    assert answers["Bmr003-c0_1598170_1598360"] == "Bmr003-c4_1599150_1600010"
    assert answers["Bmr003-c0_1598580_1598980"] == "Bmr003-c4_1599150_1600010"


def test_splits(mrda: Path) -> None:
    """Split files list meeting ids; the training split has 51, all present."""
    train = meeting_ids(mrda, "train")
    assert len(train) == 51 and train[0] == "Bdb001" and "Buw001" in train
    assert all((mrda / "dadb" / f"{m}.dadb").is_file() for m in train)
    assert len(meeting_ids(mrda, "val")) == 12


# --- bad input ------------------------------------------------------------------------------


@pytest.fixture
def small_root(tmp_path: Path) -> Path:
    """A tiny MRDA folder with one meeting, `Bxx001`, of three units."""
    (tmp_path / "dadb").mkdir()
    (tmp_path / "transcripts").mkdir()
    (tmp_path / "metadata").mkdir()
    (tmp_path / "metadata" / "train_split.txt").write_text("Bxx001\n")
    (tmp_path / "dadb" / "Bxx001.dadb").write_text(
        "0.5,1.2,Bxx001-c0_0000500_0001200,A,0.5+0.8+is|0.8+1.2+it,qy^rt,Bxx001-c0,me001,"
        "qy^rt,10a,1a,,,\n"
        "1.0,1.6,Bxx001-c1_0001000_0001600,A,1.0+1.6+no,s^ar,Bxx001-c1,fe002,s^ar,10b,1b,,,"
        '"no" used as "yes"\n'
        "1.7,2.0,Bxx001-c1_0001700_0002000,A,1.7+2.0+and,%-,Bxx001-c1,fe002,%-,,,,,\n"
    )
    (tmp_path / "transcripts" / "Bxx001.trans").write_text(
        "Bxx001-c0_0000500_0001200,is it ?,is it ?\n"
        "Bxx001-c1_0001000_0001600,no .,no .\n"
        "Bxx001-c1_0001700_0002000,and ==,and ==\n"
    )
    return tmp_path


def test_small_meeting_reads(small_root: Path) -> None:
    """The tiny meeting reads (a literal `"` in a comment is not csv quoting)."""
    meeting, gold = load_meeting(small_root, "Bxx001")
    assert [u.text for u in meeting.utterances] == ["is it ?", "no .", "and =="]
    assert gold_answers(gold) == {"Bxx001-c0_0000500_0001200": "Bxx001-c1_0001000_0001600"}
    assert gold["Bxx001-c1_0001700_0002000"].interrupted
    assert meeting_ids(small_root, "train") == ["Bxx001"]


def test_truncated_dadb_line_names_file_and_line(small_root: Path) -> None:
    """A line cut off mid-way is an InputError naming the file and the line."""
    path = small_root / "dadb" / "Bxx001.dadb"
    path.write_text(path.read_text()[:-30])
    with pytest.raises(InputError, match=r"Bxx001\.dadb: line 3 has \d+ fields instead of 14"):
        load_meeting(small_root, "Bxx001")


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("0.5,1.2,", "0.5,soon,", "where a time in seconds should be"),
        ("0.5+0.8+is", "0.5+is", "malformed word"),
        (",10a,1a,", ",10x,1a,", "malformed adjacency-pair field"),
        ("Bxx001-c0_0000500_0001200,A", "Bxx001-c0_9999999_0001200,A", "has no text in"),
    ],
)
def test_malformed_row_is_input_error(small_root: Path, old: str, new: str, problem: str) -> None:
    """A damaged field is an InputError naming the file, the line and the problem."""
    path = small_root / "dadb" / "Bxx001.dadb"
    path.write_text(path.read_text().replace(old, new, 1))
    with pytest.raises(InputError, match=rf"Bxx001\.dadb: line 1 .*{problem}"):
        load_meeting(small_root, "Bxx001")


def test_missing_files_are_input_errors(small_root: Path, tmp_path: Path) -> None:
    """A missing data folder, meeting or transcript file is an InputError naming it."""
    with pytest.raises(InputError, match="MRDA data folder not found"):
        load_meeting(tmp_path / "nowhere", "Bxx001")
    with pytest.raises(InputError, match=r"Bxx002\.dadb: no such file"):
        load_meeting(small_root, "Bxx002")
    with pytest.raises(InputError, match="not an MRDA meeting id"):
        load_meeting(small_root, "../Bxx001")
    (small_root / "transcripts" / "Bxx001.trans").unlink()
    with pytest.raises(InputError, match=r"Bxx001\.trans: no such file"):
        load_meeting(small_root, "Bxx001")


def test_empty_or_binary_dadb_is_input_error(small_root: Path) -> None:
    """An empty or binary file fails with one sentence, not a traceback."""
    path = small_root / "dadb" / "Bxx001.dadb"
    path.write_text("")
    with pytest.raises(InputError, match="is empty"):
        load_meeting(small_root, "Bxx001")
    path.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(InputError, match=r"Bxx001\.dadb"):
        load_meeting(small_root, "Bxx001")


def test_bad_split_is_config_error(small_root: Path) -> None:
    """An unknown split or a missing split file is a ConfigError."""
    with pytest.raises(ConfigError, match="Unknown MRDA split 'dev'"):
        meeting_ids(small_root, "dev")
    with pytest.raises(ConfigError, match=r"val_split\.txt"):
        meeting_ids(small_root, "val")
