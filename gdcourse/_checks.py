"""Argument checks shared by several modules."""

from __future__ import annotations

import numpy as np


def require_generator(rng: object, hint: str = "") -> np.random.Generator:
    """Return ``rng`` if it is a :class:`numpy.random.Generator`, else raise TypeError.

    Randomness in gdcourse always goes through an explicit Generator, so that a seeded
    notebook prints the same numbers on every run. The legacy ``np.random.RandomState``
    and integer seeds are refused here, with the fix in the message, rather than failing
    later deep inside a sampler (or, for a seed, silently repeating the same shuffle).
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            "rng must be a numpy.random.Generator, e.g. rng=np.random.default_rng(0)"
            f"{hint}; got {type(rng).__name__}"
        )
    return rng
