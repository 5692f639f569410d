"""Argument checks shared by several modules."""

from __future__ import annotations

import numpy as np


class _Missing:
    """The default of a required ``rng=``: lets the function say which call to write."""

    def __repr__(self) -> str:
        return "<required>"


MISSING: object = _Missing()


def require_generator(rng: object, hint: str = "", *, caller: str = "") -> np.random.Generator:
    """Return ``rng`` if it is a :class:`numpy.random.Generator`, else raise TypeError.

    Randomness in gdcourse always goes through an explicit Generator, so that a seeded
    notebook prints the same numbers on every run. The legacy ``np.random.RandomState``
    and integer seeds are refused here, with the fix in the message, rather than failing
    later deep inside a sampler (or, for a seed, silently repeating the same shuffle).
    """
    if rng is MISSING:
        raise TypeError(
            f"{caller}() needs a random generator: call it as "
            f"{caller}(..., rng=np.random.default_rng(0)). The seed (any integer) fixes the "
            "random choices, so every run gives the same numbers")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            "rng must be a numpy.random.Generator, e.g. rng=np.random.default_rng(0)"
            f"{hint}; got {type(rng).__name__}"
        )
    return rng
