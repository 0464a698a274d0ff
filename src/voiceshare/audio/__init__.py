"""Recordings in: decoding (FFmpeg), diarization (built-in or pyannote.audio), optional
transcription (Whisper through transformers), and the meeting those produce.

Nothing here imports numpy, torch or pyannote at import time; each backend imports what it needs
inside the function that needs it and names the extra to install when it is missing."""

from voiceshare.audio.turns import Diarization, SpeakerTurn

__all__ = ["Diarization", "SpeakerTurn"]
