"""Tagged pointers (Go: src/runtime/tagptr.go, tagptr_64bit.go).

Go hands the kernel ``(pd << 16) | (fdseq & (1<<19 - 1))`` as the epoll cookie, so that
an event for a pollDesc that has since been freed and reused (same address, new
sequence number) can be recognised and dropped. Python has no stable addresses to
give the kernel; a pollDesc is instead identified by its index in the poll cache's
table, which lives as long as the process, like Go's persistent allocation. The
packing and the 19-bit tag are Go's.
"""

from __future__ import annotations

from typing import Final

taggedPointerBits: Final = 19  # on 64-bit Go: 64 - 48 address bits + 3 alignment bits
tagMask: Final = (1 << taggedPointerBits) - 1


# Go: src/runtime/tagptr_64bit.go taggedPointerPack
def taggedPointerPack(ptr: int, tag: int) -> int:
    return (ptr << taggedPointerBits) | (tag & tagMask)


# Go: src/runtime/tagptr_64bit.go taggedPointer.pointer
def pointer(tp: int) -> int:
    return tp >> taggedPointerBits


# Go: src/runtime/tagptr_64bit.go taggedPointer.tag
def tag(tp: int) -> int:
    return tp & tagMask
