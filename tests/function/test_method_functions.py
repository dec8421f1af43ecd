"""tf.function on methods: the bound function's signature and its SavedModel children, as TF."""
import inspect

import eagerflow as tf


class Doubler(tf.Module):
    @tf.function
    def call(self, inputs, scale=2.0):
        return inputs * scale


def test_bound_tf_function_signature_drops_self():
    assert str(inspect.signature(Doubler().call)) == "(inputs, scale=2.0)"


def test_function_children_are_its_traces_for_saved_models_only():
    module = Doubler()
    module.call(tf.constant(1.0))
    module.call(tf.constant([1.0, 2.0]))
    assert module.call._trackable_children("checkpoint") == {}
    children = module.call._trackable_children("savedmodel")
    assert sorted(children) == ["trace_0", "trace_1"]
    assert all(hasattr(c, "graph") for c in children.values())
