"""Bothy as a local model server for other apps: the OpenAI-compatible chat completions API over the
model Bothy has loaded, off by default, on 127.0.0.1 with an API key (server.py runs it, app.py is
the HTTP side, gate.py shares the one engine fairly, schema.py is the API's shapes)."""
