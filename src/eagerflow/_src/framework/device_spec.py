"""Device specifications (`tf.DeviceSpec`): parsing, merging and canonical device names.

A device string names up to five components, each optional:
`/job:<name>/replica:<int>/task:<int>/device:<type>:<int-or-*>`. The short forms
TensorFlow accepts (`CPU:1`, `/gpu:0`, `GPU:*`) parse to the same components.
"""
from __future__ import annotations

import functools
from typing import Any

__all__ = ["DeviceSpec", "DeviceSpecV2", "canonical_name"]

# TF also adds the types of registered pluggable devices; eagerflow has none.
_VALID_DEVICE_TYPES = frozenset({"CPU", "GPU", "TPU", "CUSTOM", "EPU"})

_Components = tuple[Any, Any, Any, Any, Any]


def _as_str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _as_int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def _as_device_str_or_none(device_type: Any) -> str | None:
    # TF upper-cases exactly "cpu" and "gpu"; "Gpu" or "tpu" are kept as given.
    if device_type in ("cpu", "gpu"):
        return device_type.upper()
    return _as_str_or_none(device_type)


@functools.lru_cache(maxsize=4096)
def _string_to_components(spec: Any) -> _Components:
    """Splits a device string into raw (job, replica, task, device_type, device_index).

    Replica and task stay strings here; the `DeviceSpecV2` constructor converts
    them, so `"/replica:x"` fails there with `int()`'s ValueError, as in TF.
    """
    job = replica = task = device_type = device_index = None
    spec = spec or ""
    for parts in (segment.split(":") for segment in spec.split("/")):
        head, count = parts[0], len(parts)
        if count == 2 and head == "job":
            job = parts[1]
        elif count == 2 and head == "replica":
            replica = parts[1]
        elif count == 2 and head == "task":
            task = parts[1]
        elif count <= 2 and head.upper() in _VALID_DEVICE_TYPES:
            if device_type is not None:
                raise ValueError(f"Multiple device types are not allowed "
                                 f"while parsing the device spec: {spec}.")
            device_type = head.upper()
            if count == 2 and parts[1] != "*":
                device_index = int(parts[1])
        elif count == 3 and head == "device":
            if device_type is not None:
                raise ValueError(f"Multiple device types are not allowed "
                                 f"while parsing the device spec: {spec}.")
            device_type = parts[1]
            if parts[2] != "*":
                device_index = int(parts[2])
        elif head != "":
            # TF skips any segment that starts with ':' (e.g. '/:x:y') silently.
            raise ValueError(f"Unknown attribute '{head}' is encountered "
                             f"while parsing the device spec: '{spec}'.")
    return job, replica, task, device_type, device_index


@functools.lru_cache(maxsize=4096)
def _components_to_string(job: str | None, replica: int | None, task: int | None,
                          device_type: str | None, device_index: int | None) -> str:
    output = []
    if job is not None:
        output.append("/job:" + job)
    if replica is not None:
        output.append("/replica:" + str(replica))
    if task is not None:
        output.append("/task:" + str(task))
    if device_type is not None:
        index = "*" if device_index is None else str(device_index)
        output.append(f"/device:{device_type}:{index}")
    return "".join(output)


class DeviceSpecV2:
    """Represents a (possibly partial) specification for a TensorFlow device.

    A `DeviceSpec` has five optional components: job name, replica index, task
    index, device type (e.g. "CPU" or "GPU") and device index. A missing device
    index means "any index" and prints as `*`. Specs are immutable; use
    `replace` and `make_merged_spec` to derive new ones.
    """

    # Named DeviceSpecV2 as in TF, so messages such as "DeviceSpecV2.__init__() got an
    # unexpected keyword argument" read the same; `DeviceSpec` is the public alias.
    __slots__ = ("_job", "_replica", "_task", "_device_type", "_device_index",
                 "_as_string", "_hash")

    def __init__(self, job: Any = None, replica: Any = None, task: Any = None,
                 device_type: Any = None, device_index: Any = None):
        """Creates a new `DeviceSpec`.

        Args:
          job: string. Optional job name (converted with `str`).
          replica: int. Optional replica index (converted with `int`).
          task: int. Optional task index (converted with `int`).
          device_type: Optional device type string; "cpu" and "gpu" are upper-cased.
          device_index: int. Optional device index; `None` means any index.

        Raises:
          ValueError: if replica, task or device_index cannot be converted to int.
        """
        self._job = _as_str_or_none(job)
        self._replica = _as_int_or_none(replica)
        self._task = _as_int_or_none(task)
        self._device_type = _as_device_str_or_none(device_type)
        self._device_index = _as_int_or_none(device_index)
        self._as_string = _components_to_string(self._job, self._replica, self._task,
                                                self._device_type, self._device_index)
        self._hash = hash(self._as_string)

    @classmethod
    def from_string(cls, spec: str | None) -> DeviceSpecV2:
        """Constructs a `DeviceSpec` from a string.

        Args:
          spec: a string of the form `/job:<name>/replica:<id>/task:<id>/device:<type>:<id>`
            or a short form such as `CPU:0`, `/gpu:1` or `GPU:*`. All entries are
            optional; `None` and `""` give the empty spec.

        Returns:
          A `DeviceSpec`.

        Raises:
          ValueError: if the spec was not valid.
        """
        return cls(*_string_to_components(spec))

    def parse_from_string(self, spec: str | None) -> DeviceSpecV2:
        """Returns the `DeviceSpec` parsed from `spec`; `self` is left unchanged (TF 2.x)."""
        return self.from_string(spec)

    def make_merged_spec(self, dev: DeviceSpecV2) -> DeviceSpecV2:
        """Returns a new `DeviceSpec` combining `self` and `dev`; fields set in `dev` win.

        Args:
          dev: a `DeviceSpec`.

        Returns:
          A new `DeviceSpec`.
        """
        return self.__class__(
            dev.job if dev.job is not None else self.job,
            dev.replica if dev.replica is not None else self.replica,
            dev.task if dev.task is not None else self.task,
            dev.device_type if dev.device_type is not None else self.device_type,
            dev.device_index if dev.device_index is not None else self.device_index,
        )

    def replace(self, **kwargs: Any) -> DeviceSpecV2:
        """Returns a new `DeviceSpec` with the fields given in `kwargs` overridden.

        Args:
          **kwargs: the constructor's arguments; `None` clears a field.

        Returns:
          A new `DeviceSpec`.
        """
        init_kwargs = dict(job=self.job, replica=self.replica, task=self.task,
                           device_type=self.device_type, device_index=self.device_index)
        init_kwargs.update(kwargs)
        return self.__class__(**init_kwargs)

    def to_string(self) -> str:
        """Returns the string form of this spec, leaving out unset components.

        Returns:
          a string of the form `/job:<name>/replica:<id>/task:<id>/device:<type>:<id>`.
        """
        return self._as_string

    @property
    def job(self) -> str | None:
        return self._job

    @property
    def replica(self) -> int | None:
        return self._replica

    @property
    def task(self) -> int | None:
        return self._task

    @property
    def device_type(self) -> str | None:
        return self._device_type

    @property
    def device_index(self) -> int | None:
        return self._device_index

    def __eq__(self, other: object) -> bool:
        # TF returns False (not NotImplemented) for non-specs, strings included.
        return isinstance(other, self.__class__) and self._as_string == other.to_string()

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return (f"<DeviceSpec(job={self.job}, replica={self.replica}, task={self.task}, "
                f"device_type={self.device_type}, device_index={self.device_index})>")


DeviceSpec = DeviceSpecV2


def canonical_name(device: DeviceSpecV2 | str | None, job: str = "localhost",
                   replica: int = 0, task: int = 0, device_type: str = "CPU",
                   device_index: int = 0) -> str:
    """Returns the full device name an eager tensor reports for `device`.

    Fields missing from `device` are filled from the defaults, the way TF's eager
    `tf.device` merges a spec into the context's first device: `"GPU:*"` gives
    `/job:localhost/replica:0/task:0/device:GPU:0`, and `None` or `""` the default
    device `/job:localhost/replica:0/task:0/device:CPU:0`.

    Args:
      device: a `DeviceSpec`, a device string, or `None`.
      job, replica, task, device_type, device_index: the defaults for missing fields.

    Returns:
      The full device name string.

    Raises:
      ValueError: if `device` is not a valid device string.
    """
    return _canonical_name(device, job, replica, task, device_type, device_index)


@functools.lru_cache(maxsize=4096)
def _canonical_name(device: Any, job: str, replica: int, task: int, device_type: str,
                    device_index: int) -> str:
    spec = device if isinstance(device, DeviceSpecV2) else DeviceSpecV2.from_string(device)
    default = DeviceSpecV2(job, replica, task, device_type, device_index)
    return default.make_merged_spec(spec).to_string()
