"""Dtype errors carry TF 2.21's text: allowed types in registration order and the OpDef summary.

The expected messages are copied from errors TensorFlow 2.21 raised; the table behind them is
src/eagerflow/framework/op_signatures.py (tools/gen_op_signatures.py writes it).
"""
import importlib
import pkgutil
import re
import subprocess
import sys

import pytest

import eagerflow as tf
import eagerflow._src.ops
from eagerflow._src.framework.op import REGISTRY
from eagerflow._src.framework.op_signatures import KERNELS, SIGNATURES
from eagerflow._src.ops import reduce_ops


def _message(fn):
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        fn()
    return str(info.value)


def test_neg_of_uint8_names_tf_signature():
    assert _message(lambda: -tf.constant([1, 2], tf.uint8)) == (
        "Value for attr 'T' of uint8 is not in the list of allowed values: bfloat16, half, float, double, "
        "int8, int16, int32, int64, complex64, complex128\n\t; NodeDef: {{node Neg}}; Op<name=Neg; "
        "signature=x:T -> y:T; attr=T:type,allowed=[DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE, DT_INT8, "
        "DT_INT16, DT_INT32, DT_INT64, DT_COMPLEX64, DT_COMPLEX128]> [Op:Neg] name: ")


def test_sum_of_bool_lists_allowed_types_in_registration_order():
    assert _message(lambda: tf.reduce_sum(tf.constant([True, False]))) == (
        "Value for attr 'T' of bool is not in the list of allowed values: float, double, int32, uint8, "
        "int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, qint16, quint16, uint16, "
        "complex128, half, uint32, uint64\n\t; NodeDef: {{node Sum}}; Op<name=Sum; "
        "signature=input:T, reduction_indices:Tidx -> output:T; attr=keep_dims:bool,default=false; "
        "attr=T:type,allowed=[DT_FLOAT, DT_DOUBLE, DT_INT32, DT_UINT8, DT_INT16, DT_INT8, DT_COMPLEX64, "
        "DT_INT64, DT_QINT8, DT_QUINT8, DT_QINT32, DT_BFLOAT16, DT_QINT16, DT_QUINT16, DT_UINT16, "
        "DT_COMPLEX128, DT_HALF, DT_UINT32, DT_UINT64]; attr=Tidx:type,default=DT_INT32,"
        "allowed=[DT_INT32, DT_INT64]> [Op:Sum] name: ")


def test_bias_add_of_bool_summarises_string_attr():
    assert _message(lambda: tf.nn.bias_add(tf.constant([[True]]), tf.constant([True]))) == (
        "Value for attr 'T' of bool is not in the list of allowed values: float, double, int32, uint8, "
        "int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, qint16, quint16, uint16, "
        "complex128, half, uint32, uint64\n\t; NodeDef: {{node BiasAdd}}; Op<name=BiasAdd; "
        "signature=value:T, bias:T -> output:T; attr=T:type,allowed=[DT_FLOAT, DT_DOUBLE, DT_INT32, "
        "DT_UINT8, DT_INT16, DT_INT8, DT_COMPLEX64, DT_INT64, DT_QINT8, DT_QUINT8, DT_QINT32, DT_BFLOAT16, "
        "DT_QINT16, DT_QUINT16, DT_UINT16, DT_COMPLEX128, DT_HALF, DT_UINT32, DT_UINT64]; "
        'attr=data_format:string,default="NHWC",allowed=["NHWC", "NCHW"]> [Op:BiasAdd] name: ')


def test_stateless_normal_of_float_shape_names_tshape_attr():
    assert _message(lambda: tf.random.stateless_normal(tf.constant([2.]), seed=[1, 2])) == (
        "Value for attr 'Tshape' of float is not in the list of allowed values: int32, int64\n\t; "
        "NodeDef: {{node StatelessRandomNormalV2}}; Op<name=StatelessRandomNormalV2; "
        "signature=shape:Tshape, key:uint64, counter:uint64, alg:int32 -> output:dtype; "
        "attr=dtype:type,default=DT_FLOAT,allowed=[DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE]; "
        "attr=Tshape:type,default=DT_INT32,allowed=[DT_INT32, DT_INT64]> "
        "[Op:StatelessRandomNormalV2] name: ")


def test_leaky_relu_signature_summarises_float_default():
    assert REGISTRY["LeakyRelu"].unsupported_dtype_message(tf.int32) == (
        "Value for attr 'T' of int32 is not in the list of allowed values: half, bfloat16, float, double"
        "\n\t; NodeDef: {{node LeakyRelu}}; Op<name=LeakyRelu; signature=features:T -> activations:T; "
        "attr=alpha:float,default=0.2; attr=T:type,default=DT_FLOAT,allowed=[DT_HALF, DT_BFLOAT16, "
        "DT_FLOAT, DT_DOUBLE]>")


def test_reduce_logsumexp_of_int_fails_in_is_finite():
    assert _message(lambda: tf.reduce_logsumexp(tf.constant([1, 2]))) == (
        "Value for attr 'T' of int32 is not in the list of allowed values: bfloat16, half, float, double"
        "\n\t; NodeDef: {{node IsFinite}}; Op<name=IsFinite; signature=x:T -> y:bool; "
        "attr=T:type,allowed=[DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE]> [Op:IsFinite] name: ")


def test_reduce_logsumexp_of_string_fails_in_max():
    message = _message(lambda: tf.reduce_logsumexp(tf.constant(["a"])))
    assert message.startswith("Value for attr 'T' of string is not in the list of allowed values: float, double")
    assert message.endswith("; Op<name=Max; signature=input:T, reduction_indices:Tidx -> output:T; "
                            "attr=keep_dims:bool,default=false; attr=T:type,allowed=[DT_FLOAT, DT_DOUBLE, "
                            "DT_INT32, DT_UINT8, DT_INT16, DT_INT8, DT_INT64, DT_BFLOAT16, DT_UINT16, "
                            "DT_HALF, DT_UINT32, DT_UINT64, DT_QINT8, DT_QUINT8, DT_QINT32, DT_QINT16, "
                            "DT_QUINT16]; attr=Tidx:type,default=DT_INT32,allowed=[DT_INT32, DT_INT64]> "
                            "[Op:Max] name: ")


def test_op_without_tf_opdef_keeps_plain_message():
    assert reduce_ops.LOGSUMEXP.unsupported_dtype_message(tf.int32) == (
        "Value for attr 'T' of int32 is not in the list of allowed values: bfloat16, half, float, double"
        "\n\t; NodeDef: {{node ReduceLogSumExp}}")


def _declare_all_ops():
    for module in pkgutil.walk_packages(eagerflow._src.ops.__path__, "eagerflow._src.ops."):
        importlib.import_module(module.name)  # random and training ops load lazily


def test_every_signature_names_a_registered_op():
    _declare_all_ops()
    for name in list(SIGNATURES) + list(KERNELS):
        assert name in REGISTRY, name


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_signature_allowed_lists_match_its_summary(name):
    first, allowed_by_attr, summary = SIGNATURES[name]
    assert summary.startswith(f"Op<name={name}; signature=") and summary.endswith(">")
    assert not first or first in allowed_by_attr
    for attr, allowed in allowed_by_attr.items():
        listed = re.search(rf"; attr={attr}:type,(?:default=DT_\w+,)?allowed=\[([^\]]*)\]", summary).group(1)
        assert allowed == ", ".join(t.removeprefix("DT_").lower() for t in listed.split(", "))


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_kernel_lists_name_devices_one_per_line(name):
    lines = KERNELS[name].splitlines(keepends=True)
    assert lines and all(line.startswith("  device='") and line.endswith("\n") for line in lines)
    assert any(line.startswith("  device='CPU'") for line in lines)


def test_attr_message_names_the_attr_and_the_whole_opdef():
    assert REGISTRY["GatherV2"].unsupported_dtype_message(tf.float32, "Tindices") == (
        "Value for attr 'Tindices' of float is not in the list of allowed values: int16, int32, int64"
        "\n\t; NodeDef: {{node GatherV2}}; Op<name=GatherV2; signature=params:Tparams, indices:Tindices, "
        "axis:Taxis -> output:Tparams; attr=batch_dims:int,default=0; attr=Tparams:type; "
        "attr=Tindices:type,allowed=[DT_INT16, DT_INT32, DT_INT64]; attr=Taxis:type,allowed=[DT_INT32, DT_INT64]>")


def test_allows_reads_the_opdef_list():
    _declare_all_ops()
    multinomial = REGISTRY["Multinomial"]
    assert multinomial.allows(tf.int32, "T") and not multinomial.allows(tf.bool, "T")
    assert REGISTRY["Reshape"].allows(tf.string, "T")  # an attr without a list takes any type


def test_no_kernel_message_sorts_attrs_and_lists_kernels():
    _declare_all_ops()
    message = REGISTRY["Einsum"].no_kernel_message({"equation": "i->i", "T": tf.int8, "N": 1})
    assert message == (
        'Could not find device for node: {{node Einsum}} = Einsum[N=1, T=DT_INT8, equation="i->i"]\n'
        "All kernels registered for op Einsum:\n" + KERNELS["Einsum"])
    assert "  device='CPU'; T in [DT_HALF]\n" in message


def test_import_does_not_load_signatures():
    code = ("import sys, eagerflow as tf\n"
            "loaded = 'eagerflow._src.framework.op_signatures' in sys.modules\n"
            "try:\n    tf.math.sqrt(tf.constant([4]))\nexcept tf.errors.InvalidArgumentError:\n    pass\n"
            "print(loaded, 'eagerflow._src.framework.op_signatures' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False True"


def test_no_op_accepts_a_dtype_tensorflow_rejects():
    """Each op's accepted dtypes lie within TF's OpDef list (AddV2 also takes strings: tf.add
    of strings runs TF's Add op, which eagerflow folds into AddV2)."""
    import importlib
    import pkgutil

    import eagerflow._src.ops
    from eagerflow._src.framework.op import CPP_NAMES, REGISTRY
    from eagerflow._src.framework.op_signatures import SIGNATURES

    for module in pkgutil.walk_packages(eagerflow._src.ops.__path__, "eagerflow._src.ops."):
        importlib.import_module(module.name)
    names = {cpp: name for name, cpp in CPP_NAMES.items()}
    allowed_extra = {"AddV2": {"string"}}
    for op_name, (first, allowed_by_attr, _) in SIGNATURES.items():
        if not first or REGISTRY[op_name].dtypes is None:
            continue
        tf_types = {names.get(t.strip(), t.strip()) for t in allowed_by_attr[first].split(",")}
        ours = {d.name for d in REGISTRY[op_name].dtypes}
        assert ours - tf_types <= allowed_extra.get(op_name, set()), (op_name, sorted(ours - tf_types))
