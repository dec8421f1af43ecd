"""`tf.train.ClusterSpec`: the jobs of a cluster and their tasks' addresses."""
from __future__ import annotations

from typing import Any


class ClusterSpec:
    """A cluster as jobs -> tasks: each job a list of addresses (task i at index i) or a dict
    from task index to address (`tf.train.ClusterSpec`)."""

    def __init__(self, cluster: Any) -> None:
        if isinstance(cluster, ClusterSpec):
            cluster = cluster.as_dict()
        if not isinstance(cluster, dict):
            raise TypeError("`cluster` must be a dictionary mapping one or more job names to (i) a "
                            "list of task addresses, or (ii) a dictionary mapping task indices to "
                            f"addresses. Received cluster={cluster} of type {type(cluster).__name__}.")
        self._spec: dict[str, dict[int, str]] = {}
        for job, tasks in cluster.items():
            if isinstance(tasks, (list, tuple)):
                self._spec[job] = dict(enumerate(tasks))
            elif isinstance(tasks, dict):
                self._spec[job] = {int(i): address for i, address in tasks.items()}
            else:
                raise TypeError(f"The tasks for job {job!r} must be a list or a dictionary from "
                                f"integers to strings. Received {tasks!r}.")
        self._dense = {job: sorted(tasks) == list(range(len(tasks))) for job, tasks in self._spec.items()}

    def __bool__(self) -> bool:
        return bool(self._spec)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, ClusterSpec) and self._spec == other._spec

    def __ne__(self, other: Any) -> bool:
        return not self == other

    def __str__(self) -> str:
        return f"ClusterSpec({dict(sorted(self.as_dict().items()))})"

    __repr__ = __str__

    def as_dict(self) -> dict[str, Any]:
        """Job -> list of addresses (dense task indices) or dict index -> address."""
        return {job: [tasks[i] for i in sorted(tasks)] if self._dense[job] else dict(tasks)
                for job, tasks in self._spec.items()}

    @property
    def jobs(self) -> list[str]:
        """The job names, in the order given."""
        return list(self._spec)

    def _tasks(self, job_name: str) -> dict[int, str]:
        try:
            return self._spec[job_name]
        except KeyError:
            raise ValueError(f"No such job in cluster: {job_name!r}") from None

    def num_tasks(self, job_name: str) -> int:
        """The number of tasks in `job_name`."""
        return len(self._tasks(job_name))

    def task_indices(self, job_name: str) -> list[int]:
        """The task indices of `job_name`, sorted."""
        return sorted(self._tasks(job_name))

    def task_address(self, job_name: str, task_index: int) -> str:
        """The address of task `task_index` of `job_name`."""
        tasks = self._tasks(job_name)
        try:
            return tasks[task_index]
        except KeyError:
            raise ValueError(f"No task with index {task_index} in job {job_name!r}") from None

    def job_tasks(self, job_name: str) -> list[Any]:
        """Addresses of `job_name`'s tasks by index, None where an index has no task."""
        tasks = self._tasks(job_name)
        return [tasks.get(i) for i in range(max(tasks) + 1)] if tasks else []
