"""Static shapes that tf.function gives ops whose output size follows unknown input sizes or a
stacked shape tensor (as TF 2.21's shape functions give them)."""
import eagerflow as tf


def _traced_shape(fn, spec):
    shapes = []

    @tf.function
    def f(x):
        y = fn(x)
        shapes.append(y.shape.as_list() if y.shape.rank is not None else None)
        return y

    f.get_concrete_function(tf.TensorSpec(spec))
    return shapes[0]


def test_pooling_an_input_of_unknown_size_leaves_its_spatial_dims_unknown():
    assert _traced_shape(lambda x: tf.nn.avg_pool2d(x, 2, 2, "VALID"), [None, None, None, 4]) == \
        [None, None, None, 4]
    assert _traced_shape(lambda x: tf.nn.max_pool2d(x, 2, 2, "VALID"), [None, None, None, None]) == \
        [None, None, None, None]


def test_pooling_with_strides_of_known_sizes_stays_static():
    assert _traced_shape(lambda x: tf.nn.max_pool2d(x, 3, 2, "SAME"), [None, 9, 7, 2]) == [None, 5, 4, 2]


def test_conv2d_transpose_output_shape_stacked_from_batch_and_constants_is_static_where_constant():
    def fn(x):
        out_shape = tf.stack([tf.shape(x)[0], 8, 8, 4])
        return tf.nn.conv2d_transpose(x, tf.ones([3, 3, 4, 8]), out_shape, 2, "SAME")

    assert _traced_shape(fn, [None, 4, 4, 8]) == [None, 8, 8, 4]


def test_random_shape_from_a_shape_op_keeps_the_known_dims():
    assert _traced_shape(lambda x: tf.random.uniform(tf.shape(x)), [None, 3]) == [None, 3]
