"""Nested structures (`tf.nest`): flatten, pack and map over lists, tuples, dicts and friends.

TF's rules: dicts and other mappings (OrderedDict included) are walked in sorted key order and
rebuilt with their own type; namedtuples, attrs classes and `collections.abc.Sequence`s (not
strings) are structures; everything else (tensors, variables, arrays, sets, None) is a leaf.
With `expand_composites=True`, composite tensors (objects whose `_type_spec` has
`_to_components`/`_from_components`, such as `IndexedSlices`) and type specs open up into their
components. Objects with `__tf_flatten__`/`__tf_unflatten__` (TF's CustomNestProtocol) are
structures always. Error texts are TF's.
"""
from __future__ import annotations

import collections.abc as _abc
from typing import Any, Callable, Iterator

_ATOMIC = (str, bytes, bytearray, memoryview)

# Kinds of structure (the leaf kind is None).
_LIST, _TUPLE, _NAMEDTUPLE, _DICT, _MAPPING, _VIEW, _ATTRS, _CUSTOM, _COMPOSITE, _SPEC, _SEQ = range(11)

IF_SHALLOW_IS_SEQ_INPUT_MUST_BE_SEQ = (
    "If shallow structure is a sequence, input must also be a sequence. Input has type: {}.")
STRUCTURES_HAVE_MISMATCHING_LENGTHS = (
    "The two structures don't have the same sequence length. Input structure has length {input_length}, "
    "while shallow structure has length {shallow_length}.")
STRUCTURES_HAVE_MISMATCHING_TYPES = (
    "The two structures don't have the same sequence type. Input structure has type {input_type}, while "
    "shallow structure has type {shallow_type}.")
SHALLOW_TREE_HAS_INVALID_KEYS = (
    "The shallow_tree's keys are not a subset of the input_tree's keys. The shallow_tree has the "
    "following keys that are not in the input_tree: {}.")
INPUT_TREE_SMALLER_THAN_SHALLOW_TREE = (
    "The input_tree has fewer elements than the shallow_tree. Input structure has length {input_size}, "
    "while shallow structure has length {shallow_size}.")


class MismatchError(ValueError):
    """Two structures differ (raised as TF's ValueError or TypeError texts)."""


def is_namedtuple(instance: Any, strict: bool = False) -> bool:
    """Whether `instance` is a namedtuple (a tuple subclass with `_fields` of strings)."""
    if not isinstance(instance, tuple):
        return False
    fields = getattr(type(instance) if strict else instance, "_fields", None)
    return isinstance(fields, tuple) and all(isinstance(f, str) for f in fields)


def is_attrs(instance: Any) -> bool:
    """Whether `instance` is an instance of an attrs class."""
    return getattr(type(instance), "__attrs_attrs__", None) is not None


def is_mapping(instance: Any) -> bool:
    return isinstance(instance, _abc.Mapping)


def _kind(x: Any, expand_composites: bool = False) -> int | None:
    """The structure kind of `x` (None for a leaf). Plain containers are checked first (fast)."""
    t = type(x)
    if t is list:
        return _LIST
    if t is tuple:
        return _TUPLE
    if t is dict:
        return _DICT
    if t in _LEAF_TYPES:
        return None
    if hasattr(t, "__tf_flatten__"):
        return _CUSTOM
    if expand_composites:
        spec = getattr(x, "_type_spec", None)
        if spec is not None and hasattr(spec, "_to_components"):
            if _is_plain_tensor_spec(spec):
                return None
            return _COMPOSITE
        if hasattr(x, "_component_specs") and hasattr(x, "_to_components"):
            return None if _is_plain_tensor_spec(x) else _SPEC
    if isinstance(x, tuple):
        return _NAMEDTUPLE if is_namedtuple(x) else _TUPLE
    if isinstance(x, _abc.Mapping):
        return _MAPPING
    if isinstance(x, _abc.MappingView):
        return _VIEW
    if getattr(t, "__attrs_attrs__", None) is not None:
        return _ATTRS
    if isinstance(x, _abc.Sequence) and not isinstance(x, _ATOMIC):
        return _LIST if isinstance(x, list) else _SEQ
    if not hasattr(t, "_type_spec") and not hasattr(t, "_component_specs"):
        _LEAF_TYPES.add(t)  # a leaf by its type alone (tensors, variables, arrays): remember it
    return None


_LEAF_TYPES: set = {int, float, bool, str, bytes, type(None), complex}


def register_leaf_type(cls: type) -> None:
    """Marks `cls` (exactly, not subclasses) a leaf on the fast path (tensors, variables)."""
    _LEAF_TYPES.add(cls)


def _is_plain_tensor_spec(spec: Any) -> bool:
    # A TensorSpec's only component is itself: TF treats it (and tensors) as a leaf.
    return getattr(spec, "_is_tensor_spec", False)


def _sorted_keys(mapping: Any) -> list:
    return sorted(mapping)  # TF raises Python's TypeError for unsortable keys


def _children(x: Any, kind: int) -> list:
    """The direct children of structure `x`, in TF's order."""
    if kind == _LIST or kind == _TUPLE or kind == _NAMEDTUPLE or kind == _SEQ:
        return list(x)
    if kind == _DICT or kind == _MAPPING:
        return [x[k] for k in _sorted_keys(x)]
    if kind == _VIEW:
        return list(x)
    if kind == _ATTRS:
        return [getattr(x, a.name) for a in type(x).__attrs_attrs__]
    if kind == _CUSTOM:
        return list(x.__tf_flatten__()[1])
    if kind == _COMPOSITE:
        return _as_list(x._type_spec._to_components(x))
    if kind == _SPEC:
        return _as_list(x._component_specs)
    raise AssertionError(kind)


def _as_list(components: Any) -> list:
    # Component structures may themselves be nested: flatten them one level into a list.
    return flatten(components) if not isinstance(components, list) else components


def _child_items(x: Any, kind: int) -> list:
    """(path key, child) pairs of structure `x`, as TF's paths name them."""
    if kind == _DICT or kind == _MAPPING:
        return [(k, x[k]) for k in _sorted_keys(x)]
    if kind == _NAMEDTUPLE:
        return list(zip(x._fields, x))
    if kind == _ATTRS:
        return [(a.name, getattr(x, a.name)) for a in type(x).__attrs_attrs__]
    return list(enumerate(_children(x, kind)))


def _rebuild(instance: Any, kind: int, children: list) -> Any:
    """A structure like `instance` holding `children` (in `_children` order)."""
    if kind == _LIST:
        return children if type(instance) is list else _construct(instance, children)
    if kind == _TUPLE:
        return tuple(children) if type(instance) is tuple else _construct(instance, children)
    if kind == _NAMEDTUPLE:
        return type(instance)(*children)
    if kind == _DICT or kind == _MAPPING:
        result = dict(zip(_sorted_keys(instance), children))
        if type(instance) is dict:
            return {k: result[k] for k in instance}  # the instance's own key order
        if isinstance(instance, _abc.MutableMapping) and hasattr(instance, "default_factory"):
            out = type(instance)(instance.default_factory)
            for k in instance:
                out[k] = result[k]
            return out
        return type(instance)((k, result[k]) for k in instance)
    if kind == _VIEW:
        return list(children)
    if kind == _ATTRS:
        return type(instance)(*children)
    if kind == _CUSTOM:
        metadata = instance.__tf_flatten__()[0]
        return type(instance).__tf_unflatten__(metadata, tuple(children))
    if kind == _COMPOSITE:
        spec = instance._type_spec
        return spec._from_components(pack_sequence_as(spec._component_specs, children))
    if kind == _SPEC:
        return _spec_from_component_specs(instance, children)
    return _construct(instance, children)


def _spec_from_component_specs(spec: Any, children: list) -> Any:
    rebuild = getattr(spec, "_from_component_specs", None)
    return rebuild(children) if rebuild is not None else children


def _construct(instance: Any, children: list) -> Any:
    try:
        return type(instance)(children)
    except TypeError:
        return list(children)


# --- flatten / pack -------------------------------------------------------------------------------
def is_nested(seq: Any) -> bool:
    """Whether `seq` is a structure (list, tuple, dict, namedtuple, attrs, Sequence), not a leaf."""
    return _kind(seq) is not None


def is_nested_or_composite(seq: Any) -> bool:
    return _kind(seq, True) is not None


is_sequence_or_composite = is_nested_or_composite


def flatten(structure: Any, expand_composites: bool = False) -> list:
    """The leaves of `structure` in TF's order (dicts by sorted key); a leaf gives `[leaf]`."""
    out: list = []
    _flatten_into(structure, expand_composites, out)
    return out


def _flatten_into(x: Any, expand: bool, out: list) -> None:
    t = type(x)
    if t is list or t is tuple:
        for item in x:
            ti = type(item)
            if ti in _LEAF_TYPES:
                out.append(item)
            else:
                _flatten_into(item, expand, out)
        return
    kind = _kind(x, expand)
    if kind is None:
        out.append(x)
        return
    for child in _children(x, kind):
        _flatten_into(child, expand, out)


def _packed(structure: Any, flat: list, index: int, expand: bool) -> tuple[int, Any]:
    kind = _kind(structure, expand)
    if kind is None:
        return index + 1, flat[index]
    packed = []
    for child in _children(structure, kind):
        index, value = _packed(child, flat, index, expand)
        packed.append(value)
    return index, _rebuild(structure, kind, packed)


def pack_sequence_as(structure: Any, flat_sequence: Any, expand_composites: bool = False) -> Any:
    """`flat_sequence` rebuilt in the shape of `structure` (the inverse of `flatten`)."""
    if _kind(flat_sequence, False) is None:
        raise TypeError(f"Attempted to pack value:\n  {_short(flat_sequence)}\ninto a structure, but "
                        f"found incompatible type `{type(flat_sequence)}` instead.")
    flat = list(flat_sequence)
    if _kind(structure, expand_composites) is None:
        if len(flat) != 1:
            raise ValueError(f"The target structure is of type `{type(structure)}`\n  {_short(structure)}\n"
                             f"However the input is a sequence ({type(flat_sequence)}) of length {len(flat)}.\n"
                             f"  {_short(flat_sequence)}\nnest cannot guarantee that it is safe to map one to the other.")
        return flat[0]
    count = len(flatten(structure, expand_composites))
    if count != len(flat):
        raise ValueError(f"Could not pack sequence. Structure had {count} atoms, but flat_sequence had "
                         f"{len(flat)} items.  Structure: {structure}, flat_sequence: {flat_sequence}.")
    return _packed(structure, flat, 0, expand_composites)[1]


def _short(x: Any) -> str:
    text = str(x)
    return text if len(text) <= 100 else text[:100] + " ..."


# --- comparing structures -------------------------------------------------------------------------
def _describe(x: Any) -> str:
    return f"type={type(x).__name__} str={x}"


class _Dot:
    def __repr__(self) -> str:
        return "."


def _skeleton_text(x: Any, expand: bool) -> str:
    if _kind(x, expand) is None:
        return "."
    dot = _Dot()
    try:
        return str(pack_sequence_as(x, [dot] * len(flatten(x, expand)), expand))
    except Exception:  # a composite that cannot hold dots: describe it as a leaf
        return "."


def _same_types(a: Any, ka: int, b: Any, kb: int) -> bool:
    if ka == _NAMEDTUPLE and kb == _NAMEDTUPLE:
        return same_namedtuples(a, b)
    if ka in (_DICT, _MAPPING) and kb in (_DICT, _MAPPING):
        return True  # TF treats any two mappings alike (dict vs OrderedDict)
    if ka == _COMPOSITE or ka == _SPEC:
        return _spec_type(a) is _spec_type(b)
    return type(a) is type(b)


def _spec_type(x: Any) -> type:
    spec = getattr(x, "_type_spec", x)
    return type(spec)


def same_namedtuples(a: Any, b: Any) -> bool:
    """Whether two namedtuples have the same name and fields."""
    return type(a).__name__ == type(b).__name__ and a._fields == b._fields


def _check_same(a: Any, b: Any, check_types: bool, expand: bool) -> str | None:
    """None when `a` and `b` match, else the "More specifically" text (prefixed 'T:' for TypeError)."""
    ka, kb = _kind(a, expand), _kind(b, expand)
    if (ka is None) != (kb is None):
        seq, leaf = (a, b) if ka is not None else (b, a)
        return f'V:Substructure "{_describe(seq)}" is a sequence, while substructure "{_describe(leaf)}" is not'
    if ka is None:
        return None
    ca, cb = _children(a, ka), _children(b, kb)
    if check_types and not _same_types(a, ka, b, kb):
        return (f"T:The two namedtuples don't have the same sequence type. First structure {_describe(a)} has "
                f"type {type(a).__name__}, while second structure {_describe(b)} has type {type(b).__name__}")
    if len(ca) != len(cb):
        return (f"V:The two structures don't have the same number of elements. First structure: "
                f"{_describe(a)}. Second structure: {_describe(b)}")
    if ka in (_DICT, _MAPPING) and kb in (_DICT, _MAPPING):
        keys_a, keys_b = _sorted_keys(a), _sorted_keys(b)
        if keys_a != keys_b:
            return (f"V:The two dictionaries don't have the same set of keys. First structure has keys "
                    f"{_describe(keys_a)}, while second structure has keys {_describe(keys_b)}")
    for x, y in zip(ca, cb):
        problem = _check_same(x, y, check_types, expand)
        if problem is not None:
            return problem
    return None


def assert_same_structure(nest1: Any, nest2: Any, check_types: bool = True,
                          expand_composites: bool = False) -> None:
    """Raises ValueError (or TypeError, for differing sequence types) unless the two match."""
    problem = _check_same(nest1, nest2, check_types, expand_composites)
    if problem is None:
        return
    cls = TypeError if problem[0] == "T" else ValueError
    raise cls(f"The two structures don't have the same nested structure.\n\n"
              f"First structure: {_describe(nest1)}\n\nSecond structure: {_describe(nest2)}\n\n"
              f"More specifically: {problem[2:]}\n"
              f"Entire first structure:\n{_skeleton_text(nest1, expand_composites)}\n"
              f"Entire second structure:\n{_skeleton_text(nest2, expand_composites)}")


# --- mapping ---------------------------------------------------------------------------------------
def _map_kwargs(kwargs: dict) -> tuple[bool, bool]:
    check_types = kwargs.pop("check_types", True)
    expand = kwargs.pop("expand_composites", False)
    if kwargs:
        raise ValueError("Only valid keyword arguments are `check_types` and `expand_composites`, not: "
                         + ", ".join(f"`{k}`" for k in kwargs))
    return check_types, expand


def map_structure(func: Callable, *structure: Any, **kwargs: Any) -> Any:
    """`func` applied to corresponding leaves of `structure`s, packed like the first."""
    if not callable(func):
        raise TypeError(f"func must be callable, got: {func}")
    if not structure:
        raise ValueError("Must provide at least one structure")
    check_types, expand = _map_kwargs(kwargs)
    first = structure[0]
    if len(structure) == 1:
        flat = flatten(first, expand)
        return pack_sequence_as(first, [func(x) for x in flat], expand)
    for other in structure[1:]:
        assert_same_structure(first, other, check_types=check_types, expand_composites=expand)
    flats = [flatten(s, expand) for s in structure]
    return pack_sequence_as(first, [func(*xs) for xs in zip(*flats)], expand)


def _paths(structure: Any, prefix: tuple, expand: bool, out: list) -> None:
    kind = _kind(structure, expand)
    if kind is None:
        out.append(prefix)
        return
    for key, child in _child_items(structure, kind):
        _paths(child, prefix + (key,), expand, out)


def yield_flat_paths(nest: Any, expand_composites: bool = False) -> Iterator[tuple]:
    """The path (tuple of keys and indices) of each leaf, in `flatten` order."""
    out: list = []
    _paths(nest, (), expand_composites, out)
    yield from out


def flatten_with_tuple_paths(structure: Any, expand_composites: bool = False) -> list:
    """(path tuple, leaf) pairs in `flatten` order."""
    return list(zip(yield_flat_paths(structure, expand_composites), flatten(structure, expand_composites)))


def flatten_with_joined_string_paths(structure: Any, separator: str = "/", expand_composites: bool = False) -> list:
    """("a/0", leaf) pairs: each leaf's path joined with `separator`."""
    paths = [separator.join(str(k) for k in p) for p in yield_flat_paths(structure, expand_composites)]
    return list(zip(paths, flatten(structure, expand_composites)))


def map_structure_with_tuple_paths(func: Callable, *structure: Any, **kwargs: Any) -> Any:
    """`func(path_tuple, *leaves)` over matching structures."""
    check_types, expand = _map_kwargs(kwargs)
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types=check_types, expand_composites=expand)
    paths = list(yield_flat_paths(structure[0], expand))
    flats = [flatten(s, expand) for s in structure]
    return pack_sequence_as(structure[0], [func(p, *xs) for p, *xs in zip(paths, *flats)], expand)


def map_structure_with_paths(func: Callable, *structure: Any, **kwargs: Any) -> Any:
    """`func("a/0", *leaves)` over matching structures (paths joined with '/')."""
    return map_structure_with_tuple_paths(
        lambda path, *xs: func("/".join(str(k) for k in path), *xs), *structure, **kwargs)


# --- shallow structures ---------------------------------------------------------------------------
def assert_shallow_structure(shallow_tree: Any, input_tree: Any, check_types: bool = True,
                             expand_composites: bool = False) -> None:
    """Raises unless `input_tree` has `shallow_tree`'s structure down to the shallow tree's leaves."""
    ks = _kind(shallow_tree, expand_composites)
    if ks is None:
        return
    ki = _kind(input_tree, expand_composites)
    if ki is None:
        raise TypeError(IF_SHALLOW_IS_SEQ_INPUT_MUST_BE_SEQ.format(type(input_tree)))
    if check_types and not _shallow_types_match(shallow_tree, ks, input_tree, ki):
        raise TypeError(STRUCTURES_HAVE_MISMATCHING_TYPES.format(
            input_type=type(input_tree), shallow_type=type(shallow_tree)))
    shallow_items = _child_items(shallow_tree, ks)
    input_items = _child_items(input_tree, ki)
    if len(input_items) != len(shallow_items):
        raise ValueError(STRUCTURES_HAVE_MISMATCHING_LENGTHS.format(
            input_length=len(input_items), shallow_length=len(shallow_items)))
    if ks in (_DICT, _MAPPING) and ki in (_DICT, _MAPPING):
        missing = [k for k, _ in shallow_items if k not in input_tree]
        if missing:
            raise ValueError(SHALLOW_TREE_HAS_INVALID_KEYS.format(missing))
        input_items = [(k, input_tree[k]) for k, _ in shallow_items]
    for (_, s), (_, i) in zip(shallow_items, input_items):
        assert_shallow_structure(s, i, check_types, expand_composites)


def _shallow_types_match(s: Any, ks: int, i: Any, ki: int) -> bool:
    if ks in (_DICT, _MAPPING) and ki in (_DICT, _MAPPING):
        return True
    if ks == _NAMEDTUPLE and ki == _NAMEDTUPLE:
        return same_namedtuples(s, i)
    if {ks, ki} <= {_LIST, _SEQ} and isinstance(s, list) and isinstance(i, list):
        return True
    return type(s) is type(i)


def _up_to(shallow: Any, tree: Any, expand: bool, out: list, path: tuple, paths: list | None) -> None:
    ks = _kind(shallow, expand)
    if ks is None:
        out.append(tree)
        if paths is not None:
            paths.append(path)
        return
    ki = _kind(tree, expand)
    if ki in (_DICT, _MAPPING):
        items = [(k, tree[k]) for k in _sorted_keys(shallow)]
    else:
        items = _child_items(tree, ki)
    for (_, s), (k, t) in zip(_child_items(shallow, ks), items):
        _up_to(s, t, expand, out, path + (k,), paths)


def flatten_up_to(shallow_tree: Any, input_tree: Any, check_types: bool = True,
                  expand_composites: bool = False) -> list:
    """`input_tree` flattened only as deep as `shallow_tree` goes."""
    assert_shallow_structure(shallow_tree, input_tree, check_types, expand_composites)
    out: list = []
    _up_to(shallow_tree, input_tree, expand_composites, out, (), None)
    return out


def flatten_with_tuple_paths_up_to(shallow_tree: Any, input_tree: Any, check_types: bool = True,
                                   expand_composites: bool = False) -> list:
    assert_shallow_structure(shallow_tree, input_tree, check_types, expand_composites)
    out: list = []
    paths: list = []
    _up_to(shallow_tree, input_tree, expand_composites, out, (), paths)
    return list(zip(paths, out))


def map_structure_with_tuple_paths_up_to(shallow_tree: Any, func: Callable, *inputs: Any, **kwargs: Any) -> Any:
    if not inputs:
        raise ValueError("Cannot map over no sequences")
    check_types = kwargs.pop("check_types", True)
    expand = kwargs.pop("expand_composites", False)
    for tree in inputs:
        assert_shallow_structure(shallow_tree, tree, check_types, expand)
    paths = [p for p, _ in flatten_with_tuple_paths_up_to(shallow_tree, inputs[0], check_types, expand)]
    flats = [flatten_up_to(shallow_tree, tree, check_types, expand) for tree in inputs]
    results = [func(p, *xs, **kwargs) for p, *xs in zip(paths, *flats)]
    return pack_sequence_as(shallow_tree, results, expand)


def map_structure_up_to(shallow_tree: Any, func: Callable, *inputs: Any, **kwargs: Any) -> Any:
    """`func` over `inputs` flattened down to `shallow_tree`'s leaves, packed like it."""
    return map_structure_with_tuple_paths_up_to(shallow_tree, lambda _, *xs, **kw: func(*xs, **kw),
                                                *inputs, **kwargs)


def get_traverse_shallow_structure(traverse_fn: Callable, structure: Any, expand_composites: bool = False) -> Any:
    """A bool structure, shallow of `structure`, saying where `traverse_fn` lets the walk descend."""
    result = traverse_fn(structure)
    kind = _kind(structure, expand_composites)
    if isinstance(result, bool):
        if result and kind is not None:
            children = [get_traverse_shallow_structure(traverse_fn, c, expand_composites)
                        for c in _children(structure, kind)]
            return _rebuild(structure, kind, children)
        return result
    if kind is None:
        raise TypeError(f"traverse_fn returned structure: {result} for non-structure: {structure}")
    assert_shallow_structure(result, structure, expand_composites=expand_composites)
    children = []
    for flag, child in zip(flatten(result), flatten_up_to(result, structure, expand_composites=expand_composites)):
        children.append(get_traverse_shallow_structure(traverse_fn, child, expand_composites) if flag else False)
    return pack_sequence_as(result, children, expand_composites)


def list_to_tuple(structure: Any) -> Any:
    """`structure` with every list turned into a tuple."""
    def convert(x: Any) -> Any:
        kind = _kind(x)
        if kind is None:
            return x
        children = [convert(c) for c in _children(x, kind)]
        return tuple(children) if isinstance(x, list) else _rebuild(x, kind, children)
    return convert(structure)


def flatten_dict_items(dictionary: dict) -> dict:
    """{k: v} with nested keys matched against nested values, flattened into one dict."""
    if not isinstance(dictionary, (dict, _abc.Mapping)):
        raise TypeError("input must be a dictionary")
    flat: dict = {}
    for key, value in dictionary.items():
        if not is_nested(key):
            if key in flat:
                raise ValueError(f"Could not flatten dictionary: key {key} is not unique.")
            flat[key] = value
            continue
        keys, values = flatten(key), flatten(value)
        if len(keys) != len(values):
            raise ValueError(f"Could not flatten dictionary. Key had {len(keys)} elements, but value had "
                             f"{len(values)} elements. Key: {key}, value: {value}.")
        for k, v in zip(keys, values):
            if k in flat:
                raise ValueError(f"Could not flatten dictionary: key {k} is not unique.")
            flat[k] = v
    return flat
