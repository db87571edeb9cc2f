"""Alexa's part, played offline: understanding an utterance (resolver) and sending the request
envelope it would send (simulator)."""
