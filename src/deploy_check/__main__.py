from __future__ import annotations

from deploy_check.launcher import main

raise SystemExit(main())
