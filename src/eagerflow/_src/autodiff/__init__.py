"""Automatic differentiation: GradientTape, stop_gradient, custom_gradient."""
