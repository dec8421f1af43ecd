"""MirroredStrategy against TF 2.21 (run by `make compat`): collectives and mirrored variables
inside tf.function, rebatching of partial global batches, nested reductions, element specs.
The same program runs here on eagerflow and in a TF subprocess; their printed results compare."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

import eagerflow

pytestmark = pytest.mark.tensorflow

# Runs with `tf` bound to eagerflow or TensorFlow, three logical CPUs configured; prints JSON.
PROGRAM = textwrap.dedent('''
    def program(tf):
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1", "/cpu:2"])
        out = {}

        def values(scale):
            return strategy.experimental_distribute_values_from_function(
                lambda ctx: tf.constant([1.0, 2.0]) * scale * tf.cast(ctx.replica_id_in_sync_group + 1, tf.float32))

        def local(value):
            return [v.numpy().tolist() for v in strategy.experimental_local_results(value)]

        def all_reduce(x):
            return tf.distribute.get_replica_context().all_reduce("SUM", x)

        def merge_sum(x):
            return tf.distribute.get_replica_context().merge_call(
                lambda s, v: s.reduce("SUM", v, axis=None), args=(x,))

        out["run_traced"] = local(strategy.run(tf.function(all_reduce), args=(values(2.0),)))
        around = tf.function(lambda x: strategy.run(merge_sum, args=(x,)))
        out["merge_traced"] = [local(around(values(s))) for s in (1.0, -3.0)]
        with strategy.scope():
            own = tf.Variable(0.0)
            mean = tf.Variable(0.0, aggregation=tf.VariableAggregation.MEAN)

        def add_replica_id():
            r = tf.cast(tf.distribute.get_replica_context().replica_id_in_sync_group, tf.float32)
            own.assign_add(r)
            mean.assign_add(r)
            return own.read_value(), mean.read_value()

        step = tf.function(lambda: strategy.run(add_replica_id))
        step()
        out["variables"] = [local(v) for v in step()]
        out["reduce_nested"] = tf.nest.map_structure(
            lambda t: t.numpy().tolist(), strategy.reduce("MEAN", (values(1.0), {"a": values(2.0)}), axis=None))
        for size in (8, 7):
            data = tf.data.Dataset.range(21).batch(size)
            dist = strategy.experimental_distribute_dataset(data)
            out[f"rebatch_{size}"] = [local(b) for b in dist]
        spec_data = tf.data.Dataset.from_tensor_slices((tf.zeros([8, 3]), tf.zeros([8], tf.int32))).batch(4)
        out["element_spec"] = repr(strategy.experimental_distribute_dataset(spec_data).element_spec)
        return out
''')


def _eagerflow_results():
    from eagerflow._src.framework import devices as devices_lib
    from eagerflow._src.framework.device_types import LogicalDeviceConfiguration

    devices_lib.registry.reset_for_tests()
    try:
        cpu = devices_lib.list_physical_devices("CPU")[0]
        devices_lib.set_logical_device_configuration(cpu, [LogicalDeviceConfiguration()] * 3)
        namespace: dict = {}
        exec(PROGRAM, namespace)
        return json.loads(json.dumps(namespace["program"](eagerflow)))
    finally:
        devices_lib.registry.reset_for_tests()


def _tensorflow_results():
    code = ("import json\nimport tensorflow as tf\n"
            "cpu = tf.config.list_physical_devices('CPU')[0]\n"
            "tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 3)\n"
            + PROGRAM + "print(json.dumps(program(tf)))\n")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def results():
    return _eagerflow_results(), _tensorflow_results()


@pytest.mark.parametrize("key", ["run_traced", "merge_traced", "variables", "reduce_nested", "rebatch_8",
                                 "rebatch_7", "element_spec"])
def test_mirrored_strategy_matches_tensorflow(results, key):
    ours, theirs = results
    assert ours[key] == theirs[key]
