"""File datasets: TextLineDataset, TFRecordDataset, CsvDataset, make_csv_dataset, list_files."""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from eagerflow._src.data import structure
from eagerflow._src.data.dataset import DatasetV2
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors


def _filenames(filenames: Any) -> list[str]:
    from eagerflow._src.io.gfile import path_str

    if isinstance(filenames, DatasetV2):
        return [path_str(t) for t in filenames]
    if hasattr(filenames, "numpy"):
        filenames = filenames.numpy()
    if isinstance(filenames, (str, bytes)) or hasattr(filenames, "__fspath__"):
        return [path_str(filenames)]
    arr = np.asarray(filenames, dtype=object).reshape(-1)
    return [path_str(f) for f in arr.tolist()]


def _string(value: bytes) -> Any:
    return structure.wrap(np.array(value, dtype=object))


def _strings(values: list) -> Any:
    array = np.empty(len(values), object)
    array[:] = values
    return structure.wrap(array)


class _FileDataset(DatasetV2):
    def __init__(self, filenames: Any) -> None:
        self._files = _filenames(filenames)
        self._element_spec = structure.tensor_spec([], _dtypes.string)

    def _spec_is_cheap(self) -> bool:
        return True


class TFRecordDataset(_FileDataset):
    """`tf.data.TFRecordDataset`: the records of TFRecord files, file after file. A corrupt
    record raises `DataLossError`; under `ignore_errors` the rest of that file is skipped."""

    _tf_name = "TFRecordDatasetV2"

    def __init__(self, filenames: Any, compression_type: Any = None, buffer_size: Any = None,
                 num_parallel_reads: Any = None, name: Any = None) -> None:
        from eagerflow._src.io.tfrecord import compression_name

        super().__init__(filenames)
        self._compression = compression_name(compression_type)
        self._parallel = num_parallel_reads

    def _iterate(self) -> Iterator:
        for ok, value in self._iterate_safe():
            if not ok:
                raise value
            yield value

    def _iterate_batches(self, size: int, drop: bool) -> Iterator:
        """`batch(size, drop)` of this dataset: the records go straight into one string array
        per batch (no tensor per record). Errors are raised as `_iterate` raises them."""
        from eagerflow._src.io.tfrecord import RecordReader

        batch: list = []
        for name in self._files:
            with RecordReader(name, self._compression) as reader:
                for record in reader:
                    batch.append(record)
                    if len(batch) == size:
                        yield _strings(batch)
                        batch = []
        if batch and not drop:
            yield _strings(batch)

    def _iterate_safe(self) -> Iterator:
        # As TF: after an error other than the end of a file, the reader moves to the next file.
        from eagerflow._src.io.tfrecord import RecordReader

        for name in self._files:
            try:
                reader = RecordReader(name, self._compression)
            except errors.OpError as exc:
                yield False, exc
                continue
            try:
                try:
                    for record in reader:
                        yield True, _string(record)
                except errors.OpError as exc:
                    yield False, exc
            finally:
                reader.close()


class TextLineDataset(_FileDataset):
    """`tf.data.TextLineDataset`: the lines of text files (without line endings)."""

    _tf_name = "TextLineDatasetV2"

    def __init__(self, filenames: Any, compression_type: Any = None, buffer_size: Any = None,
                 num_parallel_reads: Any = None, name: Any = None) -> None:
        from eagerflow._src.io.tfrecord import compression_name

        super().__init__(filenames)
        self._compression = compression_name(compression_type)

    def _iterate(self) -> Iterator:
        for name in self._files:
            yield from (_string(line) for line in _lines(name, self._compression))


def _lines(name: str, compression: str) -> Iterator[bytes]:
    import gzip
    import zlib

    from eagerflow._src.io.gfile import os_error

    try:
        f: Any = open(name, "rb")
    except OSError as exc:
        raise os_error(exc, name) from None
    with f:
        if compression == "GZIP":
            f = gzip.GzipFile(fileobj=f)
        elif compression == "ZLIB":
            f = [zlib.decompress(f.read())]
            f = iter(f[0].splitlines(keepends=True))
        for line in f:
            yield line.rstrip(b"\n").rstrip(b"\r")


class FixedLengthRecordDataset(_FileDataset):
    """`tf.data.FixedLengthRecordDataset`: the `record_bytes`-long records of binary files, file
    after file, skipping each file's `header_bytes` and `footer_bytes`. As TF, the arguments are
    checked when iteration starts, and a body that is not a whole number of records is
    `InvalidArgumentError` when the file is opened (uncompressed) or `DataLossError` after its
    last whole record (GZIP/ZLIB, whose length is only known at the end)."""

    _tf_name = "FixedLengthRecordDatasetV2"

    def __init__(self, filenames: Any, record_bytes: Any, header_bytes: Any = None,
                 footer_bytes: Any = None, buffer_size: Any = None, compression_type: Any = None,
                 num_parallel_reads: Any = None, name: Any = None) -> None:
        from eagerflow._src.io.tfrecord import TFRecordOptions

        super().__init__(filenames)
        self._parallel = None if num_parallel_reads is None else _int(num_parallel_reads)
        self._record = _int(record_bytes)
        self._header = _int(header_bytes, 0)
        self._footer = _int(footer_bytes, 0)
        try:
            self._compression = TFRecordOptions.get_compression_type_string(compression_type)
        except ValueError:  # TF's error comes at iteration
            self._compression = str(compression_type)

    def _check(self) -> None:
        for what, value, least in (("record_bytes", self._record, 1), ("header_bytes", self._header, 0),
                                   ("footer_bytes", self._footer, 0)):
            if value < least:
                raise errors.InvalidArgumentError(None, None, f"`{what}` must be {'>' if least else '>='} 0")
        if self._compression not in ("", "ZLIB", "GZIP"):
            raise errors.InvalidArgumentError(None, None, "Unsupported compression_type.")

    def _length_error(self, name: str, body: int, cls: type) -> Exception:
        return cls(None, None, (
            f"Excluding the header ({self._header} bytes) and footer ({self._footer} bytes), input file "
            f'"{name}" has body length {body % 2 ** 64} bytes, which is not an exact multiple of the '
            f"record length ({self._record} bytes)."))

    def _iterate(self) -> Iterator:
        self._check()
        if self._parallel is not None and self._parallel > 1 and len(self._files) > 1:
            # TF reads `num_parallel_reads` files at a time, one record from each in turn
            # (its ParallelInterleaveDataset, deterministic, block length 1); AUTOTUNE reads
            # the files in order, as TF 2.21 does on CPU.
            def one_file(name: Any) -> DatasetV2:
                return FixedLengthRecordDataset(name, self._record, self._header, self._footer,
                                                compression_type=self._compression)
            cycle = self._parallel
            files = DatasetV2.from_tensor_slices(_strings(self._files))
            yield from files.interleave(one_file, cycle_length=cycle, block_length=1)._iterate()
            return
        for name in self._files:
            yield from (_string(r) for r in self._records(name))

    def _records(self, name: str) -> Iterator[bytes]:
        import os

        from eagerflow._src.io.gfile import os_error

        size, record = self._record, self._record
        try:
            f: Any = open(name, "rb")
        except OSError as exc:
            raise os_error(exc, name) from None
        with f:
            if self._compression:
                import zlib

                data = zlib.decompress(f.read(), (16 if self._compression == "GZIP" else 0) + zlib.MAX_WBITS)
                body = len(data) - self._header - self._footer
                end = self._header + max(body, 0) // record * record
                for start in range(self._header, end, record):
                    yield data[start:start + record]
                if body % record:
                    raise self._length_error(name, body, errors.DataLossError)
                return
            body = os.fstat(f.fileno()).st_size - self._header - self._footer
            if body % 2 ** 64 % record:  # TF's unsigned body length
                raise self._length_error(name, body, errors.InvalidArgumentError)
            f.seek(self._header)
            for _ in range(max(body, 0) // size):
                yield f.read(size)


def _int(value: Any, default: int = 0) -> int:
    if value is None:
        return default
    return int(value.numpy() if hasattr(value, "numpy") else value)


class CsvDataset(_FileDataset):
    """`tf.data.experimental.CsvDataset`: one tuple of column tensors per CSV line."""

    _tf_name = "CsvDatasetV2"

    def __init__(self, filenames: Any, record_defaults: list, compression_type: Any = None,
                 buffer_size: Any = None, header: bool = False, field_delim: str = ",",
                 use_quote_delim: bool = True, na_value: str = "", select_cols: Any = None,
                 exclude_cols: Any = None, name: Any = None) -> None:
        from eagerflow._src.io.tfrecord import compression_name

        super().__init__(filenames)
        self._compression = compression_name(compression_type)
        self._columns = []
        for d in record_defaults:
            if isinstance(d, _dtypes.DType):
                self._columns.append((d, None))
                continue
            t = structure.to_tensor(d)
            values = np.asarray(t.numpy()).reshape(-1)
            self._columns.append((t.dtype, values[0] if values.size else None))
        self._header, self._delim, self._quote = header, field_delim, use_quote_delim
        self._na, self._select = na_value, select_cols
        self._element_spec = tuple(structure.tensor_spec([], dt) for dt, _ in self._columns)

    def _iterate(self) -> Iterator:
        from eagerflow._src.io.io_ops import convert_field, parse_csv_line

        for name in self._files:
            for i, line in enumerate(_lines(name, self._compression)):
                if i == 0 and self._header:
                    continue
                fields = parse_csv_line(line.decode("utf-8"), self._delim, self._quote)
                if self._select is not None:
                    fields = [fields[c] for c in self._select]
                if len(fields) != len(self._columns):
                    raise errors.InvalidArgumentError(None, None, (
                        f"Expect {len(self._columns)} fields but have {len(fields)} in record"))
                yield tuple(
                    structure.wrap(np.array(convert_field(f, dt, default, self._na, c),
                                            dtype=object if dt == _dtypes.string else dt.as_numpy_dtype))
                    for c, (f, (dt, default)) in enumerate(zip(fields, self._columns)))


def make_csv_dataset(file_pattern: Any, batch_size: int, column_names: Any = None,
                     column_defaults: Any = None, label_name: Any = None, select_columns: Any = None,
                     field_delim: str = ",", use_quote_delim: bool = True, na_value: str = "",
                     header: bool = True, num_epochs: Any = None, shuffle: bool = True,
                     shuffle_buffer_size: int = 10000, shuffle_seed: Any = None,
                     prefetch_buffer_size: Any = None, num_parallel_reads: Any = None,
                     sloppy: bool = False, num_rows_for_inference: int = 100,
                     compression_type: Any = None, ignore_errors: bool = False,
                     encoding: str = "utf-8") -> DatasetV2:
    """Batches of `({column: values}, label)` (or `{column: values}`) read from CSV files, with
    column types inferred from the first rows when not given."""
    from eagerflow._src.io.gfile import glob
    from eagerflow._src.io.io_ops import parse_csv_line

    files = sorted(glob(file_pattern)) if isinstance(file_pattern, str) else _filenames(file_pattern)
    if not files:
        raise ValueError(f"No files match `file_pattern` {file_pattern}.")
    first = list(_lines(files[0], ""))
    if column_names is None:
        if not header:
            raise ValueError("Expected `column_names` or `header` to be set.")
        column_names = parse_csv_line(first[0].decode(encoding), field_delim, use_quote_delim)
    column_names = list(column_names)
    if column_defaults is None:
        rows = [parse_csv_line(l.decode(encoding), field_delim, use_quote_delim)
                for l in first[1 if header else 0:][:num_rows_for_inference]]
        column_defaults = [_infer(col, na_value) for col in zip(*rows)] if rows else [""] * len(column_names)
    select = None
    if select_columns is not None:
        # TF reads the selected columns in file order (sorted indices).
        select = sorted({column_names.index(c) if isinstance(c, str) else c for c in select_columns})
        names = [column_names[i] for i in select]
        if len(column_defaults) == len(column_names):
            column_defaults = [column_defaults[i] for i in select]
    else:
        names = column_names
    defaults = [d if isinstance(d, (list, tuple)) or hasattr(d, "dtype") else [d] for d in column_defaults]

    def file_dataset(name: Any) -> DatasetV2:
        records: DatasetV2 = CsvDataset(name, defaults, compression_type, None, header, field_delim,
                                        use_quote_delim, na_value, select)
        return records.ignore_errors() if ignore_errors else records

    # TF's order of seeds and steps: the file names shuffled, read num_parallel_reads at a
    # time, records shuffled, then repeated, batched (whole batches only when repeating forever).
    from eagerflow._src.data.sources import TensorSliceDataset

    dataset: DatasetV2 = TensorSliceDataset(files)
    if shuffle:
        dataset = dataset.shuffle(len(files), shuffle_seed)
    dataset = dataset.interleave(file_dataset, cycle_length=num_parallel_reads or 1, block_length=1)
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer_size, shuffle_seed)
    if num_epochs != 1:
        dataset = dataset.repeat(num_epochs)
    dataset = dataset.batch(batch_size, drop_remainder=num_epochs is None)

    def to_dict(*columns: Any) -> Any:
        import collections

        features = collections.OrderedDict(zip(names, columns))
        if label_name is not None:
            if label_name not in features:
                raise ValueError(f"`label_name` provided must be one of the columns: {names}. Received: {label_name}")
            label = features.pop(label_name)
            return features, label
        return features

    return dataset.map(to_dict).prefetch(-1 if prefetch_buffer_size is None else prefetch_buffer_size)


def _infer(values: tuple, na_value: str) -> Any:
    kinds = [v for v in values if v != "" and v != na_value]
    try:
        for v in kinds:
            int(v)
        return np.int32(0) if all(abs(int(v)) < 2**31 for v in kinds) else np.int64(0)
    except ValueError:
        pass
    try:
        for v in kinds:
            float(v)
        return np.float32(0.0)
    except ValueError:
        return ""


def list_files(file_pattern: Any, shuffle: Any, seed: Any) -> DatasetV2:
    """`Dataset.list_files`: matching names sorted, then shuffled (unless shuffle=False)."""
    from eagerflow._src.io.io_ops import matching_files

    names = matching_files(file_pattern)
    if names.shape[0] == 0:
        raise errors.InvalidArgumentError(None, None, (
            f"Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. Summarized data: b'No files "
            f"matched pattern: {','.join(_filenames(file_pattern))}'"))
    dataset = DatasetV2.from_tensor_slices(names)
    if shuffle is None or shuffle:
        dataset = dataset.shuffle(int(names.shape[0]), seed=seed)
    return dataset
