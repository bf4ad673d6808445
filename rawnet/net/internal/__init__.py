"""rawnet.net.internal: packages only the net package's tests use (Go: src/net/internal).

* :mod:`.socktest`: fault injection at the syscall gate (Go: net/internal/socktest).
"""
