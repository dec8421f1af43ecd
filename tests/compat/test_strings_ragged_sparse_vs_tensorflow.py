"""Differential test: tf.ragged, tf.sparse, tf.strings and tf.sets snippets run with `tf` bound to
eagerflow and to TensorFlow 2.21; their transcripts (printed values, reprs, errors) must match."""
import contextlib
import io
import re

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402

pytestmark = pytest.mark.tensorflow

_ADDRESS = re.compile(r"0x[0-9a-f]+")


def run(module, code):
    out = io.StringIO()
    namespace = {"tf": module, "np": np}
    try:
        with contextlib.redirect_stdout(out):
            exec(code, namespace)  # noqa: S102 - fixed snippets from this file
    except Exception as error:  # noqa: BLE001 - the error itself is compared
        out.write(f"!! {type(error).__name__}: {error}")
    return _ADDRESS.sub("0x...", out.getvalue())


RAGGED = [
    "rt = tf.ragged.constant([[1, 2], [3]]); print(rt); print(repr(rt)); print(rt.shape, rt.dtype, rt.ragged_rank)",
    "rt = tf.ragged.constant([[[1., 2], [3]], []]); print(rt, rt.shape, rt.ragged_rank)",
    "print(tf.ragged.constant([[b'a'], [b'bc', b'd']]))",
    "print(tf.ragged.constant([['a'], []]))",
    "rt = tf.ragged.constant([[[1, 2], [3, 4]], [[5, 6]]], ragged_rank=1); print(rt, rt.shape)",
    "print(tf.ragged.constant([[i] * 3 for i in range(12)]))",
    "print(tf.ragged.constant([[1, 2], 3]))",
    "print(tf.ragged.constant([[1, 2], [3]], row_splits_dtype=tf.int32).row_splits)",
    "print(tf.ragged.constant([[], []]), tf.ragged.constant([[], []]).dtype)",
    "print(tf.RaggedTensor.from_row_splits([1, 2, 3], [0, 2, 3]))",
    "print(tf.RaggedTensor.from_row_splits([1, 2, 3], [1, 3]))",
    "print(tf.RaggedTensor.from_row_splits([1, 2, 3], [0, 3, 2, 3]))",
    "print(tf.RaggedTensor.from_row_lengths([1, 2, 3], [2, 0, 1]))",
    "print(tf.RaggedTensor.from_row_lengths([1, 2, 3], [1, -1, 3]))",
    "print(tf.RaggedTensor.from_value_rowids([1, 2, 3], [0, 0, 2]))",
    "print(tf.RaggedTensor.from_value_rowids([1, 2, 3], [0, 0, 2], nrows=5))",
    "print(tf.RaggedTensor.from_value_rowids([1, 2, 3], [0, 1, 1], nrows=1))",
    "print(tf.RaggedTensor.from_row_starts([1, 2, 3], [0, 1]))",
    "print(tf.RaggedTensor.from_row_limits([1, 2, 3], [1, 3]))",
    "print(tf.RaggedTensor.from_nested_row_splits([1, 2, 3, 4], [[0, 2, 3], [0, 1, 3, 4]]))",
    "print(tf.RaggedTensor.from_nested_row_lengths([1, 2, 3, 4], [[2, 1], [1, 2, 1]]))",
    "print(tf.RaggedTensor.from_tensor([[1, 0, 0], [2, 3, 0]], padding=0))",
    "print(tf.RaggedTensor.from_tensor([[1, 0, 0], [2, 3, 0]], lengths=[1, 3]))",
    "print(tf.RaggedTensor.from_tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], ragged_rank=2))",
    "print(tf.RaggedTensor.from_tensor([[1, 2], [3, 4]]))",
    "rt = tf.ragged.constant([[1, 2], [3], []]); print(rt.to_tensor()); print(rt.to_tensor(default_value=9))",
    "rt = tf.ragged.constant([[1, 2], [3], []]); print(rt.to_tensor(shape=[2, 4]))",
    "rt = tf.ragged.constant([[[1, 2], [3]], [[4]]]); print(rt.to_tensor())",
    "rt = tf.ragged.constant([[1, 2], [3], []]); print(rt.to_list()); print(rt.numpy())",
    "rt = tf.ragged.constant([[1, 2], [3], []]); print(rt.row_lengths(), rt.row_splits, rt.values, rt.nrows())",
    "rt = tf.ragged.constant([[1, 2], [3], []]); print(rt.value_rowids(), rt.bounding_shape(), rt.row_starts(), rt.row_limits())",
    "rt = tf.ragged.constant([[[1, 2], [3]], [[4]]]); print(rt.flat_values, rt.nested_row_splits, rt.nested_row_lengths())",
    "rt = tf.ragged.constant([[[1, 2], [3]], [[4]]]); print(rt.row_lengths(axis=2), rt.bounding_shape())",
    "rt = tf.ragged.constant([[[1, 2], [3]], [[4]], []]); print(rt.merge_dims(1, 2), rt.merge_dims(0, 1), rt.merge_dims(0, 2))",
    "rt = tf.ragged.constant([[1, 2], [3]]); print(rt.with_values(rt.values * 2), rt.with_flat_values(rt.values + 1))",
    "rt = tf.ragged.constant([[1, 2], [3], []]); print(rt[0], rt[1:], rt[:, 1:], rt[-1], rt[::2])",
    "rt = tf.ragged.constant([[1, 2], [3], []]); print(rt[5])",
    "rt = tf.ragged.constant([[1, 2], [3], []]); print(rt[:, 0])",
    "rt = tf.ragged.constant([[[1, 2], [3]], [[4]]]); print(rt[0, 1], rt[:, :1], rt[1][0])",
    "rt = tf.ragged.constant([[1, 2], [3]]); print(rt + rt, rt * 2, 2 - rt, -rt, rt + tf.constant([[1], [2]]))",
    "rt = tf.ragged.constant([[1, 2], [3]]); print(rt * 2.5)",
    "rt = tf.ragged.constant([[1, 2], [3]]); print(rt + tf.ragged.constant([[1], [3, 4]]))",
    "rt = tf.ragged.constant([[1., 4.], [9.]]); print(tf.sqrt(rt), tf.math.log(rt), tf.abs(-rt), tf.cast(rt, tf.int32))",
    "rt = tf.ragged.constant([[1., 4.], [9.]]); print(rt > 2., tf.maximum(rt, 3.), tf.math.equal(rt, 4.))",
    "rt = tf.ragged.constant([[1., 2.], [3.], []]); print(tf.reduce_sum(rt, axis=1), tf.reduce_sum(rt, axis=0), tf.reduce_sum(rt))",
    "rt = tf.ragged.constant([[1., 2.], [3.], []]); print(tf.reduce_max(rt, axis=1), tf.reduce_min(rt, axis=1), tf.reduce_prod(rt, axis=1))",
    "rt = tf.ragged.constant([[1, 2], [3], []]); print(tf.reduce_mean(rt, axis=1), tf.reduce_mean(rt, axis=0))",
    "rt = tf.ragged.constant([[[1, 2], [3]], [[4]], []]); print(tf.reduce_sum(rt, axis=0), tf.reduce_sum(rt, axis=1), tf.reduce_sum(rt, axis=2))",
    "rt = tf.ragged.constant([[[1, 2], [3]], [[4]], []]); print(tf.reduce_max(rt, axis=[1, 2]), tf.reduce_sum(rt, axis=-1))",
    "rt = tf.ragged.constant([[True, False], [True]]); print(tf.reduce_any(rt, axis=1), tf.reduce_all(rt, axis=1))",
    "rt = tf.ragged.constant([[1, 2], [3]]); print(tf.ragged.map_flat_values(tf.ones_like, rt))",
    "rt = tf.ragged.constant([[1., 2.], [3.]]); print(tf.ones_like(rt), tf.zeros_like(rt, dtype=tf.int32), tf.identity(rt))",
    "rt = tf.ragged.constant([[1., 2.], [3.]]); print(tf.where(rt > 1., rt, 0.), tf.gather(rt, [1, 0]), tf.gather(rt, 1))",
    "rt = tf.ragged.constant([[1., 2.], [3.]]); print(tf.size(rt), tf.rank(rt), tf.expand_dims(rt, 0), tf.expand_dims(rt, 1))",
    "rt = tf.ragged.constant([[1., 2.], [3.]]); print(tf.math.add_n([rt, rt]), tf.clip_by_value(rt, 1.5, 2.5), tf.round(rt * 1.4))",
    "rt = tf.ragged.constant([[1., 2.], [3.], []]); print(tf.reduce_logsumexp(rt, axis=1))",
    "rt = tf.ragged.constant([[1., 3.], [2.]]); print(tf.nn.softmax(rt - rt), tf.nn.relu(rt - 2.))",
    "print(tf.ragged.range([3, 0, 2]), tf.ragged.range([0, 5], [4, 8], 2), tf.ragged.range(3, dtype=tf.float32))",
    "a = tf.ragged.constant([[1, 2], [3]]); b = tf.ragged.constant([[4], [5, 6]]); print(tf.ragged.stack([a, b]), tf.ragged.stack([a, b], axis=1))",
    "a = tf.ragged.constant([[1, 2], [3]]); b = tf.ragged.constant([[4], [5, 6]]); print(tf.concat([a, b], 0), tf.concat([a, b], axis=1))",
    "rt = tf.ragged.constant([[1, 2], [3]]); print(tf.ragged.boolean_mask(rt, tf.ragged.constant([[True, False], [True]])), tf.ragged.boolean_mask(rt, [False, True]))",
    "print(tf.ragged.boolean_mask([[1, 2, 3], [4, 5, 6]], [[True, False, True], [False, False, True]]))",
    "print(tf.ragged.segment_ids_to_row_splits([0, 0, 2]), tf.ragged.row_splits_to_segment_ids([0, 2, 2, 3]))",
    "print(tf.ragged.segment_ids_to_row_splits([0, 0, 2], num_segments=5))",
    "print(tf.RaggedTensorSpec([2, None], tf.int32), tf.ragged.constant([[1.]])._type_spec)",
    "print(tf.RaggedTensorSpec([2, None, 3], tf.int32, ragged_rank=1))",
    "rt = tf.ragged.constant([[1, 2], [3]]); print(tf.type_spec_from_value(rt), isinstance(rt._type_spec, tf.TypeSpec))",
    "s = tf.RaggedTensorSpec([2, None], tf.int32); print(s.is_compatible_with(tf.ragged.constant([[1], [2, 3]])), "
    "s.is_compatible_with(tf.RaggedTensorSpec([3, None], tf.int32)), s == tf.RaggedTensorSpec([2, None], tf.int32))",
    "print(tf.RaggedTensorSpec([2, None], tf.int32).most_specific_common_supertype([tf.RaggedTensorSpec([3, None], tf.int32)]))",
    "rt = tf.ragged.constant([[1, 2], [3]]); print(rt == rt, rt != 1)",
    "print(tf.reduce_sum(tf.ragged.constant([[1, 2], [3]]), axis=1, keepdims=True))",
    "print(tf.reduce_sum(tf.ragged.constant([[[1, 2], [3]], [[4]]]), axis=2, keepdims=True))",
    "rt = tf.ragged.constant([[1, 2], [3]]); print(isinstance(rt, tf.RaggedTensor), isinstance(rt, tf.Tensor))",
    "rt = tf.ragged.constant([[1, 2], [3]]); print(tf.nest.flatten(rt, expand_composites=True))",
    "rt = tf.ragged.constant([[1, 2], [3]]); print(len(rt), [r for r in rt])",
    "rt = tf.ragged.constant([[1, 2], [3]]); print(rt.to_sparse())",
    "print(tf.convert_to_tensor(tf.ragged.constant([[1, 2], [3]])))",
    "st = tf.sparse.SparseTensor([[0, 0], [1, 2], [1, 3]], [1, 2, 3], [2, 4]); print(tf.RaggedTensor.from_sparse(st))",
]

GRADIENTS = [
    """x = tf.Variable([1., 2., 3.])
with tf.GradientTape() as g:
    rt = tf.RaggedTensor.from_row_lengths(x * 1.0, [2, 1])
    y = tf.reduce_sum(tf.reduce_max(rt * rt, axis=1)) + tf.reduce_sum(rt.to_tensor())
print(g.gradient(y, x))""",
    """x = tf.Variable([1., 2., 3.])
with tf.GradientTape() as g:
    rt = tf.RaggedTensor.from_row_lengths(x, [2, 1])
    y = tf.reduce_sum(tf.reduce_mean(rt * rt, axis=1))
print(g.gradient(y, x))""",
]

SPARSE_CLASS = [
    "st = tf.sparse.SparseTensor([[0, 0], [1, 2]], [1., 2.], [3, 4]); print(st); print(repr(st))",
    "st = tf.SparseTensor([[0, 0], [1, 2]], [1., 2.], [3, 4]); print(st.shape, st.dtype, st.get_shape(), st._type_spec)",
    "print(tf.SparseTensorSpec([None, 3]), tf.SparseTensorSpec([None, 3], tf.int64).dtype)",
    "st = tf.SparseTensor([[0, 0]], [1.], [3, 4]); print(tf.type_spec_from_value(st), tf.SparseTensorSpec([None, 4]).is_compatible_with(st))",
    "print(tf.SparseTensorSpec([2, 4]).most_specific_common_supertype([tf.SparseTensorSpec([3, 4])]), tf.SparseTensorSpec([2, 4]) == tf.SparseTensorSpec([2, 4]))",
    "st = tf.SparseTensor([[0, 0], [1, 2]], [1., 2.], [3, 4]); print(st.with_values([5., 6.]).values)",
    "print(tf.SparseTensor([[0, 0], [1, 2]], [1., 2., 3.], [3, 4]))",
    "print(tf.SparseTensor([0, 1], [1., 2.], [3, 4]))",
    "st = tf.SparseTensor([[0, 0], [1, 2]], [1., 2.], [3, 4]); print(tf.nest.flatten(st, expand_composites=True))",
    "st = tf.SparseTensor([[0, 0], [1, 2]], [1., 2.], [3, 4]); print(tf.SparseTensor.from_value(st) is st)",
]


def _case(code, reason=None):
    if reason is None:
        return pytest.param(code, id=code[:70])
    return pytest.param(code, id=code[:70], marks=pytest.mark.xfail(strict=True, reason=reason))


@pytest.mark.parametrize("code", [_case(c) for c in RAGGED + GRADIENTS + SPARSE_CLASS])
def test_matches_tensorflow(code):
    assert run(ef, code) == run(tf_real, code)


_ST = "st = tf.SparseTensor([[0, 1], [1, 0], [1, 2]], [-1., -2., 3.], [3, 3]); "
_AB = ("a = tf.SparseTensor([[0, 1], [1, 0]], [1., -5.], [2, 2]); "
       "b = tf.SparseTensor([[0, 1], [1, 1]], [3., -2.], [2, 2]); ")
SPARSE_OPS = [
    _ST + "print(tf.sparse.to_dense(st)); print(tf.sparse.to_dense(st, default_value=7.))",
    "print(tf.sparse.to_dense(tf.SparseTensor([[0, 5]], [1.], [2, 3])))",
    "print(tf.sparse.to_dense(tf.SparseTensor([[1, 0], [0, 0]], [1., 2.], [2, 3])))",
    "print(tf.sparse.to_dense(tf.SparseTensor([[1, 0], [1, 0]], [1., 2.], [2, 3])))",
    "print(tf.sparse.to_dense(tf.SparseTensor([[1, 0], [0, 0]], [1., 2.], [2, 3]), validate_indices=False))",
    "print(tf.sparse.to_dense(tf.SparseTensor([[1], [3]], [b'a', b'b'], [4])))",
    "print(tf.sparse.from_dense([[0, 2], [3, 0]])); print(tf.sparse.from_dense([b'', b'x']))",
    _AB + "print(tf.sparse.add(a, b)); print(tf.sparse.add(a, tf.ones([2, 2])))",
    _AB + "print(tf.sparse.add(a, b, threshold=2.))",
    _AB + "print(tf.sparse.maximum(a, b)); print(tf.sparse.minimum(a, b))",
    "print(tf.sparse.reorder(tf.SparseTensor([[1, 0], [0, 2], [0, 1]], [1, 2, 3], [2, 3])))",
    _ST + "print(tf.sparse.reshape(st, [9])); print(tf.sparse.reshape(st, [-1, 1]))",
    _ST + "print(tf.sparse.reshape(st, [2, 2]))",
    _ST + "print(tf.sparse.slice(st, [1, 0], [2, 2]))",
    _AB + "print(tf.sparse.concat(1, [a, b])); print(tf.sparse.concat(0, [a, b]))",
    _AB + "\ntry:\n    tf.concat([a, b], 1)\nexcept ValueError as e:\n    print('ValueError')",
    _AB + "\ntry:\n    tf.ones_like(a)\nexcept ValueError as e:\n    print('ValueError')",
    _ST + "print(tf.sparse.retain(st, [True, False, True]))",
    "print(tf.sparse.fill_empty_rows(tf.SparseTensor([[1, 0]], [5], [3, 2]), 0))",
    _ST + "print(tf.sparse.sparse_dense_matmul(st, tf.ones([3, 2])))",
    _ST + "print(tf.sparse.sparse_dense_matmul(st, tf.ones([3, 2]), adjoint_a=True))",
    _ST + "print(tf.sparse.sparse_dense_matmul(st, tf.ones([2, 3]), adjoint_b=True))",
    _ST + "print(tf.sparse.sparse_dense_matmul(st, tf.ones([2, 2])))",
    "print(tf.sparse.sparse_dense_matmul(tf.SparseTensor([[0, 5]], [1.], [3, 3]), tf.ones([3, 2])))",
    "print(tf.sparse.sparse_dense_matmul(tf.SparseTensor([[0, 1]], [2], [3, 3]), tf.ones([3, 2], tf.int32)))",
    "print(tf.sparse.sparse_dense_matmul(tf.ones([2, 3]), tf.SparseTensor([[0, 1], [2, 0]], [1., 2.], [3, 2])))",
    _ST + "print(tf.sparse.reduce_sum(st), tf.sparse.reduce_sum(st, axis=1), tf.sparse.reduce_sum(st, axis=0))",
    _ST + "print(tf.sparse.reduce_sum(st, axis=1, keepdims=True))",
    _ST + "print(tf.sparse.reduce_sum(st, axis=1, output_is_sparse=True))",
    _ST + "print(tf.sparse.reduce_max(st, axis=1), tf.sparse.reduce_max(st, axis=0), tf.sparse.reduce_max(st))",
    _ST + "print(tf.sparse.reduce_max(st, axis=1, output_is_sparse=True))",
    _ST + "print(tf.sparse.transpose(st)); print(tf.sparse.expand_dims(st, 0)); print(tf.sparse.expand_dims(st, -1))",
    _AB + "print(tf.sparse.reset_shape(a)); print(tf.sparse.reset_shape(a, [3, 4]))",
    "print(tf.sparse.to_indicator(tf.SparseTensor([[0, 0], [1, 1]], [1, 2], [2, 2]), 4))",
    "print(tf.sparse.split(sp_input=tf.SparseTensor([[0, 4], [0, 1]], [1, 2], [1, 5]), num_split=2, axis=1))",
    _ST + "print(tf.sparse.softmax(st))",
    "print(tf.sparse.eye(2)); print(tf.sparse.eye(2, 3, dtype=tf.int32))",
    _ST + "print(tf.sparse.map_values(tf.math.abs, st))",
    _ST + "print(st * 2., st * tf.ones([3, 3]) * 3., tf.abs(st), st / 2., tf.math.square(st))",
    "st = tf.sparse.from_dense([['a', '', ''], ['b', 'c', '']]); d = tf.constant([['d'], ['e']]); "
    "print(tf.sparse.cross([st, d])); print(tf.sparse.cross([st, d], separator='-'))",
    "print(tf.sparse.cross([tf.constant([[1, 2]]), tf.constant([['x']])]))",
    "rt = tf.ragged.constant([['a'], ['b', 'c']]); print(tf.ragged.cross([rt, tf.constant([['d'], ['e']])]), "
    "tf.ragged.cross([rt, tf.constant([[1, 2], [3, 4]])]))",
    "print(tf.sparse.segment_sum(tf.constant([[1., 2], [3, 4], [5, 6]]), [0, 2], [0, 1]))",
    "print(tf.sparse.bincount([[1, 1, 3], [2, 2, 2]])); print(tf.sparse.bincount([[1, 1, 3], [2, 2, 2]], axis=-1))",
    "print(tf.sparse.bincount([[1, 1, 3], [2, 2, 2]], axis=-1, binary_output=True, minlength=2, maxlength=3))",
    "print(tf.sparse.bincount(tf.ragged.constant([[1, 1], [3]]), axis=-1, weights=tf.ragged.constant([[.5, 1.], [2.]])))",
    "print(tf.sparse.bincount(tf.SparseTensor([[0, 0], [1, 1]], [4, 4], [2, 2]), axis=-1)); print(tf.sparse.bincount([1, 5, 1]))",
    "print(tf.sparse.bincount(tf.constant([1, 5, 1], tf.int64), minlength=8))",
    "print(tf.sparse.segment_mean(tf.constant([[1., 2], [3, 4], [5, 6]]), [0, 1, 2], [0, 0, 1]))",
]

SPARSE_GRADIENTS = [
    """v = tf.Variable([1., 2., 3.])
st = tf.SparseTensor([[0, 1], [1, 0], [1, 2]], [1., 1., 1.], [3, 3])
with tf.GradientTape() as g:
    s = st.with_values(v * v)
    y = tf.reduce_sum(tf.sparse.to_dense(s)) + tf.reduce_sum(tf.sparse.sparse_dense_matmul(s, tf.ones([3, 2])))
print(g.gradient(y, v))""",
    """v = tf.Variable([1., 5., 3.])
st = tf.SparseTensor([[0, 1], [1, 0], [1, 2]], [1., 1., 1.], [3, 3])
with tf.GradientTape() as g:
    y = tf.reduce_sum(tf.sparse.reduce_sum(st.with_values(v), axis=1))
print(g.gradient(y, v))""",
    """v = tf.Variable([1., 2., 3.])
b = tf.Variable(tf.reshape(tf.range(6.), [3, 2]))
st = tf.SparseTensor([[0, 1], [1, 0], [1, 2]], [1., 1., 1.], [3, 3])
with tf.GradientTape() as g:
    y = tf.reduce_sum(tf.sparse.sparse_dense_matmul(st.with_values(v), b, adjoint_a=True) ** 2)
print(g.gradient(y, [v, b]))""",
    """v = tf.Variable([1., 2., 3.])
b = tf.Variable(tf.reshape(tf.range(6.), [2, 3]))
st = tf.SparseTensor([[0, 1], [1, 0], [1, 2]], [1., 1., 1.], [3, 3])
with tf.GradientTape() as g:
    y = tf.reduce_sum(tf.sparse.sparse_dense_matmul(st.with_values(v), b, adjoint_b=True) ** 2)
print(g.gradient(y, [v, b]))""",
]


@pytest.mark.parametrize("code", [_case(c) for c in SPARSE_OPS + SPARSE_GRADIENTS])
def test_sparse_matches_tensorflow(code):
    assert run(ef, code) == run(tf_real, code)


STRINGS = [
    "print(tf.strings.split(['hello world', 'a  b'])); print(tf.strings.split('a b c', maxsplit=1))",
    "print(tf.strings.split(['a,b,,c'], sep=',')); print(tf.strings.split([['a b'], ['c']]))",
    "print(tf.strings.split(tf.ragged.constant([['a b'], ['c d', 'e']])))",
    "print(tf.strings.join(['a', 'b'], separator='-'), tf.strings.join([['a', 'b'], ['c', 'd']]))",
    "print(tf.strings.join([['a', 'b'], 'c'], separator='+'))",
    "print(tf.strings.length(['h\\u00e9llo', '']), tf.strings.length(['h\\u00e9llo'], unit='UTF8_CHAR'))",
    "print(tf.strings.substr(['hello', 'world'], 1, 3), tf.strings.substr('h\\u00e9llo', 1, 2, unit='UTF8_CHAR'))",
    "print(tf.strings.substr('hello', -3, 2), tf.strings.substr(['hello', 'ab'], [1, 0], [10, 1]))",
    "print(tf.strings.substr('hello', 7, 2))",
    "print(tf.strings.regex_replace(['aab', 'b'], 'a+', 'x'), tf.strings.regex_replace('aab', 'a', 'x', replace_global=False))",
    "print(tf.strings.regex_replace('ab', '(a)(b)', r'\\2\\1'), tf.strings.regex_replace('ab', 'b', r'<\\0>'))",
    "print(tf.strings.regex_full_match(['abc', 'x'], 'a.*'))",
    "print(tf.strings.to_number(['1.5', '2']), tf.strings.to_number(['3'], out_type=tf.int64))",
    "print(tf.strings.to_number(['abc']))",
    "print(tf.strings.as_string([1.5, 2.]), tf.strings.as_string([3.14159], precision=2))",
    "print(tf.strings.as_string([1, 22], width=4, fill='0'), tf.strings.as_string([1234.5], scientific=True))",
    "print(tf.strings.as_string([0.1], shortest=True), tf.strings.as_string([True, False]), tf.as_string(5))",
    "print(tf.strings.as_string([1, 2], width=3))",
    "print(tf.strings.format('x={} y={}', [tf.constant([1, 2]), tf.constant(3.5)]))",
    "print(tf.strings.format('{}', tf.range(10))); print(tf.strings.format('{}', tf.constant([[1, 2], [3, 4]])))",
    "print(tf.strings.substr(['hello'], [1], [-1]), tf.strings.substr(['hello'], [-2], [-3]))",
    "print(tf.strings.format('{} and {}', ('a', 2))); print(tf.strings.format('{}', tf.constant(['a', 'b'])))",
    "print(tf.strings.format('{}', tf.constant([np.pi, 0.1, 1 / 3, 1e-7, 123456789.0], tf.float32)))",
    "print(tf.strings.format('{}', tf.constant([0.1, 1 / 3, 1e-7, 2.0], tf.float64)))",
    "print(tf.strings.format('{}', tf.reshape(tf.range(64), [8, 8]), summarize=2))",
    "print(tf.ragged.constant([[1, 2], [3]], ragged_rank=0))",
    "print(tf.strings.unicode_decode([b'a\\xffb'], 'UTF-8', errors='ignore'), tf.strings.unicode_decode([b'a\\xffb'], 'UTF-8', replacement_char=63))",
    "print(tf.strings.lower('AbC'), tf.strings.upper(['ab\\u00e9']), tf.strings.strip(['  a b \\n']))",
    "print(tf.strings.upper(['ab\\u00e9'], encoding='utf-8'))",
    "print(tf.strings.bytes_split(['abc', 'd']), tf.strings.bytes_split('h\\u00e9'))",
    "print(tf.strings.reduce_join([['a', 'b'], ['c', 'd']], axis=1, separator='-'), tf.strings.reduce_join(['a', 'b']))",
    "print(tf.strings.reduce_join([['a', 'b'], ['c', 'd']], axis=0, keepdims=True))",
    "print(tf.strings.reduce_join(tf.ragged.constant([['a', 'b'], ['c']]), axis=-1))",
    "print(tf.strings.unicode_decode(['h\\u00e9', 'x'], 'UTF-8'), tf.strings.unicode_encode([[104, 233]], 'UTF-8'))",
    "print(tf.strings.unicode_encode(tf.ragged.constant([[104, 233], [120]]), 'UTF-8'))",
    "print(tf.strings.unicode_split(['h\\u00e9'], 'UTF-8'), tf.strings.unicode_transcode(['h\\u00e9'], 'UTF-8', 'UTF-16-BE'))",
    "print(tf.strings.unicode_decode(b'\\xff', 'UTF-8'))",
    "print(tf.strings.ngrams(['a', 'b', 'c'], 2), tf.strings.ngrams(tf.ragged.constant([['a', 'b', 'c'], ['d']]), 2))",
    "print(tf.strings.ngrams(['a', 'b'], 2, pad_values=('<', '>'), padding_width=1))",
    "print(tf.strings.ngrams(['a', 'b', 'c'], [1, 3], separator='_'))",
    "print(tf.constant('a') + tf.constant('b'), tf.constant(['a', 'b']) + 'c')",
    "print(tf.strings.length(tf.ragged.constant([['ab'], ['c', '']])))",
    "w = [b'', b'a', b'hello', b'abcdefghijklmnopq', b'y' * 33, b'w' * 65, bytes(range(200))]; "
    "print(tf.strings.to_hash_bucket_fast(w, 2 ** 62 + 7), tf.strings.to_hash_bucket(w, 1000))",
    "print(tf.strings.to_hash_bucket_fast(tf.ragged.constant([['a'], []]), 10))",
    "print(tf.strings.to_hash_bucket_fast(['a'], 0))",
    "print(tf.strings.to_hash_bucket_strong(['', 'hello', 'abcdefghi', 'x' * 40], 2 ** 62 + 3, key=[123, 2 ** 62 + 5]))",
    "print(tf.strings.to_hash_bucket_strong(['a'], 10, key=[-1, 2])); print(tf.strings.to_hash_bucket_strong(['a'], 10, key=[1]))",
    "print(tf.strings.unsorted_segment_join(['a', 'b', 'c'], [1, 0, 1], 3, separator=':'))",
    "print(tf.strings.unsorted_segment_join(['a'], [5], 3))",
    "print(tf.strings.unicode_decode_with_offsets(['h\u00e9', 'x'], 'UTF-8'))",
    "print(tf.strings.unicode_split_with_offsets(['h\u00e9'], 'UTF-8'), tf.strings.unicode_decode_with_offsets('h\u00e9', 'UTF-8'))",
    "print(tf.ragged.stack_dynamic_partitions(['a', 'b', 'c', 'd'], [1, 0, 1, 3], 4))",
]


@pytest.mark.parametrize("code", [_case(c) for c in STRINGS])
def test_strings_match_tensorflow(code):
    assert run(ef, code) == run(tf_real, code)


_SETS = "a = tf.constant([[1, 2, 3], [4, 5, 5]]); b = tf.constant([[3, 2, 9], [7, 7, 7]]); "
SETS = [
    _SETS + "print(tf.sets.intersection(a, b)); print(tf.sets.union(a, b))",
    _SETS + "print(tf.sets.difference(a, b)); print(tf.sets.difference(a, b, aminusb=False))",
    _SETS + "sa = tf.sparse.from_dense(tf.constant([[1, 0, 2], [0, 0, 3]])); print(tf.sets.size(sa)); "
    "print(tf.sets.union(sa, b)); print(tf.sets.difference(sa, b)); print(tf.sets.intersection(sa, sa))",
    _SETS + "print(tf.sets.size(a))",
    "print(tf.sets.intersection(tf.constant([[b'a', b'b']]), tf.constant([[b'b']])))",
    "print(tf.sets.union(tf.constant([[1, 2]]), tf.constant([[1], [2]])))",
    "print(tf.sets.union(tf.constant([1, 2]), tf.constant([5])))",
    "print(tf.sets.intersection(tf.constant([[1, 2], [3, 4]]), tf.constant([[5, 6], [7, 8]])))",
    "print(tf.sets.union(tf.constant([[1, 2]]), tf.constant([[1]], tf.int64)))",
]


@pytest.mark.parametrize("code", [_case(c) for c in SETS])
def test_sets_match_tensorflow(code):
    assert run(ef, code) == run(tf_real, code)
