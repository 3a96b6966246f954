"""The programme: the walk history, the pain-gated progression, the plan and progress."""
