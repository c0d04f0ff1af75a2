"""The play after the trainee departs from the real QB: a model of the other 21 players fitted on real plays."""

from .model import Continuation, Throw
from .params import ContinuationParams, default_params, load_params

__all__ = ["Continuation", "ContinuationParams", "Throw", "default_params", "load_params"]
