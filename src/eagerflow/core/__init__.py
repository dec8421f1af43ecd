"""TF's protocol buffer modules (`tensorflow.core.*`) that code reading TF's files imports: thin
modules handing on eagerflow's own message classes (declared with TF's field numbers)."""
