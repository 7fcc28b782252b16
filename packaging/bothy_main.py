"""The frozen app's entry point (PyInstaller runs this file as __main__).

The same executable is also the engine process: multiprocessing ('spawn') starts it again with
arguments that freeze_support() recognises, so freeze_support() must run first, before Bothy
parses any arguments. assistant.cli.main() calls it again, which does no harm.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from assistant.cli import main

    sys.exit(main())
