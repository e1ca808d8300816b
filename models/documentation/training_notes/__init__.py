"""Hand-labelled progress notes the checker's sentence model learns from (see models.documentation.sentences);
the held-out notes that measure it are in tests/data/labelled_notes/ and never train it."""
