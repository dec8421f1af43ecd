"""`tf.io`: TFRecord files, Example parsing, tensor serialization, file reads. Re-exports only."""
from eagerflow._src.io.codec_ops import decode_base64, decode_compressed, encode_base64  # noqa: F401
from eagerflow._src.ops.image_codec_ops import (  # noqa: F401
    decode_and_crop_jpeg, decode_bmp, decode_gif, decode_image, decode_jpeg, decode_png, encode_png,
    extract_jpeg_shape, is_jpeg,
)
from eagerflow._src.io.io_ops import (  # noqa: F401
    decode_csv, decode_raw, matching_files, parse_tensor, read_file, serialize_tensor, write_file,
)
from eagerflow._src.io.parsing_config import (  # noqa: F401
    FixedLenFeature, FixedLenSequenceFeature, RaggedFeature, SparseFeature, VarLenFeature,
)
from eagerflow._src.io.parsing_ops import (  # noqa: F401
    parse_example, parse_sequence_example, parse_single_example, parse_single_sequence_example,
)
from eagerflow._src.io.tfrecord import TFRecordOptions, TFRecordWriter  # noqa: F401
from eagerflow.io import gfile  # noqa: F401
