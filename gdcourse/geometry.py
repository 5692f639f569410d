r"""The geometry the pictures need: where a path leaves its box, how clipping turns a gradient.

:func:`exit_point` and :func:`first_exit` find where a path leaves the plotting box (the
figures mark it there instead of drawing far outside). :func:`turn_angle_degrees` is the
angle between a gradient and its clipped version (clipping by norm keeps the direction,
by value turns it), and :func:`largest_value_clipping_turn` the largest such turn along
a path.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import real_number
from .landscapes import Landscape
from .optim import clip_grad_value_

__all__ = ["exit_point", "first_exit", "turn_angle_degrees", "largest_value_clipping_turn"]


def exit_point(inside: Any, outside: Any, bounds: Any) -> np.ndarray:
    """Where the segment from ``inside`` to ``outside`` crosses the edge of the box.

    Parameters
    ----------
    inside : array_like, shape (2,)
        A point in the box ``bounds = ((xmin, xmax), (ymin, ymax))``.
    outside : array_like, shape (2,)
        A point outside it. A coordinate that is not finite (an iterate that
        overflowed) gives no direction to follow: the other one decides, and with
        none left the result is ``inside``.

    Returns
    -------
    numpy.ndarray
        Shape ``(2,)``, on the edge of the box (``inside`` itself if no finite
        direction leads out).
    """
    inside = np.asarray(inside, dtype=float)
    outside = np.asarray(outside, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        direction = outside - inside
        fraction = 1.0
        for axis, (low, high) in enumerate(bounds):
            if not np.isfinite(outside[axis]) or direction[axis] == 0:
                continue
            for edge in (low, high):
                t = (edge - inside[axis]) / direction[axis]
                if 0 <= t < fraction:
                    fraction = t
        return inside + fraction * np.nan_to_num(direction, posinf=0.0, neginf=0.0)


def first_exit(path: Any, bounds: Any) -> tuple[int, np.ndarray] | None:
    """Where a path first leaves the box: ``(k, edge point)``, or None if it never does.

    Parameters
    ----------
    path : array_like, shape (n, 2)
        Points, e.g. :attr:`Trajectory.path`; a non-finite point counts as outside.
    bounds : ((float, float), (float, float))
        The box ``((xmin, xmax), (ymin, ymax))``, e.g. :attr:`Landscape.bounds`.

    Returns
    -------
    (int, numpy.ndarray) or None
        ``k`` is the index of the first point outside the box; the edge point is where
        the segment from point ``k - 1`` crosses the edge (:func:`exit_point`). A path
        that starts outside gives ``(0, path[0])``.
    """
    path = np.asarray(path, dtype=float)
    if path.ndim != 2 or path.shape[1] != 2:
        raise ValueError(f"path must have shape (n, 2), got {path.shape}")
    (xmin, xmax), (ymin, ymax) = bounds
    with np.errstate(invalid="ignore"):
        inside = ((path[:, 0] >= xmin) & (path[:, 0] <= xmax)
                  & (path[:, 1] >= ymin) & (path[:, 1] <= ymax))
    outside = np.flatnonzero(~inside)
    if not outside.size:
        return None
    k = int(outside[0])
    if k == 0:
        return 0, path[0].copy()
    return k, exit_point(path[k - 1], path[k], bounds)


def turn_angle_degrees(raw: Any, clipped: Any) -> float | np.ndarray:
    """The angle between a gradient and its clipped version, in degrees.

    Clipping by norm only shortens a gradient (angle 0); clipping by value clamps each
    component on its own and so can turn it.

    Parameters
    ----------
    raw, clipped : array_like, shape (..., d)
        Gradients along the last axis; leading axes are broadcast (one angle each).

    Returns
    -------
    float or numpy.ndarray
        In [0, 180]; 0 where either gradient is 0 or not finite. A float for 1-D
        input.
    """
    raw, clipped = np.asarray(raw, dtype=float), np.asarray(clipped, dtype=float)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        raw_norm = np.linalg.norm(raw, axis=-1, keepdims=True)
        clipped_norm = np.linalg.norm(clipped, axis=-1, keepdims=True)
        u, v = raw / raw_norm, clipped / clipped_norm
        # Kahan's form, 2 atan2(|u - v|, |u + v|): exact 0 for parallel vectors, where
        # arccos of a rounded cosine would give a millionth of a degree.
        angles = np.degrees(2.0 * np.arctan2(np.linalg.norm(u - v, axis=-1),
                                             np.linalg.norm(u + v, axis=-1)))
        norms = (raw_norm * clipped_norm)[..., 0]
        angles = np.where((norms > 0) & np.isfinite(norms), angles, 0.0)
    return float(angles) if angles.ndim == 0 else angles


def largest_value_clipping_turn(landscape: Landscape, path: Any,
                                clip_value: float) -> float:
    """How far clipping by value turns the exact gradient, at the worst point of a path.

    Parameters
    ----------
    landscape : Landscape
    path : array_like, shape (n, 2)
        The points whose gradients are clipped, e.g. the points of a run that a step
        was taken from (``run.path[:-1]``).
    clip_value : float
        The bound of :func:`~gdcourse.optim.clip_grad_value_`, >= 0.

    Returns
    -------
    float
        The largest :func:`turn_angle_degrees` over the points, in degrees; 0 for an
        empty path or where no component exceeds ``clip_value``.
    """
    clip_value = real_number("clip_value", clip_value, at_least=0.0)
    path = np.asarray(path, dtype=float).reshape(-1, 2)
    path = path[np.isfinite(path).all(axis=1)]  # a diverged run's last point has no gradient
    if not len(path):
        return 0.0
    raw = np.array([landscape.grad(point) for point in path])
    clipped = raw.copy()
    clip_grad_value_(clipped, clip_value)
    return float(np.max(turn_angle_degrees(raw, clipped)))
