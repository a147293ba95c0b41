"""The GitHub Action's entrypoint: everything lives in deploy_check.action."""
from __future__ import annotations

import sys

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "deploy-check":
        from deploy_check.cli import main as cli_main

        raise SystemExit(cli_main(sys.argv[2:]))
    from deploy_check.action import main

    raise SystemExit(main())
