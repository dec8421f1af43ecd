"""`tf.__internal__.distribute`: re-exports only."""
from eagerflow._src.distribute.interim import strategy_supports_no_merge_call
from eagerflow.__internal__.distribute import interim
