"""Allow ``python -m tpm``."""

from tpm.cli import main

raise SystemExit(main())
