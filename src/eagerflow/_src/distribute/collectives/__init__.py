"""Multi-process collectives on plain NumPy arrays, the layer under MultiWorkerMirroredStrategy.

Importing this package never imports mpi4py: `MpiCommunicator()` does, when it is built.
"""
from eagerflow._src.distribute.collectives.mpi import MpiCommunicator

__all__ = ["MpiCommunicator"]
