"""Live: a session played on the sound device (or printed as text) with keys."""
