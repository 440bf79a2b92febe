"""The captures part of the REST API (/api/captures/...)."""
