"""rawnet.internal.poll mirrors Go's src/internal/poll: the FD type, its fdMutex and its
bridge to the runtime poller."""
