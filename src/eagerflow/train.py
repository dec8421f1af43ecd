"""`tf.train`: checkpoints. Re-exports only."""
from eagerflow._src.checkpoint.checkpoint import Checkpoint  # noqa: F401
from eagerflow._src.checkpoint.manager import CheckpointManager  # noqa: F401
from eagerflow._src.checkpoint.reader import CheckpointReader, list_variables, load_checkpoint  # noqa: F401
from eagerflow._src.checkpoint.restore import CheckpointLoadStatus  # noqa: F401
from eagerflow._src.checkpoint.safetensors_io import (  # noqa: F401
    load_safetensors, read_safetensors, save_safetensors,
)
from eagerflow._src.checkpoint.state import (  # noqa: F401
    CheckpointState, get_checkpoint_state, latest_checkpoint, update_checkpoint_state,
)
from eagerflow._src.io.example_protos import (  # noqa: F401
    BytesList, Example, Feature, FeatureList, FeatureLists, Features, FloatList, Int64List,
    SequenceExample,
)
