"""Export: the rendered session written as MP3/WAV files with tags, lyrics and playlists."""
