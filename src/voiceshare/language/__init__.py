"""Language analysis: what utterances say and how they end (text cues, dialog acts)."""
