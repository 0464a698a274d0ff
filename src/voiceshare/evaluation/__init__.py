"""Evaluation of voiceshare analyses against annotated corpora (gold labels)."""
