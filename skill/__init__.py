"""Muscle Twitch Guide's Alexa side: request handling on ask-sdk-core, hosting on Lambda and Flask."""
