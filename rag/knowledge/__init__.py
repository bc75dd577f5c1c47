"""Knowledge of the field as data with small typed loaders: an English-Indonesian bridge,
informal Indonesian, numbers as written, places and organisations."""
