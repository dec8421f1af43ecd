"""`tf.__internal__.distribute.interim`: re-exports only."""
from eagerflow._src.distribute.interim import maybe_merge_call
