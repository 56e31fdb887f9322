"""Ringback's speech-to-text worker: Whisper (faster-whisper) for files and live voicemails."""
