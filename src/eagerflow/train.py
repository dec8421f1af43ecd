"""`tf.train`: checkpoints, moving averages, cluster specs, Example protos. Re-exports only."""
from types import SimpleNamespace as _Namespace

from eagerflow._src.checkpoint.checkpoint import Checkpoint  # noqa: F401
from eagerflow._src.checkpoint.graph import TrackableView  # noqa: F401
from eagerflow._src.checkpoint.manager import CheckpointManager  # noqa: F401
from eagerflow._src.checkpoint.reader import list_variables, load_checkpoint  # noqa: F401
from eagerflow._src.checkpoint.safetensors_io import (  # noqa: F401
    load_safetensors, read_safetensors, save_safetensors,
)
from eagerflow._src.checkpoint.state import get_checkpoint_state, latest_checkpoint  # noqa: F401
from eagerflow._src.io.example_protos import (  # noqa: F401
    BytesList, Example, Feature, FeatureList, FeatureLists, Features, FloatList, Int64List,
    SequenceExample,
)
from eagerflow._src.training.checkpoint_utils import (  # noqa: F401
    CheckpointOptions, checkpoints_iterator, load_variable,
)
from eagerflow._src.training.cluster_spec import ClusterSpec  # noqa: F401
from eagerflow._src.training.coordinator import Coordinator  # noqa: F401
from eagerflow._src.training.moving_averages import ExponentialMovingAverage  # noqa: F401
from eagerflow._src.training.python_state import PythonState as _PythonState

experimental = _Namespace(PythonState=_PythonState)
