"""The optimizer base class: parameter groups, per-parameter state, validation, ``state_dict``.

Everything here is plumbing shared by every update rule, written once, so that each
optimizer subclass only states its own mathematics in ``_update`` (PyTorch's
``torch.optim.Optimizer`` without its foreach/fused/capturable machinery).

Parameters are float NumPy arrays that the optimizer updates **in place**, so a model
that holds the same arrays sees the new values without copying. Because there is no
autograd, :meth:`Optimizer.step` takes the gradients explicitly, one per parameter, in
the order the parameters were given::

    theta = np.array([1.0, 1.0])
    opt = SGD([theta], lr=0.1)
    opt.step([grad(theta)])          # in PyTorch: loss.backward(); opt.step()
"""

from __future__ import annotations

import copy
import math
import numbers
from collections.abc import Iterable, Iterator, MutableMapping
from typing import Any

import numpy as np

__all__ = ["Optimizer", "ParamState"]


class ParamState(MutableMapping):
    """Per-parameter optimizer state, looked up by the parameter array itself.

    PyTorch keys ``optimizer.state`` by the parameter tensor. NumPy arrays are not
    hashable, so this mapping keys by identity instead: ``opt.state[w]`` is the state
    dict of the array ``w`` (the very object, not an equal copy). Iterating yields the
    parameters that have state, as in PyTorch.
    """

    def __init__(self) -> None:
        self._params: dict[int, np.ndarray] = {}
        self._states: dict[int, dict[str, Any]] = {}

    def __getitem__(self, param: np.ndarray) -> dict[str, Any]:
        return self._states[id(param)]

    def __setitem__(self, param: np.ndarray, state: dict[str, Any]) -> None:
        self._params[id(param)] = param
        self._states[id(param)] = state

    def __delitem__(self, param: np.ndarray) -> None:
        del self._states[id(param)]
        del self._params[id(param)]

    def __contains__(self, param: object) -> bool:
        return id(param) in self._states

    def get(self, param: object, default: Any = None) -> Any:
        # Faster than Mapping.get (no exception on a miss): step() calls it per parameter.
        return self._states.get(id(param), default)

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter(list(self._params.values()))

    def __len__(self) -> int:
        return len(self._states)

    def __repr__(self) -> str:
        return f"ParamState({len(self)} parameters with state)"


_UNORDERED = (
    "optimizer parameters need to be organized in ordered collections, but the ordering "
    "of tensors in sets will change between runs. Please use a list instead."
)


def _describe(value: object) -> str:
    """A short description of a value's type for error messages."""
    if isinstance(value, np.ndarray):
        return f"a {value.dtype} array of shape {value.shape}"
    return f"a {type(value).__name__}"


# Elements per block when a large parameter is updated block by block: the rule's
# operands and temporaries (a dozen arrays of 512 KiB) then stay in the L2/L3 caches
# instead of streaming through memory once per operation; measured in benchmarks/.
_BLOCK_SIZE = 65536


def _is_shaped_like(value: Any, param: np.ndarray) -> bool:
    return isinstance(value, np.ndarray) and value.shape == param.shape


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


class Optimizer:
    """Base class of all optimizers; mirrors ``torch.optim.Optimizer``.

    Parameters
    ----------
    params : iterable of numpy.ndarray or iterable of dict
        The float arrays to optimize, or parameter groups: dicts with a ``"params"``
        list and any hyper-parameters that override ``defaults`` for that group, e.g.
        ``[{"params": [w1]}, {"params": [w2], "lr": 1e-3}]``.
    defaults : dict
        Default hyper-parameters, used by groups that do not set their own.

    Attributes
    ----------
    param_groups : list of dict
        One dict per group: ``"params"`` and every hyper-parameter. Schedulers change
        ``group["lr"]`` here.
    state : ParamState
        Per-parameter state (moment estimates, step counters), keyed by the array.
    defaults : dict

    Notes
    -----
    Subclasses implement two small methods, which receive the parameter's group as
    keyword arguments (its hyper-parameters, and ``params``, which they ignore):

    ``_init_state(param, **group)``
        the state of a parameter before its first step (a dict);
    ``_update(param, grad, state, **group)``
        the update rule: change ``param`` and ``state`` in place, elementwise.

    and list their hyper-parameter checks in ``_check_hyperparameters``. ``step`` does
    everything else: checking the gradients, negating them for ``maximize``, skipping
    ``None`` gradients (PyTorch skips parameters whose ``.grad`` is None), looping over
    the groups, and applying the rule to large arrays block by block so that it runs in
    cache (see ``_update_blockwise``).

    Gradients that contain NaN or inf are not rejected: like PyTorch, the update
    propagates them into the parameters. Divergence is detected by the training
    helpers, which watch the loss.
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self.state = ParamState()
        self.param_groups: list[dict[str, Any]] = []
        # Calls of step() so far: a scheduler stepped before the optimizer ever was warns,
        # as PyTorch does (the usual mistake of calling them in the wrong order).
        self._steps_taken = 0
        self._check_hyperparameters(**defaults)

        if isinstance(params, np.ndarray) or not isinstance(params, Iterable):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of arrays "
                f"or dicts, but got {_describe(params)}; wrap a single array in a list: "
                "[theta]"
            )
        if isinstance(params, set):
            raise TypeError(_UNORDERED)
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    # ----------------------------------------------------------------- to override
    def _check_hyperparameters(self, **hyper: Any) -> None:
        """Raise ``ValueError`` (PyTorch's message) for an invalid hyper-parameter."""

    def _init_state(self, param: np.ndarray, **hyper: Any) -> dict[str, Any]:
        """The state of ``param`` before its first step."""
        return {}

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any],
                **hyper: Any) -> None:
        """Apply one step of the update rule to ``param`` (in place)."""
        raise NotImplementedError

    # ----------------------------------------------------------------- the groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a parameter group (as ``torch.optim.Optimizer.add_param_group``).

        Useful to start optimizing more arrays during training, e.g. a layer that
        was frozen. Missing hyper-parameters are taken from ``defaults``.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        if "params" not in param_group:
            raise ValueError('a parameter group needs a "params" entry')
        params = param_group["params"]
        if isinstance(params, np.ndarray):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(_UNORDERED)
        params = list(params)

        first_index = sum(len(group["params"]) for group in self.param_groups)
        for offset, param in enumerate(params):
            index = first_index + offset
            if not isinstance(param, np.ndarray):
                raise TypeError(
                    f"optimizer can only optimize NumPy arrays, but parameter {index} is "
                    f"{_describe(param)}"
                )
            if param.dtype.kind != "f":
                raise TypeError(
                    f"optimizer can only optimize floating-point arrays (updated in "
                    f"place), but parameter {index} is {_describe(param)}; create it "
                    "with dtype=float"
                )
            if not param.flags.writeable:
                raise ValueError(
                    f"parameter {index} is a read-only array; the optimizer updates "
                    "parameters in place"
                )
        if len({id(p) for p in params}) != len(params):
            raise ValueError("optimizer contains a parameter group with duplicate parameters")
        existing = {id(p) for group in self.param_groups for p in group["params"]}
        if any(id(p) in existing for p in params):
            raise ValueError("some parameters appear in more than one parameter group")

        group = dict(param_group)
        group["params"] = params
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        self._check_hyperparameters(**self._hyperparameters(group))
        self.param_groups.append(group)

    @staticmethod
    def _hyperparameters(group: dict[str, Any]) -> dict[str, Any]:
        return {name: value for name, value in group.items() if name != "params"}

    def _params(self) -> list[np.ndarray]:
        return [p for group in self.param_groups for p in group["params"]]

    # ----------------------------------------------------------------- the step
    def _checked_gradients(self, grads: Any) -> list[np.ndarray | None]:
        params = self._params()
        if isinstance(grads, np.ndarray):
            # One array for one parameter: the common 2-D landscape case.
            grads = [grads]
        elif not isinstance(grads, (list, tuple)):
            raise TypeError(
                "step() takes a list of gradients, one per parameter, but got "
                f"{_describe(grads)}"
            )
        if len(grads) != len(params):
            raise ValueError(
                f"step() expected {len(params)} gradient{'s' if len(params) != 1 else ''} "
                f"(one per parameter, in the order the parameters were given), but got "
                f"{len(grads)}"
            )
        checked: list[np.ndarray | None] = []
        for index, (param, grad) in enumerate(zip(params, grads)):
            if grad is not None:
                if type(grad) is not np.ndarray:
                    grad = np.asarray(grad)
                if grad.dtype.kind not in "fiu":
                    raise TypeError(
                        f"gradient {index} must be a real-valued array, but is "
                        f"{_describe(grad)}"
                    )
                if grad.shape != param.shape:
                    raise ValueError(
                        f"gradient {index} has shape {grad.shape}, but parameter {index} "
                        f"has shape {param.shape}"
                    )
            checked.append(grad)
        return checked

    def step(self, grads: Any) -> None:
        """Update every parameter in place from its gradient.

        Parameters
        ----------
        grads : list of numpy.ndarray or None
            One gradient per parameter, in the order of the parameters across the
            groups; ``None`` skips that parameter (no update, no state change). A
            single array is accepted when there is exactly one parameter.
        """
        grads = self._checked_gradients(grads)
        self._steps_taken += 1
        # An inf or huge gradient overflows inside the rule; like PyTorch, the result
        # (inf/NaN in the same places as torch's) is the report, not a NumPy warning
        # pointing at this file. Divergence is reported in words by the training helpers.
        with np.errstate(all="ignore"):
            self._step(grads)

    def _step(self, grads: list[np.ndarray | None]) -> None:
        states = self.state
        index = 0
        for group in self.param_groups:
            maximize = group.get("maximize", False)
            for param in group["params"]:
                grad = grads[index]
                index += 1
                if grad is None:
                    continue
                if maximize:
                    grad = -grad
                state = states.get(param)
                if state is None:
                    state = self._init_state(param, **group)
                    states[param] = state
                # The rules take the group as keywords and ignore "params" (via **_).
                if param.size > _BLOCK_SIZE and param.flags.c_contiguous:
                    self._update_blockwise(param, grad, state, group)
                else:
                    self._update(param, grad, state, **group)

    def _update_blockwise(self, param: np.ndarray, grad: np.ndarray,
                          state: dict[str, Any], group: dict[str, Any]) -> None:
        """Apply ``_update`` to one block of a large parameter at a time.

        Every update rule is elementwise, so applying it block by block gives bitwise
        the same result; but each NumPy operation of the rule then works on arrays that
        fit in the CPU cache, instead of streaming the whole parameter through memory
        once per operation. Each block sees the state as it was before the step:
        scalars (the step counter) are advanced in every block alike and stored once,
        and a buffer the rule creates on its first step (SGD's momentum buffer) is
        assembled from the blocks before it joins the state.
        """
        for key, value in state.items():
            # A buffer in another memory order (loaded, or set by hand) would be
            # reshaped into a *copy*, and the blocks' updates to it would be lost: give
            # it the parameter's layout first (once; it keeps that layout afterwards).
            if _is_shaped_like(value, param) and not value.flags.c_contiguous:
                state[key] = np.ascontiguousarray(value)
        flat_param = param.reshape(-1)
        flat_grad = np.ascontiguousarray(grad).reshape(-1)
        flat_state = {
            key: value.reshape(-1) if _is_shaped_like(value, param) else value
            for key, value in state.items()
        }
        created: dict[str, np.ndarray] = {}
        for start in range(0, flat_param.size, _BLOCK_SIZE):
            block = slice(start, start + _BLOCK_SIZE)
            block_state = {
                key: value[block] if _is_shaped_like(state[key], param) else value
                for key, value in flat_state.items()
            }
            self._update(flat_param[block], flat_grad[block], block_state, **group)
            for key, value in block_state.items():
                if key not in state:
                    created.setdefault(key, np.empty_like(param)).reshape(-1)[block] = value
        for key, value in block_state.items():
            if key in created:
                state[key] = created[key]
            elif not _is_shaped_like(state[key], param):
                state[key] = value

    # ----------------------------------------------------------------- saving
    def state_dict(self) -> dict[str, Any]:
        """Return the optimizer's state as a dict, in PyTorch's layout.

        ``{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}``,
        where parameters are numbered in order across the groups. Unlike PyTorch, the
        returned arrays are copies: the saved state does not change when training
        continues.
        """
        index_of = {id(p): i for i, p in enumerate(self._params())}
        packed_state = {
            index_of[id(param)]: copy.deepcopy(state) for param, state in self.state.items()
        }
        packed_groups = []
        for group in self.param_groups:
            packed = copy.deepcopy(self._hyperparameters(group))
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            packed_groups.append(packed)
        return {"state": packed_state, "param_groups": packed_groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a state saved by :meth:`state_dict` (of an optimizer of the same layout).

        Continuing after ``load_state_dict`` gives the same trajectory as never having
        stopped. The loaded arrays are copied and take their parameter's dtype and memory
        layout. Everything is checked first: if any part is invalid, nothing is loaded.
        """
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size "
                "of optimizer's group"
            )
        param_of = {
            saved_index: param
            for saved, group in zip(saved_groups, groups)
            for saved_index, param in zip(saved["params"], group["params"])
        }
        new_state = ParamState()
        for saved_index, saved_state in state_dict["state"].items():
            if saved_index not in param_of:
                continue
            param = param_of[saved_index]
            new_state[param] = {
                key: self._cast_like(param, key, value, saved_index)
                for key, value in saved_state.items()
            }
        # Validate every group before changing any: a bad later group must not leave the
        # earlier ones already overwritten (the optimizer stays as it was).
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            self._check_hyperparameters(**self._hyperparameters(saved))
        for group, saved in zip(groups, saved_groups):
            group.clear()
            group.update(saved)
        self.state = new_state

    @staticmethod
    def _cast_like(param: np.ndarray, key: str, value: Any, index: int) -> Any:
        if not isinstance(value, np.ndarray):
            return copy.deepcopy(value)
        if value.shape != param.shape:
            raise ValueError(
                f"loaded state {key!r} of parameter {index} has shape {value.shape}, but "
                f"the parameter has shape {param.shape}"
            )
        # The parameter's dtype and memory layout (a copy either way), so that the state
        # is updated exactly as a state the optimizer created itself.
        loaded = np.empty_like(param)
        loaded[...] = value
        return loaded

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for name in sorted(self._hyperparameters(group)):
                lines.append(f"    {name}: {group[name]}")
        lines.append(")")
        return "\n".join(lines)


# ----------------------------------------------------------------- validation helpers
def _require_real(name: str, value: Any) -> None:
    if not _is_real(value):
        raise TypeError(f"{name} must be a real number, but got {value!r}")


def _check_lr(lr: Any) -> None:
    _require_real("lr", lr)
    if not 0.0 <= lr < math.inf:
        raise ValueError(f"Invalid learning rate: {lr}")


def _check_nonnegative(name: str, value: Any, message: str) -> None:
    """``0 <= value < inf``, else ``ValueError(message)``; NaN is rejected too."""
    _require_real(name, value)
    if not 0.0 <= value < math.inf:
        raise ValueError(message)


def _check_adam_hyperparameters(lr: Any, betas: Any, eps: Any, weight_decay: Any) -> None:
    """The checks shared by Adam, AdamW and NAdam, in PyTorch's order."""
    _check_lr(lr)
    _check_nonnegative("eps", eps, f"Invalid epsilon value: {eps}")
    _check_betas(betas)
    _check_nonnegative("weight_decay", weight_decay,
                       f"Invalid weight_decay value: {weight_decay}")


def _check_betas(betas: Any) -> None:
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2), but got {betas!r}")
    for i, beta in enumerate(betas):
        _require_real(f"betas[{i}]", beta)
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
