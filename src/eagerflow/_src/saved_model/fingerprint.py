"""`tf.saved_model.experimental.Fingerprint` and `read_fingerprint`: a SavedModel's
`fingerprint.pb` (TF's or ours; eagerflow's hashes are its own, so they identify our files but
are not the numbers TF would compute for the same model)."""
from __future__ import annotations

import os
from typing import Any

from eagerflow._src.framework import errors


class Fingerprint:
    """The hashes a SavedModel's `fingerprint.pb` records."""

    def __init__(self, saved_model_checksum: Any = None, graph_def_program_hash: Any = None,
                 signature_def_hash: Any = None, saved_object_graph_hash: Any = None,
                 checkpoint_hash: Any = None, version: Any = None) -> None:
        self.saved_model_checksum = saved_model_checksum
        self.graph_def_program_hash = graph_def_program_hash
        self.signature_def_hash = signature_def_hash
        self.saved_object_graph_hash = saved_object_graph_hash
        self.checkpoint_hash = checkpoint_hash
        self.version = version

    @classmethod
    def from_proto(cls, proto: Any) -> "Fingerprint":
        """A Fingerprint from a `FingerprintDef` message."""
        return cls(proto.saved_model_checksum, proto.graph_def_program_hash, proto.signature_def_hash,
                   proto.saved_object_graph_hash, proto.checkpoint_hash, proto.version)

    def singleprint(self) -> str:
        """TF's one-string form: the four model hashes joined by '/'."""
        return (f"{self.graph_def_program_hash}/{self.signature_def_hash}/{self.saved_object_graph_hash}/"
                f"{self.checkpoint_hash}")

    def __repr__(self) -> str:
        return (f"Fingerprint({self.saved_model_checksum}, {self.graph_def_program_hash}, "
                f"{self.signature_def_hash}, {self.saved_object_graph_hash}, {self.checkpoint_hash})")


def read_fingerprint(export_dir: str | os.PathLike) -> Fingerprint:
    """Reads `export_dir/fingerprint.pb`.

    Raises:
      FileNotFoundError: the directory has no fingerprint (TF's message).
      DataLossError: a malformed fingerprint.
    """
    from eagerflow._src.saved_model import protos

    export_dir = os.fspath(export_dir)
    path = os.path.join(export_dir, "fingerprint.pb")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        raise FileNotFoundError(f"SavedModel Fingerprint Error: Could not find fingerprint in directory: "
                                f"{export_dir}\nNOT_FOUND: {path} not found") from None
    try:
        return Fingerprint.from_proto(protos.parse("FingerprintDef", data, "fingerprint"))
    except errors.DataLossError as e:
        raise errors.DataLossError(None, None, f"SavedModel Fingerprint Error: {e.message}") from None
