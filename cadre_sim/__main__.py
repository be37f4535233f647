"""``python -m cadre_sim``: the same as the ``cadre-sim`` console script."""

import sys

from cadre_sim.cli import main

sys.exit(main())
