"""The `checkpoint` state file: TF's `CheckpointState` proto in text format.

    model_checkpoint_path: "ckpt-3"
    all_model_checkpoint_paths: "ckpt-2"
    all_model_checkpoint_paths: "ckpt-3"
    all_model_checkpoint_timestamps: 1795631305.5489147
    last_preserved_timestamp: 1795631304.4944727

Written as protobuf's `text_format.MessageToString` writes it, atomically (temporary
file, fsync, rename). Read with a small strict parser: a malformed file is treated as
TF treats a text-format `ParseError` (the state is ignored, `None`).
"""
from __future__ import annotations

import dataclasses
import math
import os
import re
import secrets

STATE_FILENAME = "checkpoint"
_MAX_STATE_BYTES = 64 << 20
_LINE = re.compile(r'\s*([A-Za-z_]+)\s*:\s*(.*?)\s*')
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "'": "'", "\\": "\\", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v", "?": "?"}
# The bytes CEscape writes as a backslash escape (others outside printable ASCII become octal).
_C_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord('"'): '\\"', ord("'"): "\\'",
              ord("\\"): "\\\\"}


@dataclasses.dataclass
class CheckpointState:
    """TF's `CheckpointState` (tensorflow/python/training/checkpoint_state.proto)."""

    model_checkpoint_path: str = ""
    all_model_checkpoint_paths: list[str] = dataclasses.field(default_factory=list)
    all_model_checkpoint_timestamps: list[float] = dataclasses.field(default_factory=list)
    last_preserved_timestamp: float = 0.0


class StateParseError(ValueError):
    """The state file is not a valid text-format CheckpointState."""


def state_path(directory: str, latest_filename: str | None = None) -> str:
    return os.path.join(directory, latest_filename or STATE_FILENAME)


# ----------------------------------------------------------------------------- text format

def _quote(text: str) -> str:
    """protobuf's CEscape of the UTF-8 bytes (text_format's default, as_utf8=False)."""
    out = []
    for byte in text.encode("utf-8"):
        if byte in _C_ESCAPES:
            out.append(_C_ESCAPES[byte])
        elif byte < 0x20 or byte >= 0x7F:
            out.append(f"\\{byte:03o}")
        else:
            out.append(chr(byte))
    return '"' + "".join(out) + '"'


def _format_double(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(float(value))  # protobuf's text_format prints doubles as Python's repr


def to_text(state: CheckpointState) -> str:
    """The text TF's `text_format.MessageToString(CheckpointState)` produces."""
    lines = []
    if state.model_checkpoint_path:
        lines.append(f"model_checkpoint_path: {_quote(state.model_checkpoint_path)}")
    lines += [f"all_model_checkpoint_paths: {_quote(p)}" for p in state.all_model_checkpoint_paths]
    lines += [f"all_model_checkpoint_timestamps: {_format_double(t)}" for t in state.all_model_checkpoint_timestamps]
    if state.last_preserved_timestamp:
        lines.append(f"last_preserved_timestamp: {_format_double(state.last_preserved_timestamp)}")
    return "".join(line + "\n" for line in lines)


def _unquote(token: str) -> str:
    if len(token) < 2 or token[0] not in "\"'" or token[-1] != token[0]:
        raise StateParseError(f"Expected a string, got {token[:40]!r}")
    body = token[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        char = body[i]
        if char == token[0]:
            raise StateParseError("Unescaped quote inside a string")
        if char != "\\":
            out += char.encode("utf-8")
            i += 1
            continue
        if i + 1 >= len(body):
            raise StateParseError("Dangling backslash in a string")
        nxt = body[i + 1]
        if nxt in _ESCAPES:
            out += _ESCAPES[nxt].encode()
            i += 2
        elif nxt in "01234567":
            digits = re.match(r"[0-7]{1,3}", body[i + 1:]).group(0)
            out.append(int(digits, 8) & 0xFF)
            i += 1 + len(digits)
        elif nxt == "x" and re.match(r"[0-9A-Fa-f]{1,2}", body[i + 2:]):
            digits = re.match(r"[0-9A-Fa-f]{1,2}", body[i + 2:]).group(0)
            out.append(int(digits, 16))
            i += 2 + len(digits)
        else:
            raise StateParseError(f"Invalid escape \\{nxt}")
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StateParseError(f"String is not UTF-8: {exc}") from None


def _parse_double(token: str) -> float:
    lowered = token.lower()
    if lowered in ("inf", "infinity", "-inf", "-infinity", "nan"):
        return float(lowered)
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?[fF]?", token):
        raise StateParseError(f"Expected a number, got {token[:40]!r}")
    return float(token.rstrip("fF"))


def from_text(text: str) -> CheckpointState:
    """Parses the text format written by `to_text` (or by TF). Raises StateParseError."""
    state = CheckpointState()
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            raise StateParseError(f"{number}: cannot parse {stripped[:60]!r}")
        field, value = match.groups()
        if field == "model_checkpoint_path":
            state.model_checkpoint_path = _unquote(value)
        elif field == "all_model_checkpoint_paths":
            state.all_model_checkpoint_paths.append(_unquote(value))
        elif field == "all_model_checkpoint_timestamps":
            state.all_model_checkpoint_timestamps.append(_parse_double(value))
        elif field == "last_preserved_timestamp":
            state.last_preserved_timestamp = _parse_double(value)
        else:
            raise StateParseError(f'{number}: Message type "tensorflow.CheckpointState" has no field named '
                                  f'"{field}".')
    return state


# ----------------------------------------------------------------------------- files

def atomic_write_text(path: str, text: str) -> None:
    """Writes `text` to `path` through a temporary file, fsync and rename."""
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    tmp = f"{path}.tmp{secrets.token_hex(8)}"
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def generate_checkpoint_state(save_dir: str, model_checkpoint_path: str,
                              all_model_checkpoint_paths: list[str] | None = None,
                              all_model_checkpoint_timestamps: list[float] | None = None,
                              last_preserved_timestamp: float | None = None) -> CheckpointState:
    """TF's `generate_checkpoint_state_proto`."""
    paths = list(all_model_checkpoint_paths or [])
    if not paths or paths[-1] != model_checkpoint_path:
        paths.append(model_checkpoint_path)
    timestamps = list(all_model_checkpoint_timestamps or [])
    if timestamps and len(timestamps) != len(paths):
        raise ValueError("Checkpoint timestamps, if provided, must match checkpoint paths (got paths "
                         f"{paths} and timestamps {timestamps})")
    # Relative paths are rewritten relative to a relative save_dir, as TF does.
    if not os.path.isabs(save_dir):
        if not os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = os.path.relpath(model_checkpoint_path, save_dir)
        paths = [p if os.path.isabs(p) else os.path.relpath(p, save_dir) for p in paths]
    return CheckpointState(model_checkpoint_path, paths, timestamps, last_preserved_timestamp or 0.0)


def update_checkpoint_state(save_dir: str, model_checkpoint_path: str,
                            all_model_checkpoint_paths: list[str] | None = None,
                            latest_filename: str | None = None, save_relative_paths: bool = False,
                            all_model_checkpoint_timestamps: list[float] | None = None,
                            last_preserved_timestamp: float | None = None) -> None:
    """TF's `update_checkpoint_state_internal`: writes the state file atomically."""
    save_dir = save_dir or "."
    paths = list(all_model_checkpoint_paths or [])
    if save_relative_paths:
        if os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = os.path.relpath(model_checkpoint_path, save_dir)
        paths = [os.path.relpath(p, save_dir) if os.path.isabs(p) else p for p in paths]
    state = generate_checkpoint_state(save_dir, model_checkpoint_path, paths,
                                      all_model_checkpoint_timestamps, last_preserved_timestamp)
    filename = state_path(save_dir, latest_filename)
    if filename == state.model_checkpoint_path:
        raise RuntimeError(f"Save path '{model_checkpoint_path}' conflicts with path used for checkpoint state.  "
                           "Please use a different save path.")
    atomic_write_text(filename, to_text(state))


def get_checkpoint_state(checkpoint_dir: str | os.PathLike,
                         latest_filename: str | None = None) -> CheckpointState | None:
    """`tf.train.get_checkpoint_state`: the state in `checkpoint_dir`, paths made absolute
    relative to it; None when there is no state file or it cannot be parsed.

    Raises:
      ValueError: the file parses but names no checkpoint (as TF).
    """
    checkpoint_dir = os.fspath(checkpoint_dir)
    filename = state_path(checkpoint_dir, latest_filename)
    try:
        with open(filename, "rb") as f:
            data = f.read(_MAX_STATE_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except OSError:
        return None
    try:
        if len(data) > _MAX_STATE_BYTES:
            raise StateParseError("state file too large")
        state = from_text(data.decode("utf-8"))
    except (StateParseError, UnicodeDecodeError):
        return None  # TF logs the ParseError and ignores the state.
    if not state.model_checkpoint_path:
        raise ValueError("Invalid checkpoint state loaded from " + checkpoint_dir)
    if not os.path.isabs(state.model_checkpoint_path):
        state.model_checkpoint_path = os.path.join(checkpoint_dir, state.model_checkpoint_path)
    state.all_model_checkpoint_paths = [p if os.path.isabs(p) else os.path.join(checkpoint_dir, p)
                                        for p in state.all_model_checkpoint_paths]
    return state


def checkpoint_exists(prefix: str) -> bool:
    """Whether a V2 checkpoint (`prefix.index`) exists."""
    return os.path.isfile(prefix + ".index")


def latest_checkpoint(checkpoint_dir: str | os.PathLike, latest_filename: str | None = None) -> str | None:
    """`tf.train.latest_checkpoint`: the prefix the state file names, if its index exists."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state and state.model_checkpoint_path and checkpoint_exists(state.model_checkpoint_path):
        return state.model_checkpoint_path
    return None
