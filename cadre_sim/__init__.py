"""The ``cadre-sim`` command line: commands assembled from the model and the experiments.

Nothing in :mod:`model`, :mod:`experiments` or :mod:`dashboards` imports this package;
``import model`` stays small and free of argparse, plotting and file writing.
"""
