"""The REST side of a service: problem+json, auth, health, metrics, tracing, pagination, ETags."""
