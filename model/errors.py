"""The one error type users see: a bad input, reported in one readable line."""


class CadreSimError(ValueError):
    """Base of every user-facing error (bad parameter, preset, spec, path …).

    The CLI prints ``error: <message>`` and exits with status 2; no traceback.
    """
