"""FastAPI glue every service shares, by concern: `error_shape` (the one error body and its
handlers), `caller` (the bearer token, the actor, its grants, unit and role checks), `commands`
(the command body, Idempotency-Key and If-Match handling), `app` (the service app factory).
"""
