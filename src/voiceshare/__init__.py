"""voiceshare: an honest mirror of who gets heard in meetings."""

__version__ = "0.1.0"
