"""One module per `qbvr` command group; each has `register(subparsers)`."""
