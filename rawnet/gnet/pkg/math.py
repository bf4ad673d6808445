"""Power-of-two helpers (gnet v2.10.0: pkg/math/math.go).

Only what the buffers use. Go guards against an ``int`` overflowing its top bit;
Python's ints do not overflow, so that panic has no counterpart here.
"""

from __future__ import annotations


# gnet: pkg/math/math.go CeilToPowerOfTwo
def CeilToPowerOfTwo(n: int) -> int:
    """n if it is a power of two, else the next power of two above it; 2 at least.

    ``(n - 1).bit_length()`` is Go's ``bits.Len(uint(n-1))``: the number of bits needed
    to write n - 1, so ``1 << it`` is the smallest power of two that is >= n.
    """
    if n <= 2:
        return 2
    return 1 << (n - 1).bit_length()
