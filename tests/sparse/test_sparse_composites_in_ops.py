"""SparseTensors where TF's ops take them: tf.size/tf.rank, tf.map_fn over sparse elems, and the
CSR sparse matrix product Keras's sparse x sparse matmul calls."""
import numpy as np

import eagerflow as tf
from eagerflow.python.ops.linalg.sparse import sparse_csr_matrix_ops as csr


def _sparse(dense):
    return tf.sparse.from_dense(tf.constant(dense, tf.float32))


def test_size_and_rank_of_a_sparse_tensor_come_from_its_dense_shape():
    s = tf.sparse.SparseTensor([[0, 1], [2, 3]], [1.0, 2.0], [3, 5])
    assert int(tf.size(s)) == 15 and tf.size(s).dtype == tf.int32
    assert tf.size(s, out_type=tf.int64).dtype == tf.int64
    assert int(tf.rank(s)) == 2


def test_map_fn_slices_sparse_elems_along_the_first_axis():
    dense = np.array([[[1.0, 0.0], [0.0, 2.0]], [[0.0, 3.0], [0.0, 0.0]]], np.float32)
    b = np.arange(12, dtype=np.float32).reshape(2, 2, 3)
    out = tf.map_fn(lambda x: tf.sparse.sparse_dense_matmul(x[0], x[1]), elems=(_sparse(dense), tf.constant(b)),
                    fn_output_signature=tf.float32)
    np.testing.assert_allclose(out.numpy(), dense @ b)


def test_csr_sparse_matrix_product_equals_the_dense_product():
    a, b = np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([[0.0, 3.0], [4.0, 0.0]])
    sa, sb = _sparse(a), _sparse(b)
    ma = csr.sparse_tensor_to_csr_sparse_matrix(sa.indices, sa.values, sa.dense_shape)
    mb = csr.sparse_tensor_to_csr_sparse_matrix(sb.indices, sb.values, sb.dense_shape)
    result = csr.csr_sparse_matrix_to_sparse_tensor(csr.sparse_matrix_sparse_mat_mul(ma, mb, tf.float32), tf.float32)
    assert result.indices.numpy().tolist() == [[0, 1], [1, 0]]  # TF's entries for this product
    np.testing.assert_allclose(result.values.numpy(), [3.0, 8.0])
    assert result.dense_shape.numpy().tolist() == [2, 2]


def test_cross_hashed_gives_tfs_hashes():
    a = tf.constant([["A"], ["B"], ["A"]])
    b = tf.constant([[1, 2], [3, 4], [5, 6]], tf.int64)
    s = tf.sparse.cross_hashed([a, b])
    assert s.indices.numpy().tolist() == [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]]
    assert s.values.numpy().tolist() == [3962538379011019115, 4592441063924484623, 197776373585653789,
                                         3780634210297019102, 4963544505079350482, 3497109780846067110]  # TF 2.21
    assert tf.sparse.cross_hashed([a, b], num_buckets=10).values.numpy().tolist() == [5, 3, 6, 2, 9, 0]
    assert tf.sparse.cross_hashed([a, a], 5, hash_key=7).values.numpy().tolist() == [1, 4, 1]
