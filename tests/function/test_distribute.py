"""tf.function with in-process distribution strategies (logical CPUs as replicas)."""
import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    prelude = textwrap.dedent("""
        import numpy as np
        import eagerflow as tf
        cpus = tf.config.list_physical_devices("CPU")
        tf.config.set_logical_device_configuration(cpus[0], [tf.config.LogicalDeviceConfiguration()] * 2)
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        with strategy.scope():
            w = tf.Variable(np.ones((3, 2), np.float32))
        x = tf.constant(np.ones((4, 3), np.float32))

        @tf.function
        def step(x):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(x @ w)
            return tape.gradient(loss, w)
    """)
    done = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_strategy_run_of_traced_step_gives_per_replica_gradients():
    out = _run("""
        result = strategy.run(step, args=(x,))
        print([v.numpy().tolist() for v in result.values])
        print(strategy.reduce("SUM", result, axis=None).numpy().tolist())
    """)
    assert out.splitlines() == ["[[[4.0, 4.0], [4.0, 4.0], [4.0, 4.0]], [[4.0, 4.0], [4.0, 4.0], [4.0, 4.0]]]",
                                "[[8.0, 8.0], [8.0, 8.0], [8.0, 8.0]]"]


def test_strategy_run_inside_traced_function_returns_per_replica():
    out = _run("""
        @tf.function
        def distributed_step(x):
            return strategy.run(step, args=(x,))

        result = distributed_step(x)
        print(type(result).__name__, [v.device for v in result.values])
        print(float(tf.reduce_sum(result.values[1])))
    """)
    assert out.splitlines() == ["PerReplica ['/job:localhost/replica:0/task:0/device:CPU:0', "
                                "'/job:localhost/replica:0/task:0/device:CPU:1']", "24.0"]
