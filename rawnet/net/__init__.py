"""Package net (Go: src/net): addresses, errors, Dial, Listen, Conn and Listener."""
