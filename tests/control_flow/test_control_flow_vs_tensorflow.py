"""Differential tests: the same control-flow and autograph programs run with `tf` bound to
eagerflow and to TensorFlow 2.21; transcripts (values, reprs, error classes and TF's messages)
must match. Programs are functions in this file so autograph can read their source."""
import contextlib
import io
import re

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402

pytestmark = pytest.mark.tensorflow


def _error_line(e):
    lines = [line.strip() for line in str(e).strip().splitlines() if line.strip()]
    # Graph errors: TF wraps the original message in an "in user code" traceback; keep the
    # message itself (its last line, without the exception class TF prefixes).
    last = lines[-1] if lines else ""
    return re.sub(r"^\w+Error: ", "", last)


def transcript(program, module):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        program(module, out)
    return out.getvalue()


def attempt(fn):
    try:
        result = fn()
    except Exception as e:  # noqa: BLE001 - the error is what is compared
        return f"!! {type(e).__name__}: {_error_line(e)}"
    return result


def show(value):
    if hasattr(value, "numpy"):
        return f"{value.dtype.name} {value.numpy().tolist()!r}"
    if isinstance(value, (list, tuple)):
        return type(value).__name__ + "(" + ", ".join(show(v) for v in value) + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in sorted(value.items())) + "}"
    return repr(value)


def eager_cond_case_switch(tf, out):
    T, F = tf.constant(True), tf.constant(False)
    print(show(attempt(lambda: tf.cond(F, lambda: (1, tf.constant(2.0)), lambda: (3, 4.0)))))
    print(show(attempt(lambda: tf.cond(T, None, lambda: 2))))
    print(show(attempt(lambda: tf.cond(T, 1, lambda: 2))))
    print(show(attempt(lambda: tf.case([(F, lambda: 1), (T, lambda: 2)], default=lambda: 3))))
    print(show(attempt(lambda: tf.case([(True, lambda: 1)]))))
    print(show(attempt(lambda: tf.case([1]))))
    print(show(attempt(lambda: tf.switch_case(tf.constant(1), [lambda: 1, lambda: 2]))))
    print(show(attempt(lambda: tf.switch_case(tf.constant(9), [lambda: 1, lambda: 2]))))
    print(show(attempt(lambda: tf.switch_case(1, [lambda: 1]))))
    print(show(attempt(lambda: tf.switch_case(tf.constant(1.0), [lambda: 1]))))
    print(show(attempt(lambda: tf.switch_case(tf.constant(0), {0: lambda: 1, 5: lambda: 2}))))
    print(show(attempt(lambda: tf.switch_case(tf.constant(0), []))))


def eager_while(tf, out):
    print(show(tf.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + i), [0, 0])))
    print(show(tf.while_loop(lambda i: i < 100, lambda i: [i + 1], [tf.constant(0)], maximum_iterations=5)))
    print(show(attempt(lambda: tf.while_loop(1, lambda i: i, [0]))))
    print(show(attempt(lambda: tf.while_loop(lambda i: i < 1, 1, [0]))))
    print(show(attempt(lambda: tf.while_loop(lambda: True, lambda: (), []))))
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        _, y = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * x), [0, tf.constant(1.0)])
    print(show(tape.gradient(y, x)))


def eager_tensor_array(tf, out):
    ta = tf.TensorArray(tf.float32, size=2)
    ta.write(0, 1.0)
    print(show(ta.read(0)), show(ta.stack()), show(ta.size()), ta.element_shape, ta.dtype.name)
    print(show(attempt(lambda: ta.write(5, 1.0))))
    print(show(attempt(lambda: ta.write(1, tf.constant(1)))))
    print(show(attempt(lambda: ta.write(1, [1.0, 2.0]))))
    print(show(attempt(lambda: ta.read(-1))))
    print(show(tf.TensorArray(tf.int32, size=0, dynamic_size=True).write(3, 7).stack()))
    print(show(tf.TensorArray(tf.float32, size=0, element_shape=[2, 3]).stack().shape.as_list()))
    print(show(tf.TensorArray(tf.float32, size=3).unstack([1.0, 2.0, 3.0]).gather([2, 0])))
    print(show(tf.TensorArray(tf.float32, size=3).scatter([2, 0], [[1.0], [2.0]]).stack()))
    print(show(tf.TensorArray(tf.float32, size=2, infer_shape=False).write(0, [1.0]).write(1, [2.0, 3.0]).concat()))
    print(show(tf.TensorArray(tf.float32, size=2).split([1.0, 2.0, 3.0], [1, 2]).read(1)))
    print(show(attempt(lambda: tf.TensorArray(tf.float32, size=2).unstack([1.0, 2.0, 3.0]))))
    once = tf.TensorArray(tf.float32, size=1, clear_after_read=True).write(0, 1.0)
    once.read(0)
    print(show(attempt(lambda: once.read(0))))
    print(show(attempt(lambda: tf.TensorArray(tf.float32))))


def eager_functional(tf, out):
    x = tf.constant([1, 2, 3, 4])
    print(show(tf.map_fn(lambda v: v * 2, x)))
    print(show(tf.map_fn(lambda v: tf.cast(v, tf.float32) / 2, x, fn_output_signature=tf.float32)))
    print(show(attempt(lambda: tf.map_fn(lambda v: tf.cast(v, tf.float32), x))))
    print(show(attempt(lambda: tf.map_fn(lambda v: v, tf.constant(1)))))
    print(show(tf.map_fn(lambda v: (v, -v), x, fn_output_signature=(tf.int32, tf.int32))))
    print(show(tf.scan(lambda a, v: a + v, x)), show(tf.scan(lambda a, v: a + v, x, initializer=10)))
    print(show(tf.scan(lambda a, v: a + v, x, reverse=True)))
    print(show(tf.scan(lambda a, v: (a[0] + v, a[1] * v), x, initializer=(0, 1))))
    print(show(tf.foldl(lambda a, v: a - v, x)), show(tf.foldr(lambda a, v: a - v, x)))
    print(show(attempt(lambda: tf.foldl(lambda a, v: a + v, tf.zeros([0])))))
    print(show(tf.vectorized_map(lambda v: v * 2.0, tf.constant([[1.0, 2.0], [3.0, 4.0]]))))


def graph_cond_while(tf, out):
    T, F = tf.constant(True), tf.constant(False)
    f = tf.function(lambda p, x: tf.cond(p, lambda: x * 2.0, lambda: x - 1.0))
    print(show(f(T, tf.constant(3.0))), show(f(F, tf.constant(3.0))))
    print(show(tf.function(lambda p: tf.cond(p, lambda: None, lambda: None))(T)))
    print(show(tf.function(lambda p: tf.cond(p, lambda: tf.zeros([2]), lambda: tf.zeros([3])))(F)))
    print(show(attempt(lambda: tf.function(lambda p: tf.cond(p, lambda: 1, lambda: None))(T))))
    print(show(attempt(lambda: tf.function(lambda p: tf.cond(True, lambda: 1, lambda: 2))(T))))
    w = tf.function(lambda n: tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + i), [0, 0]))
    print(show(w(tf.constant(5))), show(w(tf.constant(7))))
    print(show(tf.function(lambda n: tf.while_loop(lambda i: i < 100, lambda i: i + 1, [n], maximum_iterations=5))(
        tf.constant(0))))
    grow = tf.function(lambda x: tf.while_loop(lambda v: tf.reduce_sum(v) < 3.0, lambda v: tf.concat([v, v], 0), [x]))
    print(show(attempt(lambda: grow(tf.constant([1.0])))))
    relaxed = tf.function(lambda x: tf.while_loop(lambda v: tf.reduce_sum(v) < 3.0, lambda v: tf.concat([v, v], 0),
                                                  [x], shape_invariants=[tf.TensorShape([None])]))
    print(show(relaxed(tf.constant([1.0]))))
    cast = tf.function(lambda x: tf.while_loop(lambda i: i < 3.0, lambda i: tf.cast(i, tf.float64) + 1, [x]))
    print(show(attempt(lambda: cast(tf.constant(0.0)))))
    print(show(attempt(lambda: tf.function(lambda n: tf.while_loop(lambda i: i < 3, 1, [n]))(tf.constant(0)))))


def graph_gradients(tf, out):
    @tf.function
    def grad(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.cond(x > 0, lambda: x * x, lambda: -x)
            _, z = tf.while_loop(lambda i, z: i < 3, lambda i, z: (i + 1, z * y), [0, tf.constant(1.0)])
        return tape.gradient(z, x)
    print(show(grad(tf.constant(1.5))), show(grad(tf.constant(-2.0))))
    w = tf.Variable(2.0)
    f = tf.function(lambda x: tf.while_loop(lambda i, z: i < 3, lambda i, z: (i + 1, z * w), [0, x])[1])
    with tf.GradientTape() as tape:
        y = f(tf.constant(1.0))
    print(show(y), show(tape.gradient(y, w)))


def autograph_programs(tf, out):
    @tf.function
    def sign(x):
        if x < 0:
            r = -1
        elif x == 0:
            r = 0
        else:
            r = 1
        return r
    print([show(sign(tf.constant(v))) for v in (-5, 0, 5)])

    @tf.function
    def collatz(n):
        steps = 0
        while n != 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            steps += 1
        return steps
    print(show(collatz(tf.constant(27))))

    @tf.function
    def odd_sum(n):
        s = 0
        for i in tf.range(n):
            if i > 5:
                break
            if i % 2 == 0:
                continue
            s += i
        return s
    print(show(odd_sum(tf.constant(10))))

    @tf.function
    def early(x):
        if x > 0:
            return x * 10
        return x - 1
    print(show(early(tf.constant(2))), show(early(tf.constant(-2))))

    @tf.function
    def logic(x):
        return x > 0 and x < 5, not x > 0, x > 0 or x < -5
    print(show(logic(tf.constant(7))))

    @tf.function
    def rows(m):
        s = tf.zeros([2])
        for row in m:
            s += row
        return s
    print(show(rows(tf.constant([[1.0, 2.0], [3.0, 4.0]]))))

    @tf.function
    def collect(n):
        ta = tf.TensorArray(tf.float32, size=n)
        for i in tf.range(n):
            ta = ta.write(i, tf.cast(i * i, tf.float32))
        return ta.stack()
    print(show(collect(tf.constant(4))))

    @tf.function
    def first_defined_in_loop(n):
        i = 0
        while i < n:
            y = i
            i += 1
        return y
    print(show(first_defined_in_loop(tf.constant(3))))


def autograph_errors(tf, out):
    def one_branch(x):
        if x > 0:
            y = x
        return y

    def else_only(x):
        if x > 0:
            pass
        else:
            y = x
        return y

    def dtypes(x):
        if x > 0:
            y = 1
        else:
            y = 2.0
        return y

    def none_branch(x):
        if x > 0:
            y = 1
        else:
            y = None
        return y

    def loop_dtype(n):
        x = tf.constant(1)
        i = 0
        while i < n:
            x = tf.cast(x, tf.float32)
            i += 1
        return x

    def loop_shape(n):
        x = tf.zeros([1])
        i = 0
        while i < n:
            x = tf.concat([x, x], 0)
            i += 1
        return x

    def structures(x):
        if x > 0:
            y = [1]
        else:
            y = [1, 2]
        return y

    def scalar_loop(x):
        s = 0
        for v in x:
            s += v
        return s

    def none_before_loop(n):
        x = None
        i = 0
        while i < n:
            x = i
            i += 1
        return x

    for fn in (one_branch, else_only, dtypes, none_branch, loop_dtype, loop_shape, structures, scalar_loop,
               none_before_loop):
        print(fn.__name__, show(attempt(lambda: tf.function(fn)(tf.constant(1)))))


def guide_examples(tf, out):
    """Cells of TF's "Better performance with tf.function" guide (autograph section)."""
    @tf.function
    def fizzbuzz(n):
        for i in tf.range(1, n + 1):
            print("Tracing for loop")
            if i % 15 == 0:
                print("Tracing fizzbuzz branch")
                tf.print("fizzbuzz")
            elif i % 3 == 0:
                print("Tracing fizz branch")
                tf.print("fizz")
            elif i % 5 == 0:
                print("Tracing buzz branch")
                tf.print("buzz")
            else:
                print("Tracing default branch")
                tf.print(i)
    fizzbuzz(tf.constant(5))
    fizzbuzz(tf.constant(20))

    def rnn_step(inp, state):
        return inp + state

    @tf.function
    def dynamic_rnn(rnn_step, input_data, initial_state):
        input_data = tf.transpose(input_data, [1, 0, 2])
        max_seq_len = input_data.shape[0]
        states = tf.TensorArray(tf.float32, size=max_seq_len)
        state = initial_state
        for i in tf.range(max_seq_len):
            state = rnn_step(input_data[i], state)
            states = states.write(i, state)
        return tf.transpose(states.stack(), [1, 0, 2])
    print(show(dynamic_rnn(rnn_step, tf.constant(np.arange(24, dtype=np.float32).reshape(2, 3, 4)), tf.zeros([2, 4]))))

    @tf.function
    def sum_even(items):
        s = 0
        for c in items:
            if c % 2 > 0:
                continue
            s += c
        return s
    print(show(sum_even(tf.constant([10, 12, 15, 20]))))


def training_loop_over_dataset(tf, out):
    w = tf.Variable(0.0)
    b = tf.Variable(0.0)
    xs = np.linspace(-1, 1, 32).astype(np.float32)
    ds = tf.data.Dataset.from_tensor_slices((xs, 3 * xs + 1)).batch(8)

    @tf.function
    def train_epoch(lr):
        total = tf.constant(0.0)
        for x, y in ds:
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean((w * x + b - y) ** 2)
            gw, gb = tape.gradient(loss, [w, b])
            w.assign_sub(lr * gw)
            b.assign_sub(lr * gb)
            total += loss
        return total
    losses = [float(train_epoch(tf.constant(0.1))) for _ in range(20)]
    print(round(losses[0], 3), round(losses[-1], 4), round(float(w.numpy()), 4), round(float(b.numpy()), 4))
    print(train_epoch.experimental_get_tracing_count())


PROGRAMS = [training_loop_over_dataset, guide_examples, eager_cond_case_switch, eager_while, eager_tensor_array, eager_functional, graph_cond_while,
            graph_gradients, autograph_programs, autograph_errors]


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.__name__ for p in PROGRAMS])
def test_program_matches_tensorflow(program):
    assert transcript(program, ef) == transcript(program, tf_real)
