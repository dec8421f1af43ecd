"""tf.Variable: construction, reads, updates, errors (TF 2.21's texts) and memory behaviour."""
import gc
import threading
import weakref

import numpy as np
import pytest

import eagerflow as tf


def _address(v):
    return v._array.__array_interface__["data"][0]


def test_repr_and_default_name():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    assert repr(v) == ("<tf.Variable 'Variable:0' shape=(2, 2) dtype=float32, numpy=\n"
                       "array([[1., 2.],\n       [3., 4.]], dtype=float32)>")


def test_duplicate_names_allowed():
    assert tf.Variable(1, name="x").name == tf.Variable(2, name="x").name == "x:0"


def test_name_scope_prefixes_name():
    with tf.name_scope("a"):
        with tf.name_scope("b"):
            v = tf.Variable(1.0, name="w")
    assert v.name == "a/b/w:0"


def test_callable_initial_value():
    assert tf.Variable(lambda: [1, 2]).numpy().tolist() == [1, 2]


def test_dtype_converts_initial_value():
    assert tf.Variable([1, 2], dtype=tf.float32).dtype == tf.float32


def test_lossy_dtype_error_text():
    with pytest.raises(TypeError, match="^Cannot convert 1.5 to EagerTensor of dtype int32$"):
        tf.Variable(1.5, dtype=tf.int32)


def test_trainable_defaults():
    assert tf.Variable(1.0).trainable
    assert not tf.Variable(1.0, synchronization=tf.VariableSynchronization.ON_READ).trainable


def test_unknown_shape_allows_shape_changing_assign():
    v = tf.Variable([1.0], shape=tf.TensorShape(None))
    v.assign([1.0, 2.0, 3.0])
    assert repr(v) == ("<tf.Variable 'Variable:0' shape=<unknown> dtype=float32, "
                       "numpy=array([1., 2., 3.], dtype=float32)>")


def test_incompatible_shape_argument_error_text():
    with pytest.raises(ValueError) as e:
        tf.Variable([1.0], shape=[2])
    assert str(e.value) == ("In this `tf.Variable` creation, the initial value's shape ((1,)) is not "
                            "compatible with the explicitly supplied `shape` argument ([2]).")


def test_constraint_must_be_callable_error_text():
    with pytest.raises(ValueError) as e:
        tf.Variable(1.0, constraint=5)
    assert str(e.value) == "Argument `constraint` must be None or a callable. a callable. Got a <class 'int'>:  5"


def test_variable_of_variable_copies():
    a = tf.Variable([2.0, 3.0])
    b = tf.Variable(a)
    a.assign([5.0, 6.0])
    assert b.numpy().tolist() == [2.0, 3.0]


def test_numpy_is_a_copy():
    v = tf.Variable([1.0, 2.0])
    n = v.numpy()
    v.assign([3.0, 4.0])
    assert n.tolist() == [1.0, 2.0]


def test_assign_returns_unread_variable():
    v = tf.Variable([1, 2])
    assert repr(v.assign([3, 4])) == ("<tf.Variable 'UnreadVariable' shape=(2,) dtype=int32, "
                                      "numpy=array([3, 4], dtype=int32)>")


def test_assign_chains():
    v = tf.Variable(1.0)
    assert v.assign(2.0).assign_add(1.0).assign_sub(0.5).numpy() == 2.5


def test_read_value_false_returns_none():
    v = tf.Variable([1.0, 2.0])
    assert v.assign([3.0, 4.0], read_value=False) is None
    assert v.assign_add([1.0, 1.0], read_value=False) is None


def test_slice_assign():
    v = tf.Variable([1.0, 2.0, 3.0])
    v[0].assign(5.0)
    v[1:3].assign([7.0, 8.0])
    assert v.numpy().tolist() == [5.0, 7.0, 8.0]


def test_slice_assign_broadcasts():
    v = tf.Variable([1.0, 2.0, 3.0])
    v[1:3].assign(5.0)
    assert v.numpy().tolist() == [1.0, 5.0, 5.0]


def test_slice_assign_wrong_shape_keeps_value():
    v = tf.Variable([1.0, 2.0, 3.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Cannot broadcast input shape \\[3\\] into final shape \\[2\\]"):
        v[1:3].assign([7.0, 8.0, 9.0])
    assert v.numpy().tolist() == [1.0, 2.0, 3.0]


def test_scatter_nd_updates():
    v = tf.Variable([1.0, 2.0, 3.0, 4.0])
    v.scatter_nd_update([[0], [2]], [9.0, 9.0])
    v.scatter_nd_add([[1]], [1.0])
    v.scatter_nd_sub([[3]], [1.0])
    assert v.numpy().tolist() == [9.0, 3.0, 9.0, 3.0]


def test_sparse_read():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    assert v.sparse_read([1, 0]).numpy().tolist() == [[3.0, 4.0], [1.0, 2.0]]


def test_ref_deref():
    v = tf.Variable(1.0)
    assert v.ref().deref() is v


def test_hash_error():
    with pytest.raises(TypeError, match=r"^Variable is unhashable. Instead, use variable.ref\(\) as the key."):
        hash(tf.Variable(1.0))


def test_in_place_operator_error():
    v = tf.Variable(1.0)
    with pytest.raises(RuntimeError, match="`variable \\+= value` with `tf.Variable`s is not supported"):
        v += 1


def test_variable_works_as_op_input():
    v = tf.Variable([1.0, 2.0])
    assert (v + 1).numpy().tolist() == [2.0, 3.0]
    assert tf.reshape(v, [2, 1]).shape == (2, 1)
    assert repr(tf.convert_to_tensor(v)) == "<tf.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>"


def test_freed_with_last_reference():
    v = tf.Variable([1.0, 2.0])
    ref = weakref.ref(v)
    del v
    gc.collect()
    assert ref() is None


# --- bad input leaves the value unchanged --------------------------------------------------------
def test_assign_wrong_shape_keeps_value():
    v = tf.Variable([2.0, 3.0])
    with pytest.raises(ValueError) as e:
        v.assign([1.0, 2.0, 3.0])
    assert str(e.value) == ("Cannot assign value to variable ' Variable:0': Shape mismatch.The variable "
                            "shape (2,), and the assigned value shape (3,) are incompatible.")
    assert v.numpy().tolist() == [2.0, 3.0]


def test_assign_add_wrong_shape_keeps_value():
    v = tf.Variable([1.0, 2.0, 3.0])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="Cannot update variable with shape \\[3\\] using a Tensor with shape \\[2\\], shapes must be equal."):
        v.assign_add([1.0, 2.0])
    assert v.numpy().tolist() == [1.0, 2.0, 3.0]


def test_assign_wrong_dtype_keeps_value():
    v = tf.Variable([1, 2])
    with pytest.raises(TypeError, match="^Cannot convert \\[1.5, 2\\] to EagerTensor of dtype int32$"):
        v.assign([1.5, 2])
    assert v.numpy().tolist() == [1, 2]


def test_assign_tensor_of_other_dtype_keeps_value():
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError, match="^Tensor conversion requested dtype float32 for Tensor with dtype int32"):
        v.assign_add(tf.constant([1, 2]))
    assert v.numpy().tolist() == [1.0, 2.0]


def test_assign_unknown_keyword_is_type_error():
    v = tf.Variable([1.0])
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
        v.assign([2.0], foo=1)
    assert v.numpy().tolist() == [1.0]


# --- memory --------------------------------------------------------------------------------------
def test_assign_add_writes_in_place():
    v = tf.Variable(np.zeros(1000, dtype=np.float32))
    before = _address(v)
    v.assign_add(np.ones(1000, dtype=np.float32))
    v.assign_sub(np.ones(1000, dtype=np.float32))
    assert _address(v) == before


def test_assign_aliases_the_assigned_tensor():
    v = tf.Variable(np.zeros(10, dtype=np.float32))
    t = tf.constant(np.ones(10, dtype=np.float32))
    v.assign(t)  # TF's AssignVariableOp takes the tensor's buffer: O(1) whatever the size
    assert _address(v) == t._array.__array_interface__["data"][0]


def test_earlier_read_never_changes():
    v = tf.Variable([1.0, 2.0])
    r = v.read_value()
    v.assign_add([1.0, 1.0])
    v.assign([9.0, 9.0])
    assert r.numpy().tolist() == [1.0, 2.0]


def test_assigned_tensor_never_changes():
    t = tf.constant([1.0, 2.0])
    v = tf.Variable([0.0, 0.0])
    v.assign(t)
    v.assign_add([1.0, 1.0])
    assert t.numpy().tolist() == [1.0, 2.0]


def test_reshaped_view_of_read_never_changes():
    v = tf.Variable([1.0, 2.0, 3.0, 4.0])
    view = tf.reshape(v.read_value(), [2, 2])
    v.assign_add([1.0, 1.0, 1.0, 1.0])
    assert view.numpy().tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_slice_of_read_never_changes():
    v = tf.Variable([1.0, 2.0, 3.0])
    part = v.read_value()[1:]
    v.assign_add([1.0, 1.0, 1.0])
    assert part.numpy().tolist() == [2.0, 3.0]


def test_numpy_view_of_read_never_changes():
    v = tf.Variable([1.0, 2.0])
    a = np.asarray(v.read_value())
    v.assign_sub([1.0, 1.0])
    assert a.tolist() == [1.0, 2.0]


def test_update_after_reads_are_dropped_is_in_place_again():
    v = tf.Variable(np.zeros(100, dtype=np.float32))
    r = v.read_value()
    v.assign_add(np.ones(100, dtype=np.float32))  # copies: r holds the old buffer
    del r
    before = _address(v)
    v.assign_add(np.ones(100, dtype=np.float32))
    assert _address(v) == before


def test_threaded_assign_add_is_atomic():
    v = tf.Variable(0)

    def work():
        for _ in range(500):
            v.assign_add(1)
            v.read_value()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert int(v.numpy()) == 4000


def test_reflected_operators_convert_python_scalars_to_the_variables_dtype():
    v = tf.Variable(2.0)
    assert (1 / v).dtype == tf.float32 and float(1 / v) == 0.5
    assert float(7 // v) == 3.0 and float(1.5 / v) == 0.75


def test_assign_add_on_string_variable_is_tfs_missing_kernel_error():
    v = tf.Variable("a")
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="No OpKernel was registered to support Op 'AssignAddVariableOp'"):
        v.assign_add("b")
    assert v.numpy() == b"a"


def test_assign_adopts_the_tensors_buffer_without_copying():
    t = tf.constant(np.arange(1000, dtype=np.float32))
    v = tf.Variable(tf.zeros([1000]))
    v.assign(t)
    assert np.shares_memory(np.asarray(v.read_value()), np.asarray(t))  # O(1): no copy made


def test_update_after_assign_leaves_the_assigned_tensor_unchanged():
    t = tf.constant([1.0, 2.0])
    v = tf.Variable([0.0, 0.0])
    v.assign(t)
    v.assign_add([10.0, 10.0])
    v[0].assign(5.0)
    assert t.numpy().tolist() == [1.0, 2.0]
    assert v.numpy().tolist() == [5.0, 12.0]


def test_read_before_update_of_adopted_buffer_never_changes():
    v = tf.Variable([0.0, 0.0])
    v.assign(tf.constant([1.0, 2.0]))  # the tensor itself is dropped: the variable may write
    before = v.read_value()
    v.assign_sub([1.0, 1.0])
    assert before.numpy().tolist() == [1.0, 2.0] and v.numpy().tolist() == [0.0, 1.0]


def test_failed_assign_of_wrong_shape_keeps_adopted_value():
    v = tf.Variable([0.0, 0.0])
    v.assign(tf.constant([3.0, 4.0]))
    with pytest.raises(ValueError):
        v.assign([1.0, 2.0, 3.0])
    assert v.numpy().tolist() == [3.0, 4.0]


def test_concurrent_assign_and_assign_add_stay_consistent():
    v = tf.Variable(tf.zeros([256]))
    tensors = [tf.fill([256], float(i)) for i in range(50)]

    def assigner():
        for t in tensors:
            v.assign(t)

    def adder():
        for _ in range(200):
            v.assign_add(tf.ones([256]))

    threads = [threading.Thread(target=assigner), threading.Thread(target=adder)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    values = v.numpy()
    assert (values == values[0]).all()  # every update applied to the whole buffer atomically
    assert [t.numpy()[0] for t in tensors] == [float(i) for i in range(50)]  # inputs untouched
