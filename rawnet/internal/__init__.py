"""rawnet.internal: packages that mirror Go's internal/ tree (internal/poll)."""
