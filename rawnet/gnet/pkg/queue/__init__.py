"""gnet's task queues (gnet v2.10.0: pkg/queue/): what other threads hand an event loop."""
