"""eagerflow's implementation. Nothing here is public API: `eagerflow.<namespace>` re-exports it."""
