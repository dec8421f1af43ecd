"""Differential test: tf.queue, tf.CriticalSection, TensorArraySpec and OptionalSpec snippets run
with `tf` bound to eagerflow and to TensorFlow 2.21; the transcripts must match (queue ids and
object addresses normalised). No snippet leaves an op blocked."""
import re
import threading
import time

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402
from tests.compat.programs import transcript  # noqa: E402

pytestmark = pytest.mark.tensorflow

_ADDRESS = re.compile(r"0x[0-9a-f]+")
_QUEUE_ID = re.compile(r"(Queue|RandomShuffleQueue) '\d+'")
_SIGNATURE = re.compile(r"signature=\('', \d+, ")
_MODULES = re.compile(r"(tensorflow|eagerflow)\.[\w.]+\.(\w+)")


def _normalise(text):
    text = _ADDRESS.sub("0x...", text)
    text = _QUEUE_ID.sub(r"\1 'N'", text)
    text = _SIGNATURE.sub("signature=('', N, ", text)
    return text


def run(module, code):
    return _normalise(transcript(module, code, threading=threading, time=time))


SNIPPETS = [
    # FIFOQueue basics
    "q = tf.queue.FIFOQueue(3, tf.float32, shapes=[()])\nprint(q.name, q.dtypes, q.shapes, q.names)\n"
    "print(q.size(), q.is_closed())\nq.enqueue(1.0); q.enqueue_many([[2.0, 3.0]])\nprint(q.size())\n"
    "print(repr(q.dequeue()))\nprint(repr(q.dequeue_many(2)))",
    "q = tf.queue.FIFOQueue(3, tf.int32)\nq.close()\nprint(q.is_closed())\nq.enqueue(1)",
    "q = tf.queue.FIFOQueue(3, tf.int32)\nq.enqueue(5)\nq.close()\nprint(q.dequeue())\nq.dequeue()",
    "q = tf.queue.FIFOQueue(5, tf.int32, shapes=[()])\nq.enqueue_many([[1, 2, 3]])\nq.close()\nq.dequeue_many(5)",
    "q = tf.queue.FIFOQueue(5, tf.int32, shapes=[()])\nq.enqueue_many([[1, 2, 3]])\nq.close()\n"
    "print(q.dequeue_up_to(5))\nprint(q.dequeue_many(0))\nq.dequeue_up_to(5)",
    "q = tf.queue.FIFOQueue(5, tf.int32)\nq.enqueue(1)\nq.dequeue_many(1)",
    "q = tf.queue.FIFOQueue(5, tf.int32, shapes=[()])\nq.dequeue_many(-1)",
    "q = tf.queue.FIFOQueue(5, [tf.int32, tf.string], names=['a', 'b'])\nprint(q.names, q.shapes)\n"
    "q.enqueue({'a': 1, 'b': 'x'})\nprint(q.dequeue())\nq.enqueue((1, 'x'))",
    "q = tf.queue.FIFOQueue(5, [tf.int32, tf.string], names=['a', 'b'])\nq.enqueue({'a': 1})",
    "q = tf.queue.FIFOQueue(5, [tf.int32, tf.string])\nq.enqueue((1, 'x'))\nprint(q.dequeue())\nq.enqueue(1)",
    "q = tf.queue.FIFOQueue(5, [tf.int32, tf.string])\nq.enqueue((1.5, 'x'))",
    "q = tf.queue.FIFOQueue(5, tf.int32)\nq.enqueue(tf.constant(1, tf.int64))",
    "q = tf.queue.FIFOQueue(10, tf.int32, shapes=[2])\nprint(q.shapes)\nq.enqueue([[1, 2, 3]])",
    "q = tf.queue.FIFOQueue(5, (tf.int32, tf.float32), shapes=[(), (2,)])\nq.enqueue_many(([1, 2], [[1., 2.]]))",
    "q = tf.queue.FIFOQueue(5, tf.int32)\nq.enqueue_many(1)",
    "q = tf.queue.FIFOQueue(5, (tf.int32, tf.float32), shapes=[(), (2,)])\n"
    "q.enqueue_many(([1, 2], [[1., 2.], [3., 4.]]))\nprint(q.dequeue_many(2))",
    "tf.queue.FIFOQueue(5, tf.int32, shapes=[(None,)])",
    "tf.queue.FIFOQueue(5, [tf.int32, tf.float32], shapes=[2, 3])",
    "tf.queue.FIFOQueue(5, [tf.int32, tf.int32], names=['a'])",
    "tf.queue.FIFOQueue(5, [tf.int32], shapes='ab')",
    "with tf.name_scope('abc'):\n  q = tf.queue.FIFOQueue(5, tf.int32)\nprint(q.name)",
    "a = tf.queue.FIFOQueue(5, tf.int32, shapes=[(2,)])\nb = tf.queue.FIFOQueue(5, tf.int32, shapes=[(3,)])\n"
    "b.enqueue(([7, 8, 9],))\nq = tf.queue.QueueBase.from_list(1, [a, b])\nprint(q.shapes, q.name, q.dequeue())\n"
    "print(tf.queue.QueueBase.from_list(0, [a, tf.queue.FIFOQueue(5, tf.int32)]).shapes)\n"
    "tf.queue.QueueBase.from_list(0, [a, tf.queue.FIFOQueue(5, tf.int32, names=['x'])])",
    "tf.queue.QueueBase.from_list(0, [])",
    # PaddingFIFOQueue, PriorityQueue
    "q = tf.queue.PaddingFIFOQueue(5, [tf.int32, tf.string], shapes=[(None,), ()])\nprint(q.shapes)\n"
    "q.enqueue(([1], 'a')); q.enqueue(([1, 2, 3], 'b'))\nprint(q.dequeue_many(2))\nq.enqueue(([[1]], 'a'))",
    "tf.queue.PaddingFIFOQueue(5, [tf.int32], shapes=[None])",
    "q = tf.queue.PaddingFIFOQueue(5, [tf.float32], shapes=[(None, 2)])\nq.enqueue(([[1., 2.]],))\n"
    "q.enqueue(([[1., 2.], [3., 4.]],))\nq.close()\nprint(q.dequeue_up_to(3))",
    "q = tf.queue.PriorityQueue(5, [tf.string], shapes=[()])\nprint(q.dtypes, q.shapes, q.names)\n"
    "q.enqueue((tf.constant(3, tf.int64), 'c')); q.enqueue((1, 'a')); q.enqueue_many(([5, 2], ['e', 'b']))\n"
    "print(q.dequeue())\nprint(q.dequeue_many(2))\nprint(q.size())",
    "q = tf.queue.PriorityQueue(5, [tf.string], shapes=[()])\nfor s in 'cde': q.enqueue((3, s))\n"
    "print(q.dequeue(), q.dequeue(), q.dequeue_up_to(1))",
    "q = tf.queue.PriorityQueue(5, [tf.int32], shapes=[()], names=['p', 'x'])\nq.enqueue({'p': 1, 'x': 2})\n"
    "print(q.dequeue())",
    # RandomShuffleQueue: TF's order for a seed
    "q = tf.queue.RandomShuffleQueue(10, 2, tf.int32, shapes=[()], seed=42)\nq.enqueue_many([list(range(8))])\n"
    "print(q.dequeue())\nprint(q.dequeue_many(3))\nprint(q.size())\nq.close()\nprint(q.dequeue_up_to(5))",
    "tf.random.set_seed(7)\nq = tf.queue.RandomShuffleQueue(20, 0, tf.int32, shapes=[()], seed=3)\n"
    "q.enqueue_many([list(range(15))])\nprint(q.dequeue_many(15))",
    "q = tf.queue.RandomShuffleQueue(10, 0, tf.int32, shapes=[()], seed=1, shared_name='s')\n"
    "q.enqueue_many([list(range(6))])\nprint(q.dequeue_many(6))",
    "q = tf.queue.RandomShuffleQueue(5, 0, tf.int32)\nq.enqueue(1)\nq.dequeue_many(1)",
    "tf.queue.RandomShuffleQueue(10, 20, tf.int32)",
    # blocking across threads (each blocked op is released by the snippet)
    "q = tf.queue.FIFOQueue(5, tf.int32)\nbox = []\n"
    "th = threading.Thread(target=lambda: box.append(q.dequeue())); th.start()\ntime.sleep(0.2)\n"
    "print(th.is_alive())\nq.enqueue(42)\nth.join(10)\nprint(box)",
    "q = tf.queue.FIFOQueue(2, tf.int32, shapes=[()])\nq.enqueue(1)\nbox = []\n"
    "def take():\n  try: box.append(q.dequeue_many(2))\n  except Exception as e: box.append(repr(e))\n"
    "th = threading.Thread(target=take); th.start()\ntime.sleep(0.2)\nprint(q.size())\nq.close()\nth.join(10)\n"
    "print(box, q.size())",
    "q = tf.queue.FIFOQueue(1, tf.int32)\nq.enqueue(1)\nbox = []\n"
    "def put():\n  try: q.enqueue(2)\n  except Exception as e: box.append(repr(e))\n"
    "th = threading.Thread(target=put); th.start()\ntime.sleep(0.2)\nq.close(cancel_pending_enqueues=True)\n"
    "th.join(10)\nprint(box)",
    "q = tf.queue.RandomShuffleQueue(10, 2, tf.int32, shapes=[()], seed=5)\nq.enqueue_many([list(range(5))])\n"
    "box = []\nth = threading.Thread(target=lambda: box.append(q.dequeue_many(4))); th.start()\ntime.sleep(0.2)\n"
    "print(q.size())\nq.close()\nth.join(10)\nprint(box, q.size())",
    # tf.function
    "q = tf.queue.FIFOQueue(5, tf.int32, shapes=[(2,)])\n@tf.function\ndef f(x):\n  q.enqueue(x)\n"
    "  return q.dequeue(), q.size()\nprint(f(tf.constant([1, 2])))\n"
    "print(f.get_concrete_function(tf.TensorSpec(None, tf.int32)).structured_outputs[0].shape)",
    "q = tf.queue.PaddingFIFOQueue(5, tf.int32, shapes=[(None,)])\n@tf.function\ndef h():\n"
    "  return q.dequeue_many(2), q.dequeue_up_to(2), q.is_closed()\n"
    "print([o.shape for o in h.get_concrete_function().structured_outputs])",
    # CriticalSection
    "cs = tf.CriticalSection()\nv = tf.Variable(1)\nprint(cs.execute(lambda: v.assign_add(1)))\n"
    "print(cs.execute(lambda: 5))\nprint(cs.execute(lambda: (tf.constant(1), {'a': tf.constant(2.)})))",
    "cs = tf.CriticalSection()\ncs.execute(lambda: cs.execute(lambda: 1))",
    "cs = tf.CriticalSection(name='cs')\ncs.name",
    "cs = tf.CriticalSection()\nv = tf.Variable(1)\n@tf.function\ndef f():\n"
    "  return cs.execute(lambda: v.assign_add(1))\nprint(f(), f())",
    # (Two sections sharing a variable in one tf.function can deadlock TF 2.21's executor: not compared.)
    # TensorArraySpec / OptionalSpec
    "S = tf.TensorArraySpec\nprint(S(), S([2], tf.int32, dynamic_size=True, infer_shape=False))\n"
    "s = S([2], tf.float32)\nprint(s == S([2], tf.float32), s == S([3], tf.float32))\n"
    "print(s.is_compatible_with(S([None], tf.float32)), s.is_compatible_with(S([2], tf.int32)))\n"
    "print(s.most_specific_common_supertype([S([3], tf.float32)]))\n"
    "print(s.most_specific_common_supertype([S([3], tf.int32)]))\n"
    "print(s.is_subtype_of(S([None], tf.float32)), S([None], tf.float32).is_subtype_of(s))",
    "ta = tf.TensorArray(tf.float32, size=2)\nprint(tf.type_spec_from_value(ta))\n"
    "ta = ta.write(0, [1., 2.])\nprint(tf.type_spec_from_value(ta))\n"
    "print(tf.type_spec_from_value(tf.TensorArray(tf.int32, size=0, dynamic_size=True, element_shape=[3], "
    "infer_shape=False)))\nprint(tf.TensorArraySpec.from_value(ta))\ntf.TensorArraySpec.from_value(1)",
    "O = tf.OptionalSpec\ns = O(tf.TensorSpec([2], tf.int32))\nprint(s, O(None))\n"
    "o = tf.experimental.Optional.from_value(tf.constant([1, 2]))\nprint(tf.type_spec_from_value(o))\n"
    "print(tf.type_spec_from_value(tf.experimental.Optional.from_value((1, {'a': 2.}))))\n"
    "print(s == O(tf.TensorSpec([2], tf.int32)), s.is_compatible_with(o))\n"
    "print(s.most_specific_common_supertype([O(tf.TensorSpec([3], tf.int32))]))\n"
    "print(s.most_specific_common_supertype([O(tf.TensorSpec([3], tf.float32))]))\n"
    "print(s.is_subtype_of(O(tf.TensorSpec([None], tf.int32))))",
]


@pytest.mark.parametrize("code", SNIPPETS, ids=[s[:70] for s in SNIPPETS])
def test_same_transcript(code):
    expected = run(tf_real, code)
    got = run(ef, code)
    assert _MODULES.sub(r"\2", got) == _MODULES.sub(r"\2", expected)
