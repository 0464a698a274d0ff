"""The built-in diarizer: offline, CPU only, no token.

silero-vad finds speech; resemblyzer's voice encoder embeds 1.6 s windows sliding over it;
agglomerative clustering (average linkage, cosine distance) groups the windows into speakers,
cut at a distance threshold unless the number of speakers is given or bounded; then every 10 ms
speech frame is labelled with the speaker whose centroid the windows covering it resemble most
(resegmentation), and very short flips inside a speech region are smoothed away. A speech region
too short for a full window is embedded on its own, so a quick "yes" by someone else is kept.

It gives one speaker per instant: overlapping speech is not detected (the report says so)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from voiceshare.audio.turns import (
    Diarization,
    SpeakerTurn,
    check_speaker_counts,
    renumber_speakers,
)
from voiceshare.errors import AudioError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

Progress = Callable[[float], None]
FRAME_S = 0.01  # one mel frame


@dataclass(frozen=True)
class BuiltinSettings:
    """Tunable parts of the built-in diarizer (defaults chosen on the real clips in
    ../shared/data/audio; see bench/bench_diarization.py)."""

    vad_threshold: float = 0.5
    min_speech_s: float = 0.25
    window_frames: int = 160  # 1.6 s, what the voice encoder was trained on
    hop_frames: int = 40  # a window every 0.4 s
    min_region_frames: int = 30  # a region shorter than 0.3 s is labelled from its neighbours
    affinity_percentile: float = 70.0
    eigen_floor: float = 0.1
    max_speakers: int = 20  # the most speakers looked for when no bound is given
    max_points: int = 800  # longer recordings are summarised to this many points first
    # Resegmentation uses shorter windows (0.8 s every 0.2 s): noisier alone, but compared with
    # the speaker centroids they place turn changes much closer (DER 16% -> 12% on the sample).
    reseg_window_frames: int = 80
    reseg_hop_frames: int = 20
    min_turn_s: float = 0.3  # shorter flips inside a speech region are smoothed away
    block_s: float = 60.0  # decode in blocks of this length


@dataclass
class AudioFeatures:
    """What the diarizer keeps of a recording after decoding: mel frames and speech regions
    (an hour is about 58 MB of frames, instead of 230 MB of samples)."""

    mel: npt.NDArray[np.float32]
    regions: list[tuple[float, float]]
    duration_s: float
    peak: float
    windows: list[tuple[int, int]] = field(default_factory=list)
    embeddings: npt.NDArray[np.float32] | None = None


def extract_features(
    blocks: Iterable[npt.NDArray[np.float32]],
    expected_duration_s: float | None,
    settings: BuiltinSettings,
    progress: Progress | None = None,
) -> AudioFeatures:
    """Feed decoded blocks through the mel spectrogram and the voice activity detector."""
    from voiceshare.audio.decode import SAMPLE_RATE
    from voiceshare.audio.vad import SpeechProbabilities, speech_regions
    from voiceshare.audio.voice_encoder import MelStream

    mel, vad = MelStream(), SpeechProbabilities()
    samples, peak = 0, 0.0
    for block in blocks:
        if block.size:
            peak = max(peak, float(abs(block).max()))
        mel.feed(block)
        vad.feed(block)
        samples += block.size
        if progress and expected_duration_s:
            progress(min(1.0, samples / SAMPLE_RATE / expected_duration_s))
    duration_s = samples / SAMPLE_RATE
    regions = speech_regions(
        vad.finish(),
        duration_s,
        threshold=settings.vad_threshold,
        min_speech_s=settings.min_speech_s,
    )
    return AudioFeatures(mel.finish(), regions, duration_s, peak)


def place_windows(
    features: AudioFeatures, width: int, hop: int, min_frames: int
) -> list[tuple[int, int]]:
    """Windows of `width` frames every `hop` frames over each speech region (the last one
    flush with the region's end); a region shorter than `width` is one window of its own, and
    one shorter than `min_frames` gets none."""
    windows: list[tuple[int, int]] = []
    total = features.mel.shape[0]
    for start_s, end_s in features.regions:
        first, last = round(start_s / FRAME_S), min(total, round(end_s / FRAME_S))
        length = last - first
        if length < min_frames:
            continue
        if length <= width:
            windows.append((first, last))
            continue
        starts = list(range(first, last - width + 1, hop))
        if starts[-1] + width < last:
            starts.append(last - width)  # cover the end of the region too
        windows.extend((s, s + width) for s in starts)
    return windows


def embed(
    features: AudioFeatures, windows: list[tuple[int, int]], progress: Progress | None = None
) -> npt.NDArray[np.float32]:
    """Voice embeddings of mel windows, shape (len(windows), 256)."""
    import numpy as np

    from voiceshare.audio.voice_encoder import load_encoder

    if not windows:
        return np.zeros((0, 256), dtype=np.float32)
    # The encoder was trained on volume-normalised speech: scale power to -30 dBFS RMS.
    speech = np.concatenate([features.mel[s:e] for s, e in windows[:2000]])
    energy = float(speech.sum(axis=1).mean())
    gain = 1.0 if energy <= 0 else min(1e4, _TARGET_MEL_ENERGY / energy)
    encoder = load_encoder()
    chunks = []
    step = 256
    for start in range(0, len(windows), step):
        batch = [features.mel[s:e] * gain for s, e in windows[start : start + step]]
        chunks.append(encoder.embed(batch))
        if progress:
            progress(min(1.0, (start + step) / len(windows)))
    return np.concatenate(chunks).astype(np.float32)


def embed_windows(
    features: AudioFeatures, settings: BuiltinSettings, progress: Progress | None = None
) -> None:
    """Place the clustering windows over the speech regions and embed them (fills
    `features.windows` and `features.embeddings`)."""
    features.windows = place_windows(
        features, settings.window_frames, settings.hop_frames, settings.min_region_frames
    )
    features.embeddings = embed(features, features.windows, progress)


# Mean summed mel power per speech frame that the encoder expects: the pyannote sample scaled to
# -30 dBFS RMS, as resemblyzer normalises its input, gives 0.39; only the magnitude matters.
_TARGET_MEL_ENERGY = 0.5


def cluster(
    embeddings: npt.NDArray[np.float32],
    settings: BuiltinSettings,
    num_speakers: int | None = None,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
) -> npt.NDArray[np.int64]:
    """A speaker index per window, by spectral clustering of refined cosine affinities.

    The refinement is that of Wang et al. 2018 ("Speaker diarization with LSTM"): fill the
    diagonal, damp each row's weak links below its `affinity_percentile`, symmetrise, diffuse,
    normalise rows. The number of speakers is where the refined affinity's eigenvalues drop by
    the largest ratio, among eigenvalues above `eigen_floor` of the largest, unless given.
    Long recordings are first summarised by averaging runs of consecutive windows into at most
    `max_points` points, so the eigendecomposition stays small; every frame is relabelled
    against the speaker centroids afterwards, so this costs no time resolution."""
    import numpy as np
    from scipy.linalg import eigh
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    n = embeddings.shape[0]
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    points, assignment = _summarise(embeddings.astype(np.float64), settings.max_points)
    m = points.shape[0]
    top = min(m, settings.max_speakers + 1)
    # Matrices this small gain nothing from BLAS threads, and lose a lot when another process
    # holds the other core (threads spin waiting for each other).
    with threadpool_limits(1):
        refined = _refine(points @ points.T, settings.affinity_percentile)
        values, vectors = eigh(refined, subset_by_index=[m - top, m - 1])
    values, vectors = values[::-1], vectors[:, ::-1]
    if num_speakers is not None:
        count = min(num_speakers, m)
    else:
        significant = int((values >= settings.eigen_floor * values[0]).sum())
        high = max(1, min(max_speakers or settings.max_speakers, m - 1, significant))
        low = min(min_speakers or 1, high)
        ratios = values[:high] / np.maximum(values[1 : high + 1], 1e-9)
        count = int(np.argmax(ratios[low - 1 :])) + low
        if max_speakers is not None or min_speakers is not None:
            count = max(min_speakers or 1, min(count, max_speakers or count, m))
    if count <= 1:
        return np.zeros(n, dtype=np.int64)
    spectral = vectors[:, :count]
    with threadpool_limits(1):
        labels = KMeans(count, n_init=10, random_state=0).fit_predict(spectral)
    _, relabelled = np.unique(labels[assignment], return_inverse=True)
    return relabelled.astype(np.int64)


def _summarise(
    points: npt.NDArray[np.float64], limit: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Average consecutive windows in groups so at most `limit` points remain; returns the
    points and each window's group."""
    import numpy as np

    n = points.shape[0]
    group = max(1, -(-n // limit))
    assignment = np.arange(n) // group
    if group == 1:
        return points, assignment
    sums = np.zeros((int(assignment[-1]) + 1, points.shape[1]))
    np.add.at(sums, assignment, points)
    sums /= np.linalg.norm(sums, axis=1, keepdims=True).clip(1e-12)
    return sums, assignment


def _refine(affinity: npt.NDArray[np.float64], percentile: float) -> npt.NDArray[np.float64]:
    import numpy as np

    refined = affinity.copy()
    np.fill_diagonal(refined, 0.0)
    np.fill_diagonal(refined, refined.max(axis=1))
    threshold = np.percentile(refined, percentile, axis=1, keepdims=True)
    refined = np.where(refined < threshold, refined * 0.01, refined)
    refined = np.maximum(refined, refined.T)
    refined = refined @ refined.T
    normalised: npt.NDArray[np.float64] = refined / refined.max(axis=1, keepdims=True).clip(1e-12)
    # Row scaling leaves the matrix slightly asymmetric; eigh reads its lower triangle, which
    # is what the settings were chosen with (an explicit (R + R.T) / 2 did worse on the clips).
    return normalised


def centroids(
    embeddings: npt.NDArray[np.float32], window_labels: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """The L2-normalised mean embedding of each speaker's windows, shape (speakers, 256)."""
    import numpy as np

    k = int(window_labels.max()) + 1
    means = np.stack([embeddings[window_labels == c].mean(axis=0) for c in range(k)])
    normalised: npt.NDArray[np.float64] = means / np.linalg.norm(means, axis=1, keepdims=True).clip(
        1e-12
    )
    return normalised


def label_frames(
    features: AudioFeatures,
    speaker_centroids: npt.NDArray[np.float64],
    windows: list[tuple[int, int]],
    window_embeddings: npt.NDArray[np.float32],
    settings: BuiltinSettings,
) -> list[SpeakerTurn]:
    """Resegment: each speech frame goes to the speaker whose centroid the windows covering it
    resemble most; a region no window covers takes the speaker of the nearest windows."""
    import numpy as np

    scores = window_embeddings @ speaker_centroids.T  # (windows, speakers)
    window_labels = scores.argmax(axis=1)
    k = speaker_centroids.shape[0]
    total = features.mel.shape[0]
    accumulated = np.zeros((total + 1, k), dtype=np.float64)
    coverage = np.zeros(total + 1, dtype=np.float64)
    starts = np.array([s for s, _ in windows])
    ends = np.array([e for _, e in windows])
    np.add.at(accumulated, starts, scores)
    np.add.at(accumulated, ends, -scores)
    np.add.at(coverage, starts, 1.0)
    np.add.at(coverage, ends, -1.0)
    accumulated = np.cumsum(accumulated, axis=0)[:total]
    coverage = np.cumsum(coverage)[:total]
    min_run = max(1, round(settings.min_turn_s / FRAME_S))
    turns: list[SpeakerTurn] = []
    for start_s, end_s in features.regions:
        first, last = round(start_s / FRAME_S), min(total, round(end_s / FRAME_S))
        if last <= first:
            continue
        frame_scores = accumulated[first:last]
        covered = coverage[first:last] > 0
        if not covered.any():
            nearest = _nearest_windows(windows, first, last)
            labels = np.full(last - first, int(np.bincount(window_labels[nearest]).argmax()))
        else:
            labels = (frame_scores / np.maximum(coverage[first:last, None], 1)).argmax(axis=1)
            labels = _fill_uncovered(labels, covered)
            labels = _smooth(labels, min_run)
        turns.extend(_runs_to_turns(labels, first, start_s, end_s))
    return turns


def _nearest_windows(windows: list[tuple[int, int]], first: int, last: int) -> list[int]:
    distances = [max(s - last, first - e, 0) for s, e in windows]
    best = min(distances)
    return [i for i, d in enumerate(distances) if d == best]


def _fill_uncovered(
    labels: npt.NDArray[np.int64], covered: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    import numpy as np

    if covered.all():
        return labels
    index = np.where(covered, np.arange(labels.size), -1)
    forward = np.maximum.accumulate(index)
    first_covered = int(np.argmax(covered))
    forward[forward < 0] = first_covered
    return labels[forward]


def _smooth(labels: npt.NDArray[np.int64], min_run: int) -> npt.NDArray[np.int64]:
    """Merge runs shorter than `min_run` frames into the longer neighbouring run."""
    import numpy as np

    labels = labels.copy()
    while True:
        change = np.flatnonzero(np.diff(labels)) + 1
        bounds = np.concatenate([[0], change, [labels.size]])
        lengths = np.diff(bounds)
        if lengths.size <= 1 or lengths.min() >= min_run:
            return labels
        i = int(lengths.argmin())
        left = lengths[i - 1] if i > 0 else -1
        right = lengths[i + 1] if i + 1 < lengths.size else -1
        neighbour = i - 1 if left >= right else i + 1
        labels[bounds[i] : bounds[i + 1]] = labels[bounds[neighbour]]


def _runs_to_turns(
    labels: npt.NDArray[np.int64], first: int, start_s: float, end_s: float
) -> list[SpeakerTurn]:
    import numpy as np

    change = np.flatnonzero(np.diff(labels)) + 1
    bounds = [0, *change.tolist(), labels.size]
    turns = []
    for a, b in itertools.pairwise(bounds):
        turn_start = start_s if a == 0 else (first + a) * FRAME_S
        turn_end = end_s if b == labels.size else (first + b) * FRAME_S
        turns.append(
            SpeakerTurn(round(turn_start, 3), round(turn_end, 3), f"SPEAKER_{int(labels[a]):02d}")
        )
    return turns


class BuiltinDiarizer:
    """`BuiltinDiarizer()(path)`: who spoke when, offline."""

    name = "builtin"

    def __init__(self, settings: BuiltinSettings | None = None) -> None:
        self.settings = settings or BuiltinSettings()

    def features(
        self, source: Path | npt.NDArray[np.float32], progress: Progress | None = None
    ) -> AudioFeatures:
        """Decode (for a path) and compute mel frames and speech regions."""
        from voiceshare.audio.decode import SAMPLE_RATE, check_not_silent, probe, stream_blocks

        if isinstance(source, Path):
            info = probe(source)
            expected = info.duration_s
            blocks: Iterable[npt.NDArray[np.float32]] = stream_blocks(
                source, self.settings.block_s, info=info
            )
            name = str(source)
        else:
            expected = source.size / SAMPLE_RATE
            step = int(self.settings.block_s * SAMPLE_RATE)
            blocks = (source[i : i + step] for i in range(0, max(source.size, 1), step))
            name = "the recording"
        features = extract_features(blocks, expected, self.settings, progress)
        check_not_silent(Path(name), features.peak)
        return features

    def __call__(
        self,
        source: Path | npt.NDArray[np.float32],
        *,
        num_speakers: int | None = None,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
        progress: Progress | None = None,
    ) -> Diarization:
        diarization, _ = self.diarize_with_features(
            source,
            num_speakers=num_speakers,
            min_speakers=min_speakers,
            max_speakers=max_speakers,
            progress=progress,
        )
        return diarization

    def diarize_with_features(
        self,
        source: Path | npt.NDArray[np.float32],
        *,
        num_speakers: int | None = None,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
        progress: Progress | None = None,
    ) -> tuple[Diarization, AudioFeatures]:
        check_speaker_counts(num_speakers, min_speakers, max_speakers)

        def stage(low: float, high: float) -> Progress | None:
            if progress is None:
                return None
            return lambda fraction: progress(low + (high - low) * fraction)

        features = self.features(source, stage(0.0, 0.6))
        if not features.regions:
            raise AudioError(f"{_name(source)}: no speech was found in the recording.")
        embed_windows(features, self.settings, stage(0.6, 0.8))
        assert features.embeddings is not None
        if features.embeddings.shape[0] == 0:
            turns = [SpeakerTurn(s, e, "SPEAKER_00") for s, e in features.regions]
        else:
            labels = cluster(
                features.embeddings, self.settings, num_speakers, min_speakers, max_speakers
            )
            settings = self.settings
            fine = place_windows(
                features,
                settings.reseg_window_frames,
                settings.reseg_hop_frames,
                settings.min_region_frames,
            )
            turns = label_frames(
                features,
                centroids(features.embeddings, labels),
                fine,
                embed(features, fine, stage(0.8, 0.98)),
                settings,
            )
        turns = renumber_speakers(turns)
        if progress:
            progress(1.0)
        diarization = Diarization.from_turns(
            turns, features.duration_s, self.name, overlap_detected=False
        )
        return diarization, features


def _name(source: Path | object) -> str:
    return str(source) if isinstance(source, Path) else "The recording"
