"""Transcription with a tiny, randomly initialised Whisper model the tests build and save
themselves, loaded from its folder exactly as a user's local model is.

Random weights transcribe gibberish, so these tests check the shape of the output (timed words
on the recording's clock, progress, chunking), never the text: accuracy depends entirely on the
Whisper model the user supplies.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

np = pytest.importorskip("numpy", reason="transcription needs the audio extra")
pytest.importorskip("transformers", reason="transcription needs the audio extra")

from voiceshare.audio.assign import meeting_from_diarization  # noqa: E402
from voiceshare.audio.decode import decode  # noqa: E402
from voiceshare.audio.transcribe import (  # noqa: E402
    SAMPLE_RATE,
    Transcriber,
    _shorten_stretched,
    _windows,
    load_transcriber,
)
from voiceshare.audio.turns import Diarization, SpeakerTurn  # noqa: E402
from voiceshare.errors import ConfigError  # noqa: E402
from voiceshare.model import Word  # noqa: E402

SPECIAL_TOKENS = [
    "<|endoftext|>",
    "<|startoftranscript|>",
    "<|en|>",
    "<|translate|>",
    "<|transcribe|>",
    "<|startoflm|>",
    "<|startofprev|>",
    "<|nocaptions|>",
    "<|notimestamps|>",
]
# Whisper's timestamp tokens follow <|notimestamps|>: <|0.00|> to <|30.00|> in 20 ms steps.
TIMESTAMP_TOKENS = [f"<|{i * 0.02:.2f}|>" for i in range(1501)]
# A few BPE merges over the byte alphabet, enough to spell "the meeting." in whole words.
MERGES = ["Ġ t", "Ġt h", "Ġth e", "Ġ m", "Ġm e", "Ġme e", "Ġmee t", "i n", "in g"]


def _byte_alphabet() -> list[str]:
    """GPT-2's printable stand-ins for the 256 byte values (byte-level BPE's base vocabulary)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    printable += range(ord("®"), ord("ÿ") + 1)
    others = [b for b in range(256) if b not in printable]
    mapping = {b: chr(b) for b in printable} | {b: chr(256 + n) for n, b in enumerate(others)}
    return [mapping[b] for b in range(256)]


def build_tiny_whisper(folder: Path) -> Path:
    """Write a random two-head Whisper model, its tokenizer and feature extractor to `folder`."""
    import torch
    from transformers import (
        GenerationConfig,
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperProcessor,
        WhisperTokenizer,
    )

    vocabulary = {token: index for index, token in enumerate(_byte_alphabet())}
    for merge in MERGES:
        vocabulary.setdefault(merge.replace(" ", ""), len(vocabulary))
    source = folder / "tokenizer-source"
    source.mkdir(parents=True)
    (source / "vocab.json").write_text(json.dumps(vocabulary), encoding="utf-8")
    (source / "merges.txt").write_text("#version: 0.2\n" + "\n".join(MERGES) + "\n")
    tokenizer = WhisperTokenizer.from_pretrained(str(source))
    tokenizer.add_special_tokens({"additional_special_tokens": SPECIAL_TOKENS})
    tokenizer.add_tokens(TIMESTAMP_TOKENS)
    ids = {token: tokenizer.convert_tokens_to_ids(token) for token in SPECIAL_TOKENS}
    end_of_text = ids["<|endoftext|>"]

    config = WhisperConfig(
        vocab_size=len(tokenizer),
        d_model=16,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        decoder_start_token_id=ids["<|startoftranscript|>"],
        pad_token_id=end_of_text,
        bos_token_id=end_of_text,
        eos_token_id=end_of_text,
        begin_suppress_tokens=None,
    )
    torch.manual_seed(0)
    model = WhisperForConditionalGeneration(config)
    model.generation_config = GenerationConfig(  # type: ignore[no-untyped-call]
        decoder_start_token_id=ids["<|startoftranscript|>"],
        eos_token_id=end_of_text,
        pad_token_id=end_of_text,
        bos_token_id=end_of_text,
        max_length=16,  # the prompt and 12 new tokens: each 30 s window decodes in milliseconds
        no_timestamps_token_id=ids["<|notimestamps|>"],
        prev_sot_token_id=ids["<|startofprev|>"],
        alignment_heads=[[0, 0], [0, 1]],  # word timing reads these cross-attention heads
        lang_to_id={"<|en|>": ids["<|en|>"]},
        task_to_id={"transcribe": ids["<|transcribe|>"], "translate": ids["<|translate|>"]},
        is_multilingual=True,
        max_initial_timestamp_index=50,
        suppress_tokens=[],
        begin_suppress_tokens=[end_of_text],
    )
    target = folder / "tiny-whisper"
    model.save_pretrained(target)
    extractor = WhisperFeatureExtractor()  # type: ignore[no-untyped-call]
    processor = WhisperProcessor(extractor, tokenizer)  # type: ignore[no-untyped-call]
    processor.save_pretrained(target)
    return target


@pytest.fixture(scope="module")
def tiny_whisper(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_whisper(tmp_path_factory.mktemp("whisper"))


@pytest.fixture(scope="module")
def transcriber(tiny_whisper: Path) -> Transcriber:
    return load_transcriber(str(tiny_whisper), device="cpu", language="en")


@pytest.fixture(scope="module")
def sample_audio(shared_data: Path) -> Any:
    return decode(shared_data / "audio" / "pyannote_sample" / "sample.wav")


def assert_words_on_the_clock(words: list[Word], duration_s: float) -> None:
    assert all(isinstance(w, Word) and w.text and w.text == w.text.strip() for w in words)
    times = [t if t is not None else math.nan for w in words for t in (w.start_s, w.end_s)]
    assert all(math.isfinite(t) and 0.0 <= t <= duration_s for t in times)
    assert times == sorted(times), "word times go backwards"


def test_real_recording_gives_timed_words(transcriber: Transcriber, sample_audio: Any) -> None:
    """A real 30 s recording gives words with finite, ordered times inside the recording, and
    progress that ends at 1."""
    progress: list[float] = []
    words = transcriber(sample_audio, progress=progress.append)
    assert words, "a random model still emits some tokens"
    assert_words_on_the_clock(words, sample_audio.size / SAMPLE_RATE)
    assert progress[0] == 0.0 and progress[-1] == 1.0
    assert progress == sorted(progress)


def babble(seconds: float, seed: int = 3) -> Any:
    """Noise in bursts of 1.7 s with 0.3 s pauses: speech-like enough for a random model."""
    rng = np.random.default_rng(seed)
    audio = (rng.standard_normal(int(seconds * SAMPLE_RATE)) * 0.1).astype(np.float32)
    pauses = (np.arange(audio.size) % (2 * SAMPLE_RATE)) >= int(1.7 * SAMPLE_RATE)
    audio[pauses] = 0.0
    return audio


def test_long_recording_is_transcribed_in_30_s_windows(transcriber: Transcriber) -> None:
    """Over 30 s the recording is cut into windows whose words land on the whole recording's
    clock, beyond the first window, with progress reported after each window."""
    audio = babble(35.0)
    progress: list[float] = []
    words = transcriber(audio, progress=progress.append)
    first_window_s = _windows(audio)[0].end / SAMPLE_RATE
    assert 25.0 <= first_window_s <= 30.0
    assert_words_on_the_clock(words, 35.0)
    assert any((w.start_s or 0.0) >= first_window_s for w in words)
    assert progress == [0.0, pytest.approx(first_window_s / 35.0), 1.0]


def test_real_long_recording_stays_on_the_clock(
    transcriber: Transcriber, sample_audio: Any
) -> None:
    """50 s of real speech (the sample and its first 20 s again) gives ordered word times
    within the recording."""
    audio = np.concatenate([sample_audio, sample_audio[: 20 * SAMPLE_RATE]])
    assert_words_on_the_clock(transcriber(audio), 50.0)


def test_words_assigned_to_reference_speakers(transcriber: Transcriber, shared_data: Path) -> None:
    """Transcribed words and the sample's reference turns make a meeting that keeps every word."""
    folder = shared_data / "audio" / "pyannote_sample"
    turns = [
        SpeakerTurn(float(f[3]), float(f[3]) + float(f[4]), f[7])
        for f in (line.split() for line in (folder / "sample.rttm").read_text().splitlines())
    ]
    words = transcriber(decode(folder / "sample.wav"))
    meeting = meeting_from_diarization(
        Diarization.from_turns(turns, 30.0, "reference", True),
        words,
        id="sample",
        title="pyannote sample",
        source=str(folder / "sample.wav"),
    )
    assert sum(len(u.words) for u in meeting.utterances) >= len(words)
    assert {w for u in meeting.utterances for w in u.words} == set(words)


def test_silence_and_empty_audio_give_no_words(transcriber: Transcriber) -> None:
    """Nothing to hear, nothing transcribed (Whisper would otherwise invent words in silence)."""
    progress: list[float] = []
    assert transcriber(np.zeros(5 * SAMPLE_RATE, dtype=np.float32), progress=progress.append) == []
    assert transcriber(np.zeros(0, dtype=np.float32)) == []
    assert progress[-1] == 1.0


def test_tokens_are_grouped_into_words_with_punctuation(transcriber: Transcriber) -> None:
    """Tokens join into words at spaces, punctuation sticks to the word before it, and special
    tokens (prompt, timestamps) are never words."""
    tokenizer: Any = transcriber._tokenizer
    prompt = tokenizer.convert_tokens_to_ids(["<|startoftranscript|>", "<|en|>", "<|0.00|>"])
    text = tokenizer.convert_tokens_to_ids(["Ġthe", "Ġmeet", "ing", "."])
    end = tokenizer.convert_tokens_to_ids(["<|1.00|>", "<|endoftext|>"])
    assert transcriber._words(prompt + text + end) == [
        ("the", 3, 3, True),
        ("meeting.", 4, 6, False),
    ]


def test_word_stretched_over_a_pause_keeps_the_end_next_to_speech() -> None:
    """Alignment stretches a word over the silence beside it; such a word is cut to twice the
    median word length: after a pause (opening a segment) it keeps its end, else its start."""
    words = [
        ("Hello.", 0.0, 6.9, True),  # a window starts in silence: the path begins at 0 s
        ("I", 7.0, 7.2, False),
        ("know", 7.2, 7.6, False),
        ("that.", 7.6, 9.9, False),  # then silence again until the window ends
    ]
    # Median length 1.35 s, capped at 0.7 s: no word is longer than 1.4 s.
    assert _shorten_stretched(words) == [
        ("Hello.", pytest.approx(5.5), 6.9),
        ("I", 7.0, 7.2),
        ("know", 7.2, 7.6),
        ("that.", 7.6, pytest.approx(9.0)),
    ]


def test_long_audio_is_cut_in_its_quietest_moment_before_30_s() -> None:
    """A window ends in the pause nearest before Whisper's 30 s limit, not inside a word."""
    rng = np.random.default_rng(7)
    audio = (rng.standard_normal(70 * SAMPLE_RATE) * 0.1).astype(np.float32)
    audio[int(27.0 * SAMPLE_RATE) : int(27.5 * SAMPLE_RATE)] = 0.0
    windows = _windows(audio)
    assert 27.0 <= windows[0].end / SAMPLE_RATE <= 27.5
    assert all(w.end - w.start <= 30 * SAMPLE_RATE for w in windows)
    assert [w.start for w in windows[1:]] == [w.end for w in windows[:-1]]
    assert windows[-1].end == audio.size


def test_model_is_loaded_once_per_process(tiny_whisper: Path, transcriber: Transcriber) -> None:
    assert load_transcriber(str(tiny_whisper), device="cpu", language="en") is transcriber


def test_missing_model_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a local folder"):
        load_transcriber(str(tmp_path / "no-such-model"))


def test_model_not_in_the_local_cache_is_a_config_error() -> None:
    """Offline, a hub name that was never downloaded is refused with one sentence."""
    with pytest.raises(ConfigError, match="could not be loaded from the Hugging Face hub"):
        load_transcriber("voiceshare-tests/no-such-whisper")


def test_unknown_language_is_a_config_error(tiny_whisper: Path) -> None:
    with pytest.raises(ConfigError, match="does not know the language"):
        load_transcriber(str(tiny_whisper), device="cpu", language="klingon")
