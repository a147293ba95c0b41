from __future__ import annotations

from deploy_check.cli import main

raise SystemExit(main())
