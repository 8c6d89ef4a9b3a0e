"""stance: read news articles and tell each mentioned country's diplomatic posture."""

__version__ = "0.1.0"
__all__ = ["__version__"]
