"""rawnet.bsd: the kqueue netpoll backend (BSD and macOS); see issue 4."""
