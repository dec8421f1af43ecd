"""Lookup tables (`tf.lookup`): the table state and its ops (table_ops), the public classes
(tables) and their initializers (initializers)."""
