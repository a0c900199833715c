"""The one infrastructure place: settings, the business clock, keys and cipher, the event
store's recorders, the read-model engine and the idempotency store. Every layer may read it;
it reads no layer but the domain's error types."""
