"""Muscle Twitch Guide's Alexa side: requests on ask-sdk-core, hosted on Lambda or Flask."""

from __future__ import annotations
