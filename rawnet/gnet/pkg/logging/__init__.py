"""gnet's logging interface (gnet v2.10.0: pkg/logging/)."""
