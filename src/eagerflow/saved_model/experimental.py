"""`tf.saved_model.experimental`."""
from eagerflow._src.saved_model.fingerprint import Fingerprint, read_fingerprint
from eagerflow._src.saved_model.options import VariablePolicy
from eagerflow._src.saved_model.resource import TrackableResource
