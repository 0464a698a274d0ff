"""The `voiceshare` command as a user runs it: help, analyze, formats, and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from voiceshare.cli import cli, main

ZOOM_STYLE = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
Ana Ruiz: Morning everyone, let's start with the release.

2
00:00:04.500 --> 00:00:06.000
Ben Ode: Sounds good, I have an update.
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed console script the way a user would."""
    exe = Path(sys.executable).with_name("voiceshare")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "command", [[], ["analyze"], ["formats"], ["batch"], ["people"], ["trends"]]
)
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    """`-h` works everywhere and every help text shows an example."""
    result = CliRunner().invoke(cli, [*command, "-h"])
    assert result.exit_code == 0
    assert "Example" in result.output and "voiceshare" in result.output


def test_help_imports_no_heavy_libraries() -> None:
    """`voiceshare --help` loads no torch, spaCy, transformers, pyannote or pandas."""
    code = (
        "import sys; from voiceshare.cli import main; main(['--help']); "
        "heavy = {'torch', 'spacy', 'transformers', 'pyannote', 'pandas', 'numpy'}; "
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_formats_lists_the_readers() -> None:
    """`voiceshare formats` names the formats users export."""
    result = CliRunner().invoke(cli, ["formats"])
    assert result.exit_code == 0
    assert "webvtt" in result.output and ".vtt" in result.output


def test_analyze_writes_json_and_markdown(tmp_path: Path) -> None:
    """One input gives OUTDIR/<stem>.json and .md; attendees who never spoke are counted."""
    source = tmp_path / "weekly.vtt"
    source.write_text(ZOOM_STYLE, encoding="utf-8")
    out = tmp_path / "out"
    result = run("analyze", str(source), "-o", str(out), "--attendees", "Cleo Park")
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "weekly.json").read_text())
    assert report["schema_version"].startswith("1.")
    assert {"id", "title", "source", "date", "duration_s"} <= report["meeting"].keys()
    names = [s["name"] for s in report["speakers"]]
    assert names == ["Ana Ruiz", "Ben Ode", "Cleo Park"]
    speaker_keys = {
        "name", "speaking_time_s", "share", "turns", "words", "quiet", "interruptions_made",
        "interruptions_received", "questions_asked", "questions_unanswered",
        "dismissals_received",
    }  # fmt: skip
    assert speaker_keys <= report["speakers"][0].keys()
    assert {"gini", "entropy", "equal_share", "quiet_voices"} <= report["balance"].keys()
    assert report["balance"]["quiet_voices"] == ["Cleo Park"]
    utterance = report["utterances"][0]
    assert {
        "id",
        "speaker",
        "start_s",
        "end_s",
        "text",
        "acts",
        "answered_by",
        "interrupted_by",
    } <= (utterance.keys())
    assert utterance["acts"] == [] and utterance["interrupted_by"] is None
    assert report["interruptions"] == []
    assert report["analyses"]["interruptions"]["status"] == "measured"
    assert report["analyses"]["questions"]["status"] == "measured"
    markdown = (out / "weekly.md").read_text()
    assert markdown.startswith("# weekly") and "Cleo Park" in markdown


BAD_INPUTS = {
    "empty.vtt": b"",
    "blank.txt": b"   \n\n",
    "binary.vtt": bytes(range(256)) * 20,
    "audio.json": b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00\xff" * 500,
    "notes.txt": b"Just some notes I took.\nNothing with speakers here.\n",
    "table.csv": b"id,colour,weight\n1,red,3\n2,blue,4\n",
    "broken.json": b'{"results": {"items": [}',
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_clear_sentence_and_a_nonzero_exit(tmp_path: Path, name: str) -> None:
    """Empty, binary, unknown or malformed files: one line naming the file, exit 1, no traceback."""
    path = tmp_path / name
    path.write_bytes(BAD_INPUTS[name])
    result = run("analyze", str(path), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    first = result.stderr.strip().splitlines()[0]
    assert first.startswith("error: ") and name in first
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_missing_file_and_bad_options_exit_nonzero(tmp_path: Path) -> None:
    """A path that does not exist, or an unknown report format, is one sentence and exit 1."""
    assert main(["analyze", str(tmp_path / "nope.vtt"), "-o", str(tmp_path)]) == 1
    (tmp_path / "a.vtt").write_text(ZOOM_STYLE)
    assert main(["analyze", str(tmp_path / "a.vtt"), "--format", "pdf"]) == 1


def test_mistyped_precision_setting_is_one_sentence_not_a_quiet_fallback(tmp_path: Path) -> None:
    """`VOICESHARE_ACCURATE_PRECISION=half` stops `analyze` with a sentence naming the choices,
    instead of analysing with a weaker tier than the user set up."""
    pytest.importorskip("sentence_transformers")
    (tmp_path / "a.vtt").write_text(ZOOM_STYLE)
    exe = Path(sys.executable).with_name("voiceshare")
    result = subprocess.run(
        [str(exe), "analyze", str(tmp_path / "a.vtt"), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "VOICESHARE_ACCURATE_PRECISION": "half"},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "choose auto, float32 or bfloat16" in result.stderr.strip().splitlines()[0]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_one_bad_file_does_not_stop_the_rest(tmp_path: Path) -> None:
    """In a folder, the bad file is reported and the good ones are still analysed."""
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "good.vtt").write_text(ZOOM_STYLE)
    (folder / "bad.vtt").write_bytes(b"\x00\x01\x02garbage" * 100)
    (folder / "README.md").write_text("# not a meeting")
    result = run("analyze", str(folder), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert (tmp_path / "out" / "good.json").exists()
    assert "bad.vtt" in result.stderr and "1 of 2 files failed" in result.stderr
    assert "README" not in result.stderr


def test_a_failed_rerun_keeps_the_earlier_report(tmp_path: Path) -> None:
    """Reports are written atomically: a later failure never leaves a half-written file."""
    source = tmp_path / "weekly.vtt"
    source.write_text(ZOOM_STYLE)
    out = tmp_path / "out"
    assert main(["analyze", str(source), "-o", str(out)]) == 0
    before = (out / "weekly.json").read_text()
    source.write_bytes(b"")
    assert main(["analyze", str(source), "-o", str(out)]) == 1
    assert (out / "weekly.json").read_text() == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_non_utf8_transcript_is_read_in_its_encoding(tmp_path: Path) -> None:
    """A Windows-1252 or UTF-16 export reads correctly, names with accents intact."""
    text = ZOOM_STYLE.replace("Ana Ruiz", "Ana Muñoz").replace("let's", "let’s")
    for encoding in ("cp1252", "utf-16"):
        path = tmp_path / f"{encoding}.vtt"
        path.write_bytes(text.encode(encoding))
        out = tmp_path / encoding
        assert main(["analyze", str(path), "-o", str(out), "--format", "json"]) == 0
        report = json.loads((out / f"{encoding}.json").read_text())
        assert report["speakers"][0]["name"] == "Ana Muñoz"
        assert "let’s" in report["utterances"][0]["text"]


def test_pseudonymize_flag_hides_names_in_files(tmp_path: Path) -> None:
    """--pseudonymize leaves no participant name in any written report."""
    source = tmp_path / "weekly.vtt"
    source.write_text(ZOOM_STYLE)
    out = tmp_path / "out"
    code = main(["analyze", str(source), "-o", str(out), "--pseudonymize", "--attendees", "Cleo"])
    assert code == 0
    for written in out.iterdir():
        text = written.read_text()
        assert "Ana" not in text and "Ruiz" not in text and "Ben" not in text and "Cleo" not in text
        assert "Participant 1" in text


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A file over the size limit gets one sentence, without loading it (a sparse file here)."""
    path = tmp_path / "huge.vtt"
    with path.open("wb") as handle:
        handle.truncate(600 * 1024 * 1024)
    result = run("analyze", str(path), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "larger than the 512 MB a transcript can be" in result.stderr
    assert "Traceback" not in result.stderr


DAMAGED = {
    "infinite.csv": b"speaker,start,end,text\nAna,0,inf,hello there\nBen,1,2,hi\n",
    "far.rttm": b"SPEAKER f 1 0 1 <NA> <NA> A <NA> <NA>\nSPEAKER f 1 1e9 1 <NA> <NA> B <NA> <NA>\n",
    "nan.json": b'{"segments": [{"start": 0, "end": NaN, "text": "hi", "speaker": "A"}]}',
    "deep.json": b"[" * 100_000,
    "bom-only.vtt": b"\xff\xfe",
}


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_damaged_times_and_structures_are_one_clear_error(tmp_path: Path, name: str) -> None:
    """Infinite, far-off or NaN times, absurd nesting and a lone byte-order mark are refused
    in one sentence rather than crashing or running away."""
    path = tmp_path / name
    path.write_bytes(DAMAGED[name])
    result = run("analyze", str(path), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert result.stderr.startswith(f"error: {path}")


def test_repeated_cue_ids_stay_unique(write) -> None:  # type: ignore[no-untyped-def]
    """Ids `1, 1, 1.2` become `1, 1.3, 1.2`: the fix for a repeat never collides."""
    from voiceshare.readers import read_meeting

    path = write(
        "dup.csv",
        "id,speaker,start,end,text\n1,Ana,0,5,hello all\n1,Ben,5,15,"
        "a much longer update about the release plan for this week\n1.2,Ben,15,16,yes\n",
    )
    ids = [u.id for u in read_meeting(path).utterances]
    assert len(set(ids)) == 3 and ids[0] == "1" and ids[2] == "1.2"


def test_eval_acts_targets_refuses_a_single_text_variant(tmp_path: Path) -> None:
    """`--targets` scores punctuated and raw text both: asking for raw only is a usage error
    said in one sentence."""
    result = run("eval", "acts", "--mrda", str(tmp_path), "--targets", "--no-punctuation")
    assert result.returncode == 2
    assert "drop --no-punctuation" in result.stderr and "Traceback" not in result.stderr
