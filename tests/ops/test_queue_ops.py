"""tf.queue: FIFOQueue, PaddingFIFOQueue, PriorityQueue, RandomShuffleQueue (eager and traced).

Blocking behaviour is tested with helper threads joined with a timeout, never by blocking the
test thread on a queue that nothing will fill.
"""
import threading
import time

import numpy as np
import pytest

import eagerflow as tf


def _in_thread(fn):
    """Runs `fn` in a daemon thread; returns (thread, box) where box gets its result or error."""
    box = {}

    def run():
        try:
            box["result"] = fn()
        except Exception as e:  # noqa: BLE001 - the test inspects it
            box["error"] = e

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def test_fifo_queue_dequeues_in_enqueue_order():
    q = tf.queue.FIFOQueue(5, tf.int32, shapes=[()])
    q.enqueue(1)
    q.enqueue_many([[2, 3]])
    assert [int(q.dequeue()) for _ in range(3)] == [1, 2, 3]


def test_size_and_is_closed_are_tensors():
    q = tf.queue.FIFOQueue(5, tf.float32)
    q.enqueue(1.0)
    assert q.size().dtype == tf.int32 and int(q.size()) == 1
    assert q.is_closed().dtype == tf.bool and not bool(q.is_closed())
    q.close()
    assert bool(q.is_closed())


def test_properties():
    q = tf.queue.FIFOQueue(5, [tf.int32, tf.string], shapes=[(), (2,)], names=["a", "b"])
    assert q.dtypes == [tf.int32, tf.string]
    assert q.shapes == [tf.TensorShape([]), tf.TensorShape([2])]
    assert q.names == ["a", "b"]
    assert q.name == "Empty"
    assert isinstance(q, tf.queue.QueueBase)


def test_name_is_the_name_scope():
    with tf.name_scope("abc"):
        q = tf.queue.FIFOQueue(5, tf.int32)
    assert q.name == "abc/"


def test_dict_components_round_trip():
    q = tf.queue.FIFOQueue(5, [tf.int32, tf.string], names=["a", "b"])
    q.enqueue({"a": 1, "b": "x"})
    out = q.dequeue()
    assert set(out) == {"a", "b"}
    assert int(out["a"]) == 1 and out["b"].numpy() == b"x"


def test_queue_with_names_refuses_a_tuple():
    q = tf.queue.FIFOQueue(5, [tf.int32, tf.string], names=["a", "b"])
    with pytest.raises(ValueError, match="You must enqueue a dictionary in a Queue with names"):
        q.enqueue((1, "x"))


def test_tuple_components_come_back_as_a_list():
    q = tf.queue.FIFOQueue(5, [tf.int32, tf.float32])
    q.enqueue((1, 2.5))
    a, b = q.dequeue()
    assert (int(a), float(b)) == (1, 2.5)


def test_enqueue_after_close_is_cancelled():
    q = tf.queue.FIFOQueue(5, tf.int32)
    q.close()
    with pytest.raises(tf.errors.CancelledError, match=r"FIFOQueue '\d+' is closed\."):
        q.enqueue(1)


def test_dequeue_closed_empty_is_out_of_range():
    q = tf.queue.FIFOQueue(5, tf.int32)
    q.enqueue(7)
    q.close()
    assert int(q.dequeue()) == 7
    with pytest.raises(tf.errors.OutOfRangeError,
                       match=r"is closed and has insufficient elements \(requested 1, current size 0\)"):
        q.dequeue()


def test_dequeue_many_more_than_left_on_closed_queue():
    q = tf.queue.FIFOQueue(5, tf.int32, shapes=[()])
    q.enqueue_many([[1, 2, 3]])
    q.close()
    with pytest.raises(tf.errors.OutOfRangeError, match=r"requested 5, current size 3"):
        q.dequeue_many(5)
    assert int(q.size()) == 3


def test_dequeue_up_to_returns_the_rest_of_a_closed_queue():
    q = tf.queue.FIFOQueue(5, tf.int32, shapes=[()])
    q.enqueue_many([[1, 2, 3]])
    q.close()
    np.testing.assert_array_equal(q.dequeue_up_to(5).numpy(), [1, 2, 3])
    with pytest.raises(tf.errors.OutOfRangeError):
        q.dequeue_up_to(5)


def test_dequeue_many_needs_shapes():
    q = tf.queue.FIFOQueue(5, tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="require the components to have specified shapes"):
        q.dequeue_many(1)


def test_enqueue_wrong_shape_is_value_error():
    q = tf.queue.FIFOQueue(5, tf.int32, shapes=[(2,)])
    with pytest.raises(ValueError, match=r"Shapes \(3,\) and \(2,\) are incompatible"):
        q.enqueue([[1, 2, 3]])


def test_enqueue_wrong_dtype_names_the_component():
    q = tf.queue.FIFOQueue(5, tf.int32)
    with pytest.raises(ValueError, match="^component_0: Tensor conversion requested dtype int32"):
        q.enqueue(tf.constant(1, tf.int64))


def test_missing_component_is_signature_mismatch():
    q = tf.queue.FIFOQueue(5, [tf.int32, tf.string])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="Signature mismatch, have: resource, int32-> expected: resource, int32, string->"):
        q.enqueue(1)


def test_unknown_shapes_are_refused_by_fifo_queue():
    with pytest.raises(ValueError, match="All shapes must be fully defined"):
        tf.queue.FIFOQueue(5, tf.int32, shapes=[(None,)])


def test_padding_fifo_queue_pads_dequeue_many():
    q = tf.queue.PaddingFIFOQueue(5, [tf.int32, tf.string], shapes=[(None,), ()])
    q.enqueue(([1], "a"))
    q.enqueue(([1, 2, 3], "b"))
    numbers, strings = q.dequeue_many(2)
    np.testing.assert_array_equal(numbers.numpy(), [[1, 0, 0], [1, 2, 3]])
    assert strings.numpy().tolist() == [b"a", b"b"]


def test_padding_fifo_queue_needs_a_list_of_shapes():
    with pytest.raises(ValueError, match="When providing partial shapes, a list of shapes must be provided."):
        tf.queue.PaddingFIFOQueue(5, [tf.int32], shapes=[None])


def test_priority_queue_dequeues_lowest_priority_first():
    q = tf.queue.PriorityQueue(5, [tf.string], shapes=[()])
    assert q.dtypes == [tf.int64, tf.string]
    q.enqueue((3, "c"))
    q.enqueue((1, "a"))
    q.enqueue_many(([5, 2], ["e", "b"]))
    priorities, values = q.dequeue_many(4)
    assert priorities.numpy().tolist() == [1, 2, 3, 5]
    assert values.numpy().tolist() == [b"a", b"b", b"c", b"e"]


def test_priority_queue_keeps_insertion_order_among_equal_priorities():
    q = tf.queue.PriorityQueue(5, [tf.string], shapes=[()])
    for s in ("c", "d", "e"):
        q.enqueue((3, s))
    assert [q.dequeue()[1].numpy() for _ in range(3)] == [b"c", b"d", b"e"]


def test_random_shuffle_queue_gives_a_permutation_and_keeps_min_after_dequeue():
    q = tf.queue.RandomShuffleQueue(10, 3, tf.int32, shapes=[()])
    q.enqueue_many([list(range(8))])
    first = q.dequeue_many(5).numpy().tolist()
    assert int(q.size()) == 3
    thread, box = _in_thread(lambda: q.dequeue())  # would leave 2 < min_after_dequeue: blocks
    thread.join(0.2)
    assert thread.is_alive()
    q.close()  # min_after_dequeue no longer applies
    thread.join(5)
    rest = [int(box["result"])] + q.dequeue_many(2).numpy().tolist()
    assert sorted(first + rest) == list(range(8))


def test_random_shuffle_queue_seed_repeats_its_order():
    def order():
        q = tf.queue.RandomShuffleQueue(10, 0, tf.int32, shapes=[()], seed=42)
        q.enqueue_many([list(range(8))])
        return q.dequeue_many(8).numpy().tolist()
    assert order() == order()
    assert sorted(order()) == list(range(8))


def test_random_shuffle_queue_min_after_dequeue_below_capacity():
    with pytest.raises(tf.errors.InvalidArgumentError, match="min_after_dequeue 20 must be < capacity 10"):
        tf.queue.RandomShuffleQueue(10, 20, tf.int32)


def test_dequeue_blocks_until_another_thread_enqueues():
    q = tf.queue.FIFOQueue(5, tf.int32)
    thread, box = _in_thread(lambda: q.dequeue())
    thread.join(0.2)
    assert thread.is_alive()
    q.enqueue(42)
    thread.join(5)
    assert not thread.is_alive() and int(box["result"]) == 42


def test_blocked_dequeue_fails_when_the_queue_closes():
    q = tf.queue.FIFOQueue(5, tf.int32)
    thread, box = _in_thread(lambda: q.dequeue())
    thread.join(0.2)
    q.close()
    thread.join(5)
    assert isinstance(box.get("error"), tf.errors.OutOfRangeError)


def test_blocked_dequeue_many_gives_back_what_it_took_when_closed():
    q = tf.queue.FIFOQueue(5, tf.int32, shapes=[()])
    q.enqueue(1)
    thread, box = _in_thread(lambda: q.dequeue_many(2))
    thread.join(0.2)
    assert int(q.size()) == 0  # the pending dequeue holds the element, as in TF
    q.close()
    thread.join(5)
    assert "requested 1, current size 0" in str(box["error"])
    assert int(q.size()) == 1


def test_enqueue_blocks_while_full_until_a_dequeue():
    q = tf.queue.FIFOQueue(1, tf.int32)
    q.enqueue(1)
    thread, box = _in_thread(lambda: q.enqueue(2))
    thread.join(0.2)
    assert thread.is_alive()
    assert int(q.dequeue()) == 1
    thread.join(5)
    assert not thread.is_alive() and int(q.dequeue()) == 2


def test_close_with_cancel_pending_enqueues_cancels_a_blocked_enqueue():
    q = tf.queue.FIFOQueue(1, tf.int32)
    q.enqueue(1)
    thread, box = _in_thread(lambda: q.enqueue(2))
    thread.join(0.2)
    q.close(cancel_pending_enqueues=True)
    thread.join(5)
    assert isinstance(box.get("error"), tf.errors.CancelledError)
    assert "Enqueue operation was cancelled" in str(box["error"])


def test_producer_and_consumer_threads_pass_every_element():
    q = tf.queue.FIFOQueue(3, tf.int32, shapes=[()])

    def produce():
        for i in range(50):
            q.enqueue(i)
        q.close()

    def consume():
        got = []
        while True:
            try:
                got.append(int(q.dequeue()))
            except tf.errors.OutOfRangeError:
                return got

    producer, _ = _in_thread(produce)
    consumer, box = _in_thread(consume)
    producer.join(10)
    consumer.join(10)
    assert box["result"] == list(range(50))


def test_queue_ops_inside_tf_function_run_in_order():
    q = tf.queue.FIFOQueue(5, tf.int32, shapes=[(2,)])

    @tf.function
    def step(x):
        q.enqueue(x)
        q.enqueue(x + 1)
        return q.dequeue(), q.size()

    first, size = step(tf.constant([1, 2]))
    np.testing.assert_array_equal(first.numpy(), [1, 2])
    assert int(size) == 1
    second, size = step(tf.constant([5, 6]))
    np.testing.assert_array_equal(second.numpy(), [2, 3])
    assert int(size) == 2


def test_traced_dequeue_many_has_static_shapes():
    q = tf.queue.FIFOQueue(5, tf.int32, shapes=[(2,)])

    @tf.function
    def take():
        return q.dequeue_many(2), q.dequeue_up_to(2)

    outputs = take.get_concrete_function().structured_outputs
    assert outputs[0].shape.as_list() == [2, 2]
    assert outputs[1].shape.as_list() == [None, 2]


def test_traced_enqueue_checks_shapes_at_run_time():
    q = tf.queue.FIFOQueue(5, tf.int32, shapes=[(2,)])

    @tf.function(input_signature=[tf.TensorSpec(None, tf.int32)])
    def put(x):
        q.enqueue(x)

    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Shape mismatch in tuple component 0. Expected \[2\], got \[3\]"):
        put(tf.constant([1, 2, 3]))


def test_from_list_picks_a_queue_with_common_shapes():
    a = tf.queue.FIFOQueue(5, tf.int32, shapes=[(2,)])
    b = tf.queue.FIFOQueue(5, tf.int32, shapes=[(3,)])
    b.enqueue(([7, 8, 9],))
    chosen = tf.queue.QueueBase.from_list(1, [a, b])
    assert chosen.shapes == [tf.TensorShape([None])]
    np.testing.assert_array_equal(chosen.dequeue().numpy(), [7, 8, 9])


def test_from_list_refuses_queues_of_other_dtypes():
    with pytest.raises(TypeError, match="Queues do not have matching component dtypes."):
        tf.queue.QueueBase.from_list(0, [tf.queue.FIFOQueue(5, tf.int32), tf.queue.FIFOQueue(5, tf.float32)])


def test_traced_enqueue_many_checks_batched_shapes_at_run_time():
    q = tf.queue.FIFOQueue(5, [tf.int32, tf.int32], shapes=[(2,), ()])

    @tf.function(input_signature=[tf.TensorSpec(None, tf.int32), tf.TensorSpec(None, tf.int32)])
    def put(x, y):
        q.enqueue_many((x, y))

    with pytest.raises(tf.errors.InvalidArgumentError, match=r"component 0. Expected \[2,2\], got \[2,3\]"):
        put(tf.zeros([2, 3], tf.int32), tf.zeros([2], tf.int32))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"component 1. Expected \[2\], got \[3\]"):
        put(tf.zeros([2, 2], tf.int32), tf.zeros([3], tf.int32))
    assert int(q.size()) == 0
