"""The built-in diarizer on real audio: accuracy (DER), speed (real-time factor) and memory.

- DER (pyannote.metrics) on every clip in ../shared/data/audio with a reference: the pyannote
  sample (RTTM) and the TalkBank clips (per-line CHAT times), at no collar and at a 0.25 s
  collar, with the number of speakers found automatically and given (oracle). Issue target:
  <= 10% on the pyannote sample.
- Real-time factor of `diarize --backend builtin` on a 10-minute recording made by
  concatenating the real clips (target <= 0.05): the diarizer alone after loading the models,
  and the whole `voiceshare diarize` command.
- Peak memory (max RSS of the `voiceshare diarize` process) on a one-hour recording built the
  same way (target < 2 GB).

Usage: .venv/bin/python bench/bench_diarization.py [--minutes 10] [--hours 1] [--skip-hour]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
warnings.simplefilter("ignore")


def shared_data() -> Path:
    override = os.environ.get("VOICESHARE_SHARED_DATA")
    return Path(override) if override else REPO.parent / "shared" / "data"


def clips(data: Path) -> list[tuple[Path, Path]]:
    audio = data / "audio"
    talkbank = audio / "talkbank"
    return [
        (audio / "pyannote_sample/sample.wav", audio / "pyannote_sample/sample.rttm"),
        (talkbank / "eng_multi_speaker.mp3", talkbank / "eng_multi_speaker.cha"),
        (talkbank / "biling_vec_hrv_clip.mp3", talkbank / "biling_vec_hrv_timed.cha"),
        (talkbank / "spa_marrero_clip.mp3", talkbank / "spa_marrero_timed.cha"),
    ]


def der_table(data: Path) -> None:
    from voiceshare.audio.builtin import BuiltinDiarizer
    from voiceshare.evaluation.diarization import reference_turns, score
    from voiceshare.readers import read_meeting

    diarizer = BuiltinDiarizer()
    print("DER of the built-in diarizer (pyannote.metrics; missed / false alarm / confusion)")
    header = f"{'clip':26s} {'speakers':>8s} {'collar 0':>34s} {'collar 0.25':>12s}"
    print(header)
    for audio, reference_file in clips(data):
        reference = reference_turns(read_meeting(reference_file))
        count = len({speaker for _, _, speaker in reference})
        for mode, given in (("auto", None), ("oracle", count)):
            result = diarizer(audio, num_speakers=given)
            strict = score(result, reference)
            lenient = score(result, reference, collar_s=0.25)
            print(
                f"{audio.name + ' ' + mode:26s} {len(result.speakers):>4d}/{count:<3d} "
                f"{strict.der:7.1%} ({strict.missed:5.1%} /{strict.false_alarm:5.1%} /"
                f"{strict.confusion:5.1%}) {lenient.der:9.1%}"
            )


def build_recording(data: Path, seconds: float, target: Path) -> None:
    """Concatenate the real clips (with 0.5 s pauses) until `seconds`, as 16 kHz FLAC."""
    import numpy as np
    import soundfile as sf

    from voiceshare.audio.decode import decode

    pieces = [decode(audio) for audio, _ in clips(data)]
    pause = np.zeros(8_000, dtype=np.float32)
    needed = int(seconds * 16_000)
    with sf.SoundFile(target, "w", samplerate=16_000, channels=1, format="FLAC") as out:
        written, index = 0, 0
        while written < needed:
            piece = np.concatenate([pieces[index % len(pieces)], pause])[: needed - written]
            out.write(piece)
            written += piece.size
            index += 1


def real_time_factor(recording: Path, seconds: float) -> None:
    from voiceshare.audio.builtin import BuiltinDiarizer
    from voiceshare.audio.vad import _load_model
    from voiceshare.audio.voice_encoder import load_encoder

    started = time.perf_counter()
    _load_model()
    load_encoder()
    loading = time.perf_counter() - started
    started = time.perf_counter()
    result = BuiltinDiarizer()(recording)
    elapsed = time.perf_counter() - started
    print(
        f"diarizer on {seconds / 60:.0f} min: {elapsed:.1f} s, real-time factor "
        f"{elapsed / seconds:.4f} (target <= 0.05); model loading {loading:.1f} s once per "
        f"process; {len(result.speakers)} speakers, {len(result.turns)} turns"
    )


def command_run(recording: Path, seconds: float, label: str) -> None:
    """Time `voiceshare diarize` as a user runs it; its peak memory is read by a small
    wrapper process, so each run's figure is its own."""
    wrapper = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        finished = subprocess.run(
            [
                sys.executable,
                "-c",
                wrapper,
                str(REPO / ".venv/bin/voiceshare"),
                "diarize",
                str(recording),
                "-o",
                str(Path(folder) / "out.rttm"),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - started
    peak_mb = int(finished.stdout.strip()) / 1024
    print(
        f"`voiceshare diarize` on {label}: {elapsed:.1f} s wall, real-time factor "
        f"{elapsed / seconds:.4f} (start-up and model loading included), peak memory "
        f"{peak_mb:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--hours", type=float, default=1.0)
    parser.add_argument("--skip-hour", action="store_true", help="Skip the memory run.")
    args = parser.parse_args()
    data = shared_data()
    if not (data / "audio").is_dir():
        sys.exit(f"no audio under {data}: set VOICESHARE_SHARED_DATA")
    print(f"torch threads: {os.cpu_count()} cores on this machine")
    der_table(data)
    with tempfile.TemporaryDirectory() as folder:
        ten = Path(folder) / "ten_minutes.flac"
        seconds = args.minutes * 60
        build_recording(data, seconds, ten)
        real_time_factor(ten, seconds)
        command_run(ten, seconds, f"{args.minutes:.0f} min")
        if not args.skip_hour:
            hour = Path(folder) / "one_hour.flac"
            build_recording(data, args.hours * 3600, hour)
            command_run(hour, args.hours * 3600, f"{args.hours:g} h")


if __name__ == "__main__":
    main()
