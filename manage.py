#!/usr/bin/env python
from simportal.cli import main

if __name__ == "__main__":
    main()
