"""Start-up checks: every shipped protocol pack must load and validate."""
