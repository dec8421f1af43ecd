"""`tensorflow.python.ops.linalg.sparse.sparse_csr_matrix_ops`: TF's CSR sparse matrices.

eagerflow has no CSR matrix type yet: the module exists so that libraries importing it load;
its functions are not provided.
"""
