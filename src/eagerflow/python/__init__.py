"""TF's internal module paths (`tensorflow.python.*`) that libraries built on TF import (Keras 3's
TensorFlow backend does): thin modules handing on eagerflow's own objects, never a second
implementation. Only the names such libraries use are here."""
