"""`tf.data.experimental.parse_example_dataset` and `make_batched_features_dataset`."""
from __future__ import annotations

from typing import Any, Callable, Iterator

from eagerflow._src.data.dataset import DatasetV2


def _key_order(features: dict) -> list:
    """TF's order of the parsed dict: sparse keys, then dense, then ragged, each sorted."""
    from eagerflow._src.io import parsing_ops as p

    def kind(f: Any) -> int:
        if isinstance(f, (p.VarLenFeature, p.SparseFeature)):
            return 0
        if isinstance(f, p.RaggedFeature):
            return 2
        return 1
    return sorted(features, key=lambda k: (kind(features[k]), k))


class ParseExampleDataset(DatasetV2):
    """Parses each vector of serialized `Example`s into a dict of features."""

    _tf_name = "_ParseExampleDataset"

    def __init__(self, input_dataset: DatasetV2, features: dict, num_parallel_calls: Any,
                 deterministic: Any) -> None:
        from eagerflow._src.framework import dtypes as _dtypes
        from eagerflow._src.io.parsing_ops import parse_example

        spec = input_dataset.element_spec
        if not (type(spec).__name__ == "TensorSpec" and spec.dtype == _dtypes.string
                and spec.shape.is_compatible_with([None])):
            raise TypeError("Input dataset should be a dataset of vectors of strings. Instead it is "
                            f"`{spec}`.")
        self._input = input_dataset
        self._order = _key_order(features)
        self._parsed = input_dataset.map(lambda x: parse_example(x, features),
                                         num_parallel_calls=num_parallel_calls, deterministic=deterministic)
        self._inputs = (self._parsed,)

    def _reorder(self, d: dict) -> dict:
        return {k: d[k] for k in self._order}

    @property
    def element_spec(self) -> Any:
        spec = self._reorder(self._parsed.element_spec)
        batch = self._input.element_spec.shape[0]
        for key, s in spec.items():  # as TF: a sparse feature is [batch, None]
            if type(s).__name__ == "SparseTensorSpec":
                spec[key] = type(s)([batch, None], s.dtype)
        return spec

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _iterate(self) -> Iterator:
        for element in self._parsed._iterate():
            yield self._reorder(element)


class _LabelSplitDataset(DatasetV2):
    """`map(lambda x: (x, x.pop(label_key)))` over parsed features, its spec taken straight from
    the input's (a traced map would see the sparse components through stand-ins)."""

    _tf_name = "_MapDataset"

    def __init__(self, input_dataset: DatasetV2, label_key: str) -> None:
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._key = label_key

    def _split(self, element: dict) -> tuple:
        features = dict(element)
        return features, features.pop(self._key)

    @property
    def element_spec(self) -> Any:
        return self._split(self._input.element_spec)

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _iterate(self) -> Iterator:
        for element in self._input._iterate():
            yield self._split(element)


def parse_example_dataset(features: Any, num_parallel_calls: Any = 1, deterministic: Any = None) -> Callable:
    """A transformation parsing vectors of serialized `Example`s into dicts of features."""
    if features is None:
        raise ValueError("Argument `features` is required, but not specified.")
    return lambda dataset: ParseExampleDataset(dataset, features, num_parallel_calls, deterministic)


def make_batched_features_dataset(file_pattern: Any, batch_size: Any, features: dict, reader: Any = None,
                                  label_key: Any = None, reader_args: Any = None, num_epochs: Any = None,
                                  shuffle: bool = True, shuffle_buffer_size: int = 10000,
                                  shuffle_seed: Any = None, prefetch_buffer_size: Any = None,
                                  reader_num_threads: Any = None, parser_num_threads: Any = None,
                                  sloppy_ordering: bool = False, drop_final_batch: bool = False) -> DatasetV2:
    """Batches of feature dicts (and labels with `label_key`) parsed from the `Example` records of
    the files matching `file_pattern`, built as TF builds it: list_files, interleaved readers,
    shuffle/repeat, batch, parse_example_dataset, prefetch."""
    from eagerflow._src.data.options import AUTOTUNE, Options
    from eagerflow._src.data.readers import TFRecordDataset
    from eagerflow._src.framework import dtypes as _dtypes

    reader = TFRecordDataset if reader is None else reader
    reader_num_threads = 1 if reader_num_threads is None else reader_num_threads
    parser_num_threads = 2 if parser_num_threads is None else parser_num_threads
    prefetch_buffer_size = AUTOTUNE if prefetch_buffer_size is None else prefetch_buffer_size
    reader_args = [] if reader_args is None else list(reader_args)
    dataset = DatasetV2.list_files(file_pattern, shuffle=shuffle, seed=shuffle_seed)
    if reader_num_threads == AUTOTUNE:
        dataset = dataset.interleave(lambda name: reader(name, *reader_args), num_parallel_calls=AUTOTUNE)
        options = Options()
        options.deterministic = not sloppy_ordering
        dataset = dataset.with_options(options)
    else:
        dataset = dataset.interleave(lambda name: reader(name, *reader_args),
                                     cycle_length=reader_num_threads, block_length=1)
    spec = dataset.element_spec
    if (isinstance(spec, tuple) and len(spec) == 2
            and all(getattr(s, "dtype", None) == _dtypes.string for s in spec)):
        dataset = dataset.map(lambda _, v: v)  # (key, value) records
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer_size, shuffle_seed)
    if num_epochs != 1:
        dataset = dataset.repeat(num_epochs)
    dataset = dataset.batch(batch_size, drop_remainder=drop_final_batch or num_epochs is None)
    dataset = dataset.apply(parse_example_dataset(features, num_parallel_calls=parser_num_threads))
    if label_key:
        if label_key not in features:
            raise ValueError(f"The `label_key` provided ({label_key}) must be one of the `features` "
                             f"keys: {features.keys()}.")
        dataset = _LabelSplitDataset(dataset, label_key)
    return dataset.prefetch(prefetch_buffer_size)
