"""Audio: clips, the one renderer every sink plays, cue sounds, the sound device and the encoder."""
