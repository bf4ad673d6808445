"""rawnet: Go's native network model rebuilt from raw syscalls."""
