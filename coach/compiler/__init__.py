"""The compiler: a routine and how long each phrase takes -> one timeline of cues (pure)."""
