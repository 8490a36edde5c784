"""Reading component logs for one-line error messages."""

from pathlib import Path

# Words that mark the line explaining why a component died, checked from the end.
TELLING_WORDS = ("address already in use", "fatal", "error", "failed", "invalid")


def last_error_line(path, limit=300):
    """The most telling line of a component log, for a one-line error message."""
    try:
        lines = [l.strip() for l in Path(path).read_text(errors="replace").splitlines() if l.strip()]
    except OSError:
        return "(no log)"
    for line in reversed(lines[-200:]):
        low = line.lower()
        if any(k in low for k in TELLING_WORDS):
            return line[:limit]
    return lines[-1][:limit] if lines else "(empty log)"


def lines_containing(path, needle):
    """Stripped lines of a log that contain `needle` (none if the log is unreadable)."""
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return []
    return [l.strip() for l in text.splitlines() if needle in l]
