"""MirroredStrategy.run's replica context against TF 2.21 (run by `make compat`): turn order,
variables created inside `run`, shared values in all_reduce, re-entered scopes, `update` with
distributed arguments, and strategies over devices that do not exist (soft placement). The same
programs run here on eagerflow and in a TF subprocess; their printed results compare."""
import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

import eagerflow

pytestmark = pytest.mark.tensorflow

# Runs with `tf` bound to eagerflow or TensorFlow, three logical CPUs configured; prints JSON.
REPLICAS = textwrap.dedent('''
    def program(tf):
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1", "/cpu:2"])
        ctx = tf.distribute.get_replica_context
        rid = lambda: int(ctx().replica_id_in_sync_group)
        out = {}

        def local(value):
            return [v.numpy().tolist() for v in strategy.experimental_local_results(value)]

        def attempt(fn):
            try:
                return fn()
            except Exception as e:
                return [type(e).__name__, str(e)]

        order = []

        def turns():
            order.append(rid())
            ctx().all_reduce("SUM", tf.constant(1.0))
            order.append(rid())

        strategy.run(turns)
        out["order"] = order
        shared = tf.constant([1.0, 2.0])
        out["shared_sum"] = local(strategy.run(lambda: ctx().all_reduce("SUM", shared)))
        out["shared_mean"] = local(strategy.run(lambda: ctx().all_reduce("MEAN", shared)))
        out["own_sum"] = local(strategy.run(lambda: ctx().all_reduce("SUM", shared * 2.0)))
        state = {}

        def lazy():
            if "slot" not in state:
                state["slot"] = tf.Variable(0.0, name="slot")
            return ctx().all_reduce("SUM", tf.cast(ctx().replica_id_in_sync_group, tf.float32))

        with strategy.scope():
            out["lazy"] = local(strategy.run(lazy))
            made = strategy.run(lambda: tf.Variable(1.0, name="w"))
            out["made"] = [type(made).__name__, [c.name for c in made.values]]
            out["mismatch"] = attempt(lambda: strategy.run(
                lambda: tf.Variable(1.0, name="only_here") if rid() == 1 else None))
            with strategy.scope():
                nested = tf.Variable(1.0)
            out["nested"] = [type(c).__name__ for c in nested.values]
            out["scope_in_run"] = attempt(lambda: strategy.run(lambda: strategy.scope().__enter__()))
            a = tf.Variable([1.0, 2.0])
            b = tf.Variable([10.0, 20.0])
        for i in range(3):
            a.values[i].assign([1.0 + i, 2.0 + i])
            b.values[i].assign([10.0 * (i + 1), 20.0 * (i + 1)])
        strategy.extended.update(a, lambda x, y: x.assign_add(y), args=(b,))
        strategy.extended.update(a, lambda x, y: y.assign(x - y), args=(b,))
        strategy.extended.update(a, lambda x, y: x.assign(x - y), args=(b,))
        out["swap"] = [local(a), local(b)]
        central = []
        for args in ((["cpu:0", "cpu:1"],), (["cpu:1"],), (["cpu:0", "cpu:2"], "cpu:1")):
            s = tf.distribute.experimental.CentralStorageStrategy(*args)
            with s.scope():
                v = tf.Variable(1.0)
            central.append([repr(s.extended.worker_devices), repr(s.extended.parameter_devices), v.device])
        out["central"] = central
        g = tf.constant([1.0, 2.0])
        with strategy.scope():
            summed = tf.Variable(1.0, aggregation=tf.VariableAggregation.SUM)
            meaned = tf.Variable(1.0, aggregation=tf.VariableAggregation.MEAN)
        out["plain"] = [
            attempt(lambda: strategy.reduce("SUM", g, axis=None)),
            strategy.reduce("MEAN", g, axis=None).numpy().tolist(),
            strategy.reduce("SUM", g, axis=0).numpy().tolist(),
            attempt(lambda: strategy.extended.reduce_to("SUM", g, destinations="/cpu:0")),
            [t.numpy().tolist() for t in strategy.extended.batch_reduce_to("SUM", [(g, "/cpu:0")])],
            attempt(lambda: strategy.run(lambda: summed.assign_add(1.0))),
            attempt(lambda: strategy.run(lambda: meaned.assign_add(1.0)) and None),
            attempt(lambda: strategy.run(lambda: summed.assign_add(tf.constant(1.0) * 1.0)) and None),
            [float(summed.numpy()), float(meaned.numpy())],
        ]
        return out
''')

# Without any logical device configuration: one CPU.
SOFT = textwrap.dedent('''
    def program(tf):
        out = {}
        for devices in (["cpu:0", "cpu:1"], ["/cpu:0", "/gpu:7"], ["CPU:2"], ["cpu:0", "/cpu:0"], []):
            try:
                strategy = tf.distribute.MirroredStrategy(devices)
                with strategy.scope():
                    v = tf.Variable(1.0)
                ids = strategy.run(lambda: tf.cast(tf.distribute.get_replica_context().replica_id_in_sync_group, tf.float32))
                total = strategy.reduce("SUM", ids, axis=None)
                v.assign_add(total)
                out[str(devices)] = [list(strategy.extended.worker_devices),
                                     [c.device for c in v.values], [float(c.numpy()) for c in v.values]]
            except Exception as e:
                out[str(devices)] = [type(e).__name__, str(e)]
        return out
''')

_ADDRESS = re.compile(r"0x[0-9a-f]+")


def _eagerflow_results(program, logical):
    from eagerflow._src.framework import devices as devices_lib
    from eagerflow._src.framework.device_types import LogicalDeviceConfiguration

    devices_lib.registry.reset_for_tests()
    try:
        if logical:
            cpu = devices_lib.list_physical_devices("CPU")[0]
            devices_lib.set_logical_device_configuration(cpu, [LogicalDeviceConfiguration()] * 3)
        namespace: dict = {}
        exec(program, namespace)  # noqa: S102 - fixed programs from this file
        return json.loads(json.dumps(namespace["program"](eagerflow)))
    finally:
        devices_lib.registry.reset_for_tests()


def _tensorflow_results(program, logical):
    setup = ("cpu = tf.config.list_physical_devices('CPU')[0]\n"
             "tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 3)\n"
             if logical else "")
    code = "import json\nimport tensorflow as tf\n" + setup + program + "print(json.dumps(program(tf)))\n"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def replicas():
    return _eagerflow_results(REPLICAS, True), _tensorflow_results(REPLICAS, True)


@pytest.mark.parametrize("key", ["order", "shared_sum", "shared_mean", "own_sum", "lazy", "made", "mismatch",
                                 "nested", "scope_in_run", "swap", "central", "plain"])
def test_replica_context_matches_tensorflow(replicas, key):
    ours, theirs = replicas
    assert ours[key] == theirs[key]


def test_soft_placed_strategies_match_tensorflow():
    ours = _eagerflow_results(SOFT, False)
    theirs = _tensorflow_results(SOFT, False)
    assert _ADDRESS.sub("0x", json.dumps(ours)) == _ADDRESS.sub("0x", json.dumps(theirs))
