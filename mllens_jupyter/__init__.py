"""mllens-jupyter: the AWS Well-Architected Machine Learning Lens inside the notebook."""

__version__ = "0.1.0"
