"""Whether TF2 behaviour is on (`tf.__internal__.tf2.enabled`): eagerflow has no TF1 mode."""


def enabled() -> bool:
    return True
