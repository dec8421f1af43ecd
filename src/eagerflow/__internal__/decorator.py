"""`tf.__internal__.decorator`: re-exports only."""
from eagerflow._src.util.decorator import unwrap
