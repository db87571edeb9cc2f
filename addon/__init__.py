"""Muscle Twitch Guide as an Alexa+ add-on: an MCP server (docs/alexa-plus.md)."""
