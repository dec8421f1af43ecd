"""`tf.strings`: ops on string tensors."""
from eagerflow._src.ops.string_ops import (
    as_string, bytes_split, format, join, length, lower, ngrams, reduce_join, regex_full_match, regex_replace,
    split, strip, substr, to_hash_bucket, to_hash_bucket_fast, to_hash_bucket_strong, to_number,
    unsorted_segment_join, upper,
)
from eagerflow._src.ops.unicode_ops import (
    unicode_decode, unicode_decode_with_offsets, unicode_encode, unicode_split, unicode_split_with_offsets,
    unicode_transcode,
)
