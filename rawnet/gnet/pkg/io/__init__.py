"""gnet's vectored I/O (gnet v2.10.0: pkg/io/)."""
