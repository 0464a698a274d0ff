"""The upload service (`voiceshare serve`): a web page on the team's own server to upload a
recording or transcript after a meeting and read its report.

- `settings`: what the service is told (token, data folder, store, queue, upload limit).
- `jobs`: the analysis jobs on a Huey queue (SQLite in the data folder, or Redis), the
  in-process workers `serve` starts, and `python -m voiceshare.web.worker` for separate ones.
- `app`: the FastAPI application (pages, API, authentication, CSRF, security headers).
"""

from voiceshare.web.settings import Settings, load_settings

__all__ = ["Settings", "load_settings"]
