"""Hearing the answer offline: espeak-ng renders the skill's SSML, pauses and all.

Alexa's voice cannot run locally; espeak-ng (a Debian package) reads SSML with `-m` and honours
<break>, so the developer hears the answer's rhythm and length. It plays through aplay when
that is installed, and otherwise writes a numbered WAV file to play elsewhere.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

INSTALL_HINT = (
    "--speak needs espeak-ng, which is not installed. On Debian or Ubuntu: "
    "sudo apt-get install espeak-ng (add alsa-utils for aplay to play it aloud)."
)
VOICES = {"en-US": "en-us", "en-CA": "en-us"}
"""espeak-ng voice per locale; the others speak British English, the nearest it has."""
DEFAULT_VOICE = "en-gb"
TIMEOUT_SECONDS = 60


class Speaker:
    def __init__(self, locale: str, folder: Path | None = None) -> None:
        self.espeak = shutil.which("espeak-ng")
        self.aplay = shutil.which("aplay")
        self.voice = VOICES.get(locale, DEFAULT_VOICE)
        self.folder = folder or Path.cwd()
        self.count = 0

    @property
    def available(self) -> bool:
        return self.espeak is not None

    def say(self, ssml: str) -> str:
        """Play `ssml`, or write it to a WAV when it cannot be played here; returns a line
        telling the developer which."""
        if self.espeak is None:
            return INSTALL_HINT
        try:
            if self.aplay is not None and self._play(ssml):
                return "(played with aplay)"
            return f"(audio written to {self._write(ssml)})"
        except (OSError, subprocess.SubprocessError) as error:
            return f"(could not render speech: {type(error).__name__})"

    def _play(self, ssml: str) -> bool:
        """False when aplay fails (no sound card, say), so the caller writes a file instead."""
        audio = self._espeak("--stdout", ssml)
        played = subprocess.run(
            [str(self.aplay), "-q"], input=audio, capture_output=True, timeout=TIMEOUT_SECONDS
        )
        return played.returncode == 0

    def _write(self, ssml: str) -> Path:
        self.count += 1
        wav = self.folder / f"alexa-reply-{self.count}.wav"
        self._espeak("-w", str(wav), ssml)
        return wav

    def _espeak(self, *arguments: str) -> bytes:
        command = [str(self.espeak), "-m", "-v", self.voice, *arguments]
        return subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT_SECONDS).stdout
